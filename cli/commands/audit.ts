import { verifyAuditChain } from "@/lib/server/services/audit/verify-audit-chain";
import { writeAuditCheckpoint } from "@/lib/server/services/audit/write-audit-checkpoint";

/** audit checkpoint: records the chain's head now (before a backup, or to hand an auditor), in the file and to webhooks. */
export async function auditCheckpointCommand() {
  const r = await writeAuditCheckpoint();
  if (r.written) {
    const cp = r.written;
    console.log(`Checkpoint of event #${cp.headId} (${cp.count} events) at ${cp.at}, under audit key ${cp.keyId}, appended to ${r.file}${r.webhooks ? `; sent to ${r.webhooks} webhook target(s)` : ""}.`);
  } else if (r.reason === "empty") {
    console.log("The audit chain is empty: nothing to checkpoint.");
  } else if (r.reason === "unchanged") {
    console.log(`Event #${r.newest?.headId} is the head, already checkpointed at ${r.newest?.at} (${r.file}).`);
  } else {
    throw new Error(`refused: the chain ${r.reason === "behind" ? "ends before" : "no longer holds"} event #${r.newest?.headId}, the head the checkpoint of ${r.newest?.at} recorded. Run \`fleetward audit verify\`.`);
  }
}

/** audit verify: walks the chain as the Audit page does; fails (exit 1) saying where and why when it does not hold. */
export async function auditVerifyCommand() {
  const r = await verifyAuditChain();
  const cp = r.checkpoint ? `checkpoint of ${r.checkpoint.at} (event #${r.checkpoint.headId}, ${r.checkpoint.count} events, key ${r.checkpoint.keyId})` : "no checkpoint yet";
  if (r.ok) return console.log(`Intact: ${r.checked} events checked, MACed under audit key ${r.keyId} from event #${r.keyedFrom ?? "-"}; the head matches the ${cp}.`);
  if (r.broken) throw new Error(`broken at event #${r.broken.id} (event ${r.checked} of the chain): it ${r.broken.why}.`);
  throw new Error(`missing tail: the chain ends at event #${r.missingTail?.headId ?? "-"} (${r.missingTail?.count} events), but the ${cp} recorded more: at least ${r.missingTail?.missing} newest event(s) were removed.`);
}
