import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { commandPublicKeys, commandRefusal, signCommand } from "./agent-command";

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { pub: publicKey.export({ type: "spki", format: "pem" }).toString(), priv: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
};
const [a, b, c] = [pair(), pair(), pair()];
const now = 1_800_000_000_000;
const cmd = (seq: number, broker = "b-1") => ({ type: "ping" as const, id: `id-${seq}`, seq: String(seq), issuedAt: now, broker });
const ctx = (publicKeyPem: string, lastSeq = 0n) => ({ publicKeyPem, broker: "b-1", lastSeq, now });

describe("agent command verification", () => {
  it("runs a command signed by the key it holds, once, for its own broker, while fresh", () => {
    expect(commandRefusal(signCommand(cmd(5), a.priv), ctx(a.pub))).toBeNull();
    expect(commandRefusal(signCommand(cmd(5), a.priv), ctx(a.pub, 5n))).toMatch(/^replayed/);
    expect(commandRefusal(signCommand(cmd(6, "b-2"), a.priv), ctx(a.pub))).toMatch(/addressed to broker b-2/);
    expect(commandRefusal(signCommand({ ...cmd(7), issuedAt: now - 6 * 60_000 }, a.priv), ctx(a.pub))).toBe("stale or future timestamp");
    expect(commandRefusal(signCommand(cmd(8), b.priv), ctx(a.pub))).toBe("bad signature");
    const tampered = signCommand(cmd(9), a.priv);
    expect(commandRefusal({ ...tampered, cmd: { ...tampered.cmd, seq: "10" } }, ctx(a.pub))).toBe("bad signature");
  });

  it("during a key rotation accepts either key in the file and no other; a block that does not parse is skipped", () => {
    const both = `${a.pub}\n${b.pub}`;
    expect(commandPublicKeys(both)).toHaveLength(2);
    expect(commandRefusal(signCommand(cmd(1), a.priv), ctx(both))).toBeNull();
    expect(commandRefusal(signCommand(cmd(1), b.priv), ctx(both))).toBeNull();
    expect(commandRefusal(signCommand(cmd(1), c.priv), ctx(both))).toBe("bad signature");
    const withJunk = `-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n${b.pub}`;
    expect(commandPublicKeys(withJunk)).toHaveLength(1);
    expect(commandRefusal(signCommand(cmd(1), b.priv), ctx(withJunk))).toBeNull();
    expect(commandRefusal(signCommand(cmd(1), a.priv), ctx(""))).toBe("bad signature");
  });

  it("never throws on hostile input", () => {
    for (const input of [null, 1, "x", [], {}, { cmd: {}, sig: 5 }, { cmd: cmd(1), sig: "%%%" }, { cmd: null, sig: "" }]) {
      expect(typeof commandRefusal(input, ctx(a.pub))).toBe("string");
    }
  });
});
