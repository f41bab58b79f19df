import "server-only";
import { db } from "../../db";
import { toTokenDto } from "./token-dto";

/** Every API token, active first, newest first. Tokens are few; no paging needed beyond the list shape. */
export async function findTokens() {
  const rows = await db.apiToken.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] });
  return { items: rows.map(toTokenDto), nextCursor: null };
}
