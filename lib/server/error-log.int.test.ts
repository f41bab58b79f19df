import { afterAll, describe, expect, it, vi } from "vitest";
import { API } from "@/lib/schemas/api";
import { db, disconnectDb } from "./db";
import { loggableError, redactDatabaseErrorsInLogs } from "./error-log";
import { toErrorResponse } from "./errors";
import { parseInput } from "./parse-input";
import { findAuditEvents } from "./services/audit/find-audit-events";
import { findDevices } from "./services/devices/find-devices";

// Installed once, over a spy: what reaches the spy is what the process would print.
const printed = vi.spyOn(console, "error").mockImplementation(() => {});
redactDatabaseErrorsInLogs();
const logText = () => printed.mock.calls.flat().map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join("\n");

afterAll(() => disconnectDb());

/** What a query refused by Postgres or by Prisma throws, from the real database. */
const refusedByPostgres = () => db.device.findMany({ where: { clientId: { gt: "\u0000'" } } }).catch((e: unknown) => e);
const refusedByPrisma = () => db.$queryRaw`SELECT "id" FROM "AuditEvent" WHERE "id" < ${BigInt("9999999999999999999")}`.catch((e: unknown) => e);

describe("database errors in the log", () => {
  it("a 500 logs the error's kind and code, never the query or its values", async () => {
    for (const err of [await refusedByPostgres(), await refusedByPrisma()]) {
      expect(err).toBeInstanceOf(Error);
      printed.mockClear();
      expect(toErrorResponse(err).status).toBe(500);
      const line = logText();
      expect(line).toMatch(/database error \((DriverAdapterError|PrismaClient\w+Error)/);
      for (const leak of ["SELECT", "AuditEvent", "9999999999999999999", "\u0000", "invalid byte sequence", "prisma__"]) expect(line, leak).not.toContain(leak);
      expect(line).toMatch(/\n\s+at /); // still says where
    }
  });

  it("whatever else logs one (Next's own handler for a failed page) prints it the same way", async () => {
    const err = await refusedByPrisma();
    printed.mockClear();
    console.error("⨯", err);
    console.error(`wrapped: ${(err as Error).message}`);
    expect(logText()).not.toMatch(/SELECT|9999999999999999999/);
    expect(loggableError(new Error("plain failure"))).toContain("plain failure");
  });
});

// The routes themselves are proven over HTTP in e2e/api/bad-input.spec.ts; here, the gate's parsing of their query.
describe("forged cursors", () => {
  it.each([
    ["listDevices", "\u0000'", (cursor: string) => findDevices({ limit: 50, cursor })],
    ["listAudit", "9999999999999999999", (cursor: string) => findAuditEvents({ limit: 50, cursor })],
  ] as const)("%s: %j answers 422 naming cursor, and logs nothing", async (name, cursor, find) => {
    printed.mockClear();
    let res: Response | undefined;
    try {
      parseInput(API[name].query, { cursor }, "query");
    } catch (e) {
      res = toErrorResponse(e);
    }
    expect(res?.status).toBe(422);
    expect(await res?.json()).toEqual({ error: { code: "UNPROCESSABLE", message: "Invalid query: cursor is not a cursor this API returned.", fields: { cursor: "is not a cursor this API returned" } } });
    // A service called without the gate refuses it too, before any query.
    await expect(find(cursor)).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { cursor: expect.any(String) } });
    expect(printed).not.toHaveBeenCalled();
  });
});
