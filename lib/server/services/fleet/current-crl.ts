import "server-only";
import { change } from "../../change";
import { db } from "../../db";
import { createCrl } from "../../pki/x509";
import { desiredStateChanged } from "../../queue";
import { fleetCa } from "./fleet-keys";
import { reissueCrl } from "./revocations";

const REISSUE_AFTER_MS = 7 * 86_400_000; // CRLs are valid 30 days; reissued weekly so brokers never hold an expired one

/** The fleet CA's CRL as stored; issued on first use. Unchanged state renders an unchanged file. */
async function currentCrl(): Promise<string> {
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  if (state.crlPem) return state.crlPem;
  const crlPem = await createCrl(await fleetCa(), []);
  await db.fleetState.updateMany({ where: { id: 1, crlPem: null }, data: { crlPem, crlIssuedAt: new Date() } });
  return (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).crlPem ?? crlPem;
}

/**
 * Every device CA's CRL, the fleet CA's first, as one PEM bundle: what brokers hold as crl.pem. `cas` are the added
 * CAs (oldest first) when the caller has already read them.
 */
export async function currentCrls(cas?: readonly { crlPem: string }[]): Promise<string> {
  const [fleet, added] = await Promise.all([currentCrl(), cas ?? db.certificateAuthority.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { crlPem: true } })]);
  return [fleet, ...added.map((c) => c.crlPem)].map((p) => p.trim() + "\n").join("");
}

/** Reissues the CRLs when one is a week old, as a change of the desired state (so every broker gets them). */
export async function refreshCrlIfDue(): Promise<boolean> {
  const due = new Date(Date.now() - REISSUE_AFTER_MS);
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  const staleCa = await db.certificateAuthority.count({ where: { crlIssuedAt: { lt: due } } });
  if (state.crlIssuedAt && state.crlIssuedAt >= due && staleCa === 0) return false;
  await change(async (tx) => {
    await reissueCrl(tx);
    await desiredStateChanged(tx, "CRLs reissued", { access: false, changes: [{ kind: "files" }] });
  });
  return true;
}
