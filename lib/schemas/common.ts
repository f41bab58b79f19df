import { z } from "zod";
import { ROLES } from "@/lib/domain/permissions";

export const ZRole = z.enum(ROLES, { error: "must be one of ADMIN, OPERATOR, AUDITOR" });

export const ZUuid = z.uuid({ error: "must be an id (UUID)" });

export const ZLimit = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(500, "must be at most 500")
  .default(50);

export const ZCursor = z.string().max(200, "is not a valid cursor").optional();

/** Every list answers this shape. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const ZIdParams = z.strictObject({ id: ZUuid });

export const ZEmpty = z.strictObject({});
