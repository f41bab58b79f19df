import "server-only";
import type { TContentKey } from "@/lib/schemas/signing";
import { db } from "../../db";
import { CONTENT_KEY_INCLUDE, toContentKeyDto } from "./content-key-dto";

/** Every content key, newest first (never the keys themselves). */
export async function findContentKeys(): Promise<{ items: TContentKey[]; nextCursor: null }> {
  const rows = await db.contentKey.findMany({ orderBy: { createdAt: "desc" }, include: CONTENT_KEY_INCLUDE, take: 1_000 });
  return { items: rows.map(toContentKeyDto), nextCursor: null };
}
