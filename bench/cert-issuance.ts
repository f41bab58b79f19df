// Certificate issuance throughput: a device's CSR -> a certificate signed by the fleet CA, one after another;
// the baseline is the other way Fleetward issues, a key pair generated server-side.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { issueDeviceCertificate } from "@/lib/server/services/devices/device-secrets";
import { unique } from "@/lib/server/testing/fixtures";
import { round, type TFigure } from "./figures";

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** An EC P-256 CSR with CN = client id, as a device would make it (its key stays here and is dropped). */
export async function makeCsr(clientId: string): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${clientId}`, keys, signingAlgorithm: ALG }, webcrypto as unknown as Crypto);
  return csr.toString("pem");
}

/** Certificates per second over `items`, issued sequentially. */
async function rate(items: readonly { clientId: string; csrPem?: string }[]): Promise<{ perSecond: number; ms: number }> {
  const t0 = performance.now();
  for (const it of items) await issueDeviceCertificate(it.clientId, it.csrPem);
  const ms = performance.now() - t0;
  return { perSecond: items.length / (ms / 1000), ms };
}

export async function issuanceFigures(n = 500): Promise<TFigure[]> {
  const run = unique().slice(0, 6);
  const ids = Array.from({ length: n }, (_, i) => `issue-${run}-${String(i).padStart(4, "0")}`);
  const t0 = performance.now();
  const withCsr = [];
  for (const clientId of ids) withCsr.push({ clientId, csrPem: await makeCsr(clientId) });
  const csrMs = performance.now() - t0;
  // Warm both paths (JIT, the CA's first load) before timing either.
  await rate(withCsr.slice(0, 10));
  await rate(ids.slice(0, 10).map((clientId) => ({ clientId })));
  const csr = await rate(withCsr);
  const generated = await rate(ids.map((clientId) => ({ clientId: `${clientId}-gen` })));
  console.log(`[bench] devices: ${n} certificates from CSRs in ${round(csr.ms, 0)} ms, ${n} with generated keys in ${round(generated.ms, 0)} ms`);
  return [
    {
      name: `certificate issuance: CSR -> signed certificate, ${n} one after another`,
      value: round(csr.perSecond, 0),
      unit: "certs/s",
      goal: null,
      baseline: { value: round(generated.perSecond, 0), what: `server-side key pair + certificate (no CSR), ${n} one after another` },
      note: `issueDeviceCertificate per certificate: CSR parsed and its signature verified, fleet CA loaded from Postgres and unsealed, EC P-256 signature; nothing stored. The ${n} EC P-256 CSRs were made beforehand (${round(csrMs, 0)} ms)`,
    },
  ];
}
