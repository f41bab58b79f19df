import "server-only";
import type { z } from "zod";
import type { ZAclPolicy } from "@/lib/schemas/acl";
import type { TActor } from "../../audit";
import { evaluateAdHoc } from "./evaluate-ad-hoc";

export type TLintAclOptions = { actor: TActor; policy: z.infer<typeof ZAclPolicy> };

/** The linter's findings about a policy, most severe first (bounded and rate-limited per principal: evaluate-ad-hoc.ts). */
export async function lintAcl({ actor, policy }: TLintAclOptions) {
  return { findings: await evaluateAdHoc({ actor, job: { kind: "lint", policy } }) };
}
