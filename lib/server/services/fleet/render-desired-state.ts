import "server-only";
import { fileDigests, PATCHABLE_FILES, renderBrokerFiles, renderCaBundle, sha256, type TBrokerFiles, type TFileDigests } from "@/lib/domain/broker-files";
import { compileFleetAcl } from "@/lib/domain/acl/fleet-policy";
import { BrokerFileValueError } from "@/lib/domain/broker-file-values";
import { db } from "../../db";
import { AppError } from "../../errors";
import { loadDeviceAccess, loadFleetAcl, NO_ACCESS } from "../acl/fleet-acl";
import { unseal } from "../../secrets";
import { pskContext } from "../devices/device-secrets";
import { currentCrls } from "./current-crl";
import { probePskKey } from "./fleet-keys";

type TRendered = { revision: bigint; files: TBrokerFiles; digests: TFileDigests };

// Syncs of several brokers to the same revision share one rendering (the revision names the whole state).
let cache: { revision: bigint; rendered: Promise<TRendered> } | null = null;

// Recently rendered passwd and psk files by digest: a broker that holds one of them gets a patch, not the file.
const RECENT = 8;
const recent = new Map<string, string>();

// PSK keys unsealed by earlier renderings, by device id and sealed value (a rotated key is sealed anew): the rendered
// psk file, which this process keeps too, holds them all anyway; decrypting tens of thousands per change does not.
const unsealed = new Map<string, { sealed: string; hex: string }>();
export function pskKeyHex(id: string, sealed: string): string {
  const hit = unsealed.get(id);
  if (hit?.sealed === sealed) return hit.hex;
  const hex = unseal(sealed, pskContext(id));
  unsealed.set(id, { sealed, hex });
  return hex;
}

/** A passwd or psk file this process rendered lately, by its digest. */
export const renderedContent = (digest: string): string | undefined => recent.get(digest);

/** The files every broker must hold now, and the revision they represent, read from one consistent snapshot. */
export async function renderDesiredState(): Promise<TRendered> {
  const { revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { revision: true } });
  if (cache?.revision !== revision) {
    const rendered = render();
    cache = { revision, rendered };
    rendered.catch(() => (cache = null));
  }
  const rendered = await cache.rendered;
  // A change committed between the two reads: the snapshot is newer than asked, which is still correct.
  return rendered;
}

/**
 * A stored value the brokers' files cannot hold (one written before the schemas refused it) stops every render, loud:
 * a 409 naming its owner on the API, the broker's last error for a sync. Never skipped: a skipped ACL line or device
 * would change who may do what without anyone being told.
 */
async function render(): Promise<TRendered> {
  try {
    return await renderOnce();
  } catch (e) {
    if (e instanceof BrokerFileValueError) throw new AppError("CONFLICT", `${e.message} Correct or remove it; the brokers are then synced again.`);
    throw e;
  }
}

async function renderOnce(): Promise<TRendered> {
  const { revision, devices, cas, fleetAcl, access, live } = await db.$transaction(
    async (tx) => ({
      revision: (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision,
      devices: await tx.device.findMany({
        select: { id: true, clientId: true, authType: true, disabled: true, passwordHash: true, pskIdentity: true, pskKeySealed: true },
      }),
      cas: await tx.certificateAuthority.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { subjectHash: true, certPem: true, crlPem: true } }),
      fleetAcl: await loadFleetAcl(tx),
      access: await loadDeviceAccess(tx),
      // Removed at sign-out, and by the worker's janitor once expired (with a new revision): no clock read here.
      live: await tx.liveCredential.findMany({ select: { username: true, passwordHash: true, role: true } }),
    }),
    { isolationLevel: "RepeatableRead" },
  );
  const acl = compileFleetAcl(fleetAcl, devices.map((d) => ({ clientId: d.clientId, access: access.get(d.id) ?? NO_ACCESS })));
  const files = renderBrokerFiles({
    devices: devices.map((d, i) => ({
      clientId: d.clientId,
      disabled: d.disabled,
      authType: d.authType,
      passwordHash: d.passwordHash,
      pskIdentity: d.pskIdentity,
      pskKeyHex: d.pskKeySealed ? pskKeyHex(d.id, d.pskKeySealed) : null,
      aclLines: acl.blocks[i]!,
    })),
    // One CRL per device CA: a broker checking a certificate's revocation needs its issuer's CRL.
    crlPem: await currentCrls(cas),
    probePskKeyHex: await probePskKey(),
    deviceCas: cas,
    aclPatterns: acl.patterns,
    liveClients: live,
  });
  const present = new Set(devices.map((d) => d.id));
  for (const id of unsealed.keys()) if (!present.has(id)) unsealed.delete(id);
  const digests = fileDigests(files);
  for (const f of PATCHABLE_FILES) {
    recent.delete(digests[f]);
    recent.set(digests[f], files[f]);
    while (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  }
  return { revision, files, digests };
}

/**
 * The files a broker that enforces with the plugin still reads from disk: the device CAs its mtls listener trusts
 * and their CRLs, which its TLS handshakes check. Everything else it holds is the plugin's.
 */
export async function renderCaFiles(): Promise<{ files: Pick<TBrokerFiles, "cas.pem" | "crl.pem">; digests: Pick<TFileDigests, "cas.pem" | "crl.pem"> }> {
  const cas = await db.certificateAuthority.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { subjectHash: true, certPem: true, crlPem: true } });
  const files = { "cas.pem": renderCaBundle(cas), "crl.pem": await currentCrls(cas) };
  return { files, digests: { "cas.pem": sha256(files["cas.pem"]), "crl.pem": sha256(files["crl.pem"]) } };
}
