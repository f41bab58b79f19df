import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { BAD_CURSOR } from "@/lib/schemas/common";
import { ZUserQuery } from "@/lib/schemas/user";
import { db } from "../../db";
import { AppError } from "../../errors";
import { toUserDto } from "./user-dto";

export type TFindUsersOptions = { q?: string; limit: number; cursor?: string };

/** Users ordered by e-mail; the cursor is the last e-mail of the previous page. */
export async function findUsers({ q, limit, cursor }: TFindUsersOptions) {
  // The query's schema refused any other cursor already; this is for other callers.
  if (!ZUserQuery.shape.cursor.safeParse(cursor).success) throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: BAD_CURSOR });
  const where: Prisma.UserWhereInput = {
    ...(q ? { OR: [{ email: { contains: q, mode: "insensitive" } }, { name: { contains: q, mode: "insensitive" } }] } : {}),
    ...(cursor ? { email: { gt: cursor } } : {}),
  };
  const rows = await db.user.findMany({ where, orderBy: { email: "asc" }, take: limit + 1 });
  const page = rows.slice(0, limit);
  return { items: page.map(toUserDto), nextCursor: rows.length > limit ? (page.at(-1)?.email ?? null) : null };
}

export async function getUser(id: string) {
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw new AppError("NOT_FOUND", "User was not found.");
  return toUserDto(u);
}
