import "server-only";
import { change } from "../../change";
import { db } from "../../db";
import { createCrl } from "../../pki/x509";
import { desiredStateChanged } from "../../queue";
import { fleetCa } from "./fleet-keys";

const REISSUE_AFTER_MS = 7 * 86_400_000; // CRLs are valid 30 days; reissued weekly so brokers never hold an expired one

/** The fleet CA's CRL as stored; issued on first use. Unchanged state renders an unchanged file. */
export async function currentCrl(): Promise<string> {
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  if (state.crlPem) return state.crlPem;
  const crlPem = await createCrl(await fleetCa(), []);
  await db.fleetState.updateMany({ where: { id: 1, crlPem: null }, data: { crlPem, crlIssuedAt: new Date() } });
  return (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).crlPem ?? crlPem;
}

/** Reissues the CRL when it is a week old, as a change of the desired state (so every broker gets it). */
export async function refreshCrlIfDue(): Promise<boolean> {
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  if (state.crlIssuedAt && Date.now() - state.crlIssuedAt.getTime() < REISSUE_AFTER_MS) return false;
  const crlPem = await createCrl(await fleetCa(), []);
  await change(async (tx) => {
    await tx.fleetState.update({ where: { id: 1 }, data: { crlPem, crlIssuedAt: new Date() } });
    await desiredStateChanged(tx, "CRL reissued");
  });
  return true;
}
