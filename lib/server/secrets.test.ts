import { createCipheriv, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { masterKeyId } from "@/lib/domain/sealed-format";
import { parseMasterKey, seal, unseal, unsealWith, UnsealError } from "./secrets";

const saved = { current: process.env.FLEETWARD_MASTER_KEY, previous: process.env.FLEETWARD_MASTER_KEY_PREVIOUS };
const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
afterEach(() => {
  restore("FLEETWARD_MASTER_KEY", saved.current);
  restore("FLEETWARD_MASTER_KEY_PREVIOUS", saved.previous);
});

const newKey = () => randomBytes(32);
const b64 = (k: Buffer) => k.toString("base64");
const idOf = (k: Buffer) => masterKeyId(k);

function holdKeys(current: Buffer, previous?: Buffer) {
  process.env.FLEETWARD_MASTER_KEY = b64(current);
  if (previous) process.env.FLEETWARD_MASTER_KEY_PREVIOUS = b64(previous);
  else delete process.env.FLEETWARD_MASTER_KEY_PREVIOUS;
}

/** A value as Fleetward wrote it before key ids: "v1:" + base64(iv | tag | ciphertext). */
function sealV1(plaintext: string, context: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(context));
  const body = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return "v1:" + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
}

describe("sealing under a master key ring", () => {
  it("seals as v2 naming the current key, and opens it under that key", () => {
    const k = newKey();
    holdKeys(k);
    const sealed = seal("psk-hex", "device:1:psk");
    expect(sealed.startsWith(`v2:${idOf(k)}:`)).toBe(true);
    expect(sealed).not.toContain("psk-hex");
    expect(unseal(sealed, "device:1:psk")).toBe("psk-hex");
  });

  it("opens values sealed under the previous key while FLEETWARD_MASTER_KEY_PREVIOUS holds it", () => {
    const [old, next] = [newKey(), newKey()];
    holdKeys(old);
    const sealed = seal("secret", "ca:1:key");
    holdKeys(next, old);
    expect(unseal(sealed, "ca:1:key")).toBe("secret");
    expect(seal("another", "ca:2:key").startsWith(`v2:${idOf(next)}:`)).toBe(true);
    holdKeys(next);
    expect(() => unseal(sealed, "ca:1:key")).toThrow(`sealed under master key ${idOf(old)}, which this process does not hold (it holds ${idOf(next)})`);
  });

  it("still opens v1 values under the current key, or the previous one", () => {
    const [old, next] = [newKey(), newKey()];
    const v1 = sealV1("totp-base32", "user:1:totp", old);
    holdKeys(old);
    expect(unseal(v1, "user:1:totp")).toBe("totp-base32");
    holdKeys(next, old);
    expect(unseal(v1, "user:1:totp")).toBe("totp-base32");
    holdKeys(next);
    expect(() => unseal(v1, "user:1:totp")).toThrow(/v1 sealed value opens under none of the master keys held/);
  });

  it("binds the context: a value moved to another row does not open", () => {
    holdKeys(newKey());
    const sealed = seal("secret", "webhook:a:secret");
    expect(() => unseal(sealed, "webhook:b:secret")).toThrow(UnsealError);
    expect(() => unseal(sealed, "webhook:b:secret")).toThrow(/altered or belongs to another row/);
  });

  it("seals under an explicit key and opens with exactly the keys given", () => {
    const [a, b] = [parseMasterKey(b64(newKey()), "a"), parseMasterKey(b64(newKey()), "b")];
    const sealed = seal("x", "ctx", b);
    expect(unsealWith(sealed, "ctx", [a, b])).toBe("x");
    expect(() => unsealWith(sealed, "ctx", [a])).toThrow(UnsealError);
  });

  it("names the variable when a key is missing or malformed, never its value", () => {
    delete process.env.FLEETWARD_MASTER_KEY;
    expect(() => seal("x", "ctx")).toThrow(/FLEETWARD_MASTER_KEY is not set/);
    holdKeys(newKey());
    process.env.FLEETWARD_MASTER_KEY_PREVIOUS = "c2hvcnQ=";
    expect(() => seal("x", "ctx")).toThrow(/^FLEETWARD_MASTER_KEY_PREVIOUS must be 32 bytes, base64-encoded/);
    expect(() => parseMasterKey("c2hvcnQ=\n", "--new-key-file k")).toThrow(/^--new-key-file k must be 32 bytes/);
    const k = newKey();
    expect(parseMasterKey(`${b64(k)}\n`, "file")).toEqual({ id: idOf(k), key: k });
  });
});
