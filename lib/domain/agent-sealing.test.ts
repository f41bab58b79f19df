import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createCa, issueCertificate, type TKeyPairPem } from "@/lib/server/pki/x509";
import { commandRefusal, openApply, openPluginBatch, sealApply, sealPluginBatch, signCommand, type TSignedCommand } from "./agent-command";
import { openSealedBox, sealToCertificate } from "./agent-sealing";
import { joinLines, linePatch } from "./broker-files";

const command = generateKeyPairSync("ed25519");
const signingKey = command.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicKeyPem = command.publicKey.export({ type: "spki", format: "pem" }).toString();
const PSK_KEY = "9f".repeat(32);
const files = { acl: "user a\ntopic read a\n", psk: `dev-1:${PSK_KEY}\n`, passwd: "dev-2:$7$101$c2FsdA==$aGFzaA==\n" };
const patches = { "live-passwd": linePatch("", joinLines(["_live-x:$7$1$a$b"])) };

let agent: TKeyPairPem;
let other: TKeyPairPem;
let rsa: TKeyPairPem;

beforeAll(async () => {
  const ca = await createCa("Test service CA", 1);
  agent = await issueCertificate({ ca, commonName: "fleetward-agent-b-1", usage: "client", days: 1 });
  other = await issueCertificate({ ca, commonName: "fleetward-agent-b-2", usage: "client", days: 1 });
  rsa = await createCa("RSA agent", 1, "rsa-3072");
});

const signedApply = (sealed: ReturnType<typeof sealApply>, seq = 1): TSignedCommand =>
  signCommand({ type: "apply", revision: "7", ...sealed, id: `c${seq}`, seq: String(seq), issuedAt: Date.now(), broker: "b-1" }, signingKey);

describe("an apply's secrets on the bus", () => {
  it("travel encrypted to the agent's certificate: the payload holds no PSK key, no hash, no secret file", () => {
    const payload = JSON.stringify(signedApply(sealApply({ files, patches }, agent.certPem)));
    expect(payload).not.toContain(PSK_KEY);
    expect(payload).not.toContain("$7$");
    expect(payload).toContain("topic read a"); // the ACL holds no secret and stays readable
    const cmd = JSON.parse(payload) as TSignedCommand;
    expect(Object.keys((cmd.cmd as { files: object }).files)).toEqual(["acl"]);
  });

  it("are opened by that agent alone, signature kept, and the whole apply is what Fleetward rendered", () => {
    const signed = signedApply(sealApply({ files, patches }, agent.certPem));
    expect(commandRefusal(signed, { publicKeyPem, broker: "b-1", lastSeq: 0n, now: Date.now() })).toBeNull();
    const cmd = signed.cmd as Extract<TSignedCommand["cmd"], { type: "apply" }>;
    expect(openApply(cmd, agent.certPem, agent.keyPem)).toEqual({ files, patches });
    expect(() => openApply(cmd, other.certPem, other.keyPem)).toThrow(/encrypted to certificate .*, not this agent's/);
    // The right fingerprint claimed with the wrong key does not open either.
    expect(() => openApply(cmd, agent.certPem, other.keyPem)).toThrow();
  });

  it("cannot be swapped or tampered with: the signature covers the sealed box", () => {
    const signed = signedApply(sealApply({ files, patches }, agent.certPem));
    const swapped = { ...signed, cmd: { ...signed.cmd, sealed: sealToCertificate(JSON.stringify({ files: { psk: "evil:00\n" } }), agent.certPem) } };
    expect(commandRefusal(swapped, { publicKeyPem, broker: "b-1", lastSeq: 0n, now: Date.now() })).toBe("bad signature");
    const box = sealToCertificate("x", agent.certPem);
    expect(() => openSealedBox({ ...box, ct: Buffer.from("y").toString("base64") }, agent.certPem, agent.keyPem)).toThrow();
  });

  it("are refused by the agent when they come in the clear", () => {
    const ctx = { publicKeyPem, broker: "b-1", lastSeq: 0n, now: Date.now() };
    const plain = signCommand({ type: "apply", revision: "7", files: { psk: files.psk }, id: "p", seq: "3", issuedAt: Date.now(), broker: "b-1" }, signingKey);
    expect(commandRefusal(plain, ctx)).toBe("file psk holds secrets and must come encrypted to this agent");
    const patch = signCommand({ type: "apply", revision: "7", files: {}, patches, id: "q", seq: "4", issuedAt: Date.now(), broker: "b-1" }, signingKey);
    expect(commandRefusal(patch, ctx)).toBe("a patch of live-passwd holds secrets and must come encrypted to this agent");
  });

  it("work with an RSA agent certificate too, and an apply without secrets carries no box", () => {
    const sealed = sealApply({ files, patches: {} }, rsa.certPem);
    expect(sealed.sealed?.alg).toBe("RSA-OAEP-256+A256GCM");
    expect(openApply({ type: "apply", revision: "1", ...sealed }, rsa.certPem, rsa.keyPem).files).toEqual(files);
    expect(sealApply({ files: { acl: "x" }, patches: {} }, agent.certPem)).toEqual({ files: { acl: "x" } });
  });
});

describe("plugin batches for the agent", () => {
  const batch = {
    revision: 7,
    ops: [
      { op: "upsertRole", rolename: "r", acls: [] },
      { op: "upsertClient", username: "dev-1", clientid: "dev-1", credential: "psk", secret: PSK_KEY },
      { op: "upsertClient", username: "dev-2", clientid: "dev-2", credential: "cert" },
    ],
  };
  const signed = (body: Partial<Extract<TSignedCommand["cmd"], { type: "plugin" }>>) => signCommand({ type: "plugin", id: "p-1", seq: "9", issuedAt: Date.now(), broker: "b-1", batch, ...body } as TSignedCommand["cmd"], signingKey);
  const ctx = () => ({ publicKeyPem, broker: "b-1", lastSeq: 0n, now: Date.now() });

  it("carries no secret in the clear: the PSK key is sealed to the agent and put back in place by it alone", () => {
    const sent = sealPluginBatch(batch, agent.certPem);
    expect(JSON.stringify(sent.batch)).not.toContain(PSK_KEY);
    expect(JSON.stringify(sent.sealed)).not.toContain(PSK_KEY);
    const cmd = signed(sent);
    expect(commandRefusal(cmd, ctx())).toBeNull();
    expect(openPluginBatch(cmd.cmd as Extract<TSignedCommand["cmd"], { type: "plugin" }>, agent.certPem, agent.keyPem)).toEqual(batch);
    expect(() => openPluginBatch(cmd.cmd as Extract<TSignedCommand["cmd"], { type: "plugin" }>, other.certPem, other.keyPem)).toThrow(/not this agent's/);
  });

  it("refuses a batch with a secret in the clear, one that is no batch, and sealed secrets that fit no client", () => {
    expect(commandRefusal(signed({ batch }), ctx())).toBe("a plugin batch's secrets must come encrypted to this agent");
    expect(commandRefusal(signed({ batch: { revision: 1, ops: "x" } as never }), ctx())).toBe("bad plugin batch");
    const { sealed } = sealPluginBatch({ revision: 1, ops: [{ op: "upsertClient", secret: "x" }] }, agent.certPem);
    const mismatch = signed({ batch: { revision: 1, ops: [{ op: "upsertRole", rolename: "r", acls: [] }] }, sealed });
    expect(commandRefusal(mismatch, ctx())).toBeNull();
    expect(() => openPluginBatch(mismatch.cmd as Extract<TSignedCommand["cmd"], { type: "plugin" }>, agent.certPem, agent.keyPem)).toThrow("refused: bad sealed secrets");
  });
});
