import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCaImport } from "./ca-check";
import { tlsIdentityProblems } from "./pem-check";

/** A root CA and its key, made by OpenSSL. */
function rootCa(): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-pem-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=pem test",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", path.join(dir, "k"), "-out", path.join(dir, "c")], { stdio: "ignore" });
  return { certPem: readFileSync(path.join(dir, "c"), "utf8"), keyPem: readFileSync(path.join(dir, "k"), "utf8") };
}

/** A character put into the middle of a PEM block's base64. */
const spoil = (pem: string, c: string) => pem.replace(/\n(.{10})/, `\n$1${c}`);

describe("PEM blocks that only look like PEM", () => {
  const a = rootCa();
  const b = rootCa();

  it("a broker's CA, admin certificate and key are refused by field, never thrown", () => {
    expect(tlsIdentityProblems({ caPem: a.certPem, adminCertPem: a.certPem, adminKeyPem: a.keyPem })).toEqual({});
    for (const c of ["\u0004", "\u007f", "!"]) {
      expect(tlsIdentityProblems({ caPem: spoil(a.certPem, c), adminCertPem: a.certPem, adminKeyPem: a.keyPem }), JSON.stringify(c)).toEqual({ caPem: expect.stringMatching(/not a PEM certificate/) });
      expect(tlsIdentityProblems({ caPem: a.certPem, adminCertPem: spoil(a.certPem, c), adminKeyPem: a.keyPem }), JSON.stringify(c)).toEqual({ adminCertPem: expect.stringMatching(/not a PEM certificate/) });
      expect(tlsIdentityProblems({ caPem: a.certPem, adminCertPem: a.certPem, adminKeyPem: spoil(a.keyPem, c) }), JSON.stringify(c)).toEqual({ adminKeyPem: expect.stringMatching(/private key/) });
    }
    expect(tlsIdentityProblems({ caPem: a.certPem, adminCertPem: a.certPem, adminKeyPem: b.keyPem })).toEqual({ adminKeyPem: "does not belong to the certificate in adminCertPem" });
  });

  it("an imported CA with a tab in its base64 is refused, not thrown", async () => {
    expect((await checkCaImport(a.certPem, a.keyPem)).ok).toBe(true);
    expect(await checkCaImport(spoil(a.certPem, "\t"), a.keyPem)).toEqual({ ok: false, fields: { certPem: expect.stringMatching(/not a PEM certificate/) } });
  });
});
