import "server-only";
import { renderBrokerFiles, type TBrokerFiles } from "@/lib/domain/broker-files";
import { db } from "../../db";
import { unseal } from "../../secrets";
import { currentCrl } from "./current-crl";

/** The files every broker must hold now, and the revision they represent, read from one consistent snapshot. */
export async function renderDesiredState(): Promise<{ revision: bigint; files: TBrokerFiles }> {
  const { revision, devices } = await db.$transaction(
    async (tx) => ({
      revision: (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision,
      devices: await tx.device.findMany({
        select: { id: true, clientId: true, authType: true, passwordHash: true, pskIdentity: true, pskKeySealed: true },
      }),
    }),
    { isolationLevel: "RepeatableRead" },
  );
  const files = renderBrokerFiles({
    devices: devices.map((d) => ({
      clientId: d.clientId,
      authType: d.authType,
      passwordHash: d.passwordHash,
      pskIdentity: d.pskIdentity,
      pskKeyHex: d.pskKeySealed ? unseal(d.pskKeySealed, `device:${d.id}:psk`) : null,
    })),
    crlPem: await currentCrl(),
  });
  return { revision, files };
}
