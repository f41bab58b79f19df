import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { dbEnv } from "./env";

const globalForDb = globalThis as unknown as { fleetwardDb?: PrismaClient };

function client(): PrismaClient {
  globalForDb.fleetwardDb ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: dbEnv().DATABASE_URL, max: 10 }) });
  return globalForDb.fleetwardDb;
}

/** The one Prisma client of this process, connected on first use (so building the app needs no database). */
export const db = new Proxy({} as PrismaClient, {
  get(_, prop) {
    const c = client();
    const v = Reflect.get(c, prop, c) as unknown;
    return typeof v === "function" ? v.bind(c) : v;
  },
});

export type TTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Closes the pool (CLI and tests). */
export const disconnectDb = () => globalForDb.fleetwardDb?.$disconnect();
