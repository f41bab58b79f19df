import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { desiredStateChanged } from "../../queue";
import { queueKick } from "../fleet/revocations";

/** Closes a client's sessions on every broker through the sync engine's kick path, audited. */
export async function disconnectClient({ actor, clientId }: { actor: TActor; clientId: string }) {
  return change(async (tx) => {
    const revision = await desiredStateChanged(tx, `client ${clientId} disconnected by ${actor.label}`, { access: false, changes: [{ kind: "live" }] });
    await queueKick(tx, clientId, revision, "disconnected by an admin");
    await appendAudit(tx, actor, { action: "live.disconnect", targetType: "client", targetId: clientId, details: { clientId } });
    return { clientId, revision: revision.toString() };
  });
}
