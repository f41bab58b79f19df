import "server-only";
import { policyWorkProblem } from "@/lib/domain/acl/work-limits";
import type { TActor } from "../../audit";
import { AppError } from "../../errors";
import { reserveAclEvaluation } from "../../rate-limits";
import type { TAclJob, TAclJobResult } from "./acl-jobs";
import { runAclJob } from "./acl-pool";

export type TEvaluateAdHocOptions<J extends TAclJob> = { actor: TActor; job: J };

/**
 * Evaluates a policy sent in a request (lint or simulate): refused with 422 when larger than one request may ask,
 * 429 when its principal runs too many at once or in a minute; else run on an evaluation thread, off the thread
 * that serves requests.
 */
export async function evaluateAdHoc<J extends TAclJob>({ actor, job }: TEvaluateAdHocOptions<J>): Promise<TAclJobResult<J>> {
  const problem = policyWorkProblem(job.policy);
  if (problem) {
    const [field, reason] = Object.entries(problem)[0]!;
    throw new AppError("UNPROCESSABLE", `Invalid body: ${field} ${reason}.`, problem);
  }
  const release = await reserveAclEvaluation(actor);
  try {
    return await runAclJob(job);
  } finally {
    release();
  }
}
