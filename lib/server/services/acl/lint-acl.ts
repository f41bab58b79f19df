import "server-only";
import type { z } from "zod";
import { lintPolicy } from "@/lib/domain/acl/lint";
import type { ZAclPolicy } from "@/lib/schemas/acl";

/** The linter's findings about a policy, most severe first. */
export async function lintAcl(policy: z.infer<typeof ZAclPolicy>) {
  return { findings: lintPolicy(policy) };
}
