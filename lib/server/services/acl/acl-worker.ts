// An ACL evaluation thread (worker_threads): ad hoc lints and simulations run here, so that the thread serving
// requests stays free while a large policy is evaluated. Pure domain code only: no database, no secrets.
import { parentPort } from "node:worker_threads";
import { decideDynsec } from "@/lib/domain/acl/dynsec";
import { lintPolicy } from "@/lib/domain/acl/lint";
import type { TAclJob, TAclJobReply } from "./acl-jobs";

parentPort?.on("message", ({ id, job }: { id: number; job: TAclJob }) => {
  let reply: TAclJobReply;
  try {
    reply = { id, ok: true, result: job.kind === "lint" ? lintPolicy(job.policy) : decideDynsec(job.policy, job.action, job.topic) };
  } catch (e) {
    reply = { id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
