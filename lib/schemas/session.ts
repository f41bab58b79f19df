import { z } from "zod";
import { ZRole } from "./common";

export const ZSessionInfo = z.object({
  kind: z.enum(["user", "token"]),
  id: z.string(),
  label: z.string(),
  role: ZRole,
  permissions: z.array(z.string()),
});
