import "server-only";
import { db } from "../../db";
import { createCrl } from "../../pki/x509";
import { fleetCa } from "./fleet-keys";

const REISSUE_AFTER_MS = 7 * 86_400_000; // CRLs are valid 30 days; reissue weekly so brokers never hold an expired one

/** The fleet CA's CRL, reissued only when missing or a week old, so unchanged state renders unchanged files. */
export async function currentCrl(): Promise<string> {
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  if (state.crlPem && state.crlIssuedAt && Date.now() - state.crlIssuedAt.getTime() < REISSUE_AFTER_MS) return state.crlPem;
  const crlPem = await createCrl(await fleetCa(), []);
  await db.fleetState.update({ where: { id: 1 }, data: { crlPem, crlIssuedAt: new Date() } });
  return crlPem;
}
