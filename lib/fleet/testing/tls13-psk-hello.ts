// A TLS 1.3 ClientHello built by hand, so a test can offer what no stock client offers (psk_ke alone), and a
// reader of the server's first answer (ServerHello or alert), also used to watch a real client's handshake.
import { createHash, createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import net from "node:net";

export type TPskKexMode = "psk_ke" | "psk_dhe_ke";
export type TPskHelloOptions = { identity: string; key: Buffer; modes: TPskKexMode[]; keyShare: boolean };
export type TServerAnswer =
  | { kind: "alert"; description: number }
  | { kind: "hello"; version: "TLSv1.2" | "TLSv1.3"; suite: string; keyShare: string | null; pskSelected: boolean; retry: boolean }
  | { kind: "closed" };

const SUITES: Record<number, string> = {
  0x1301: "TLS_AES_128_GCM_SHA256",
  0x1302: "TLS_AES_256_GCM_SHA384",
  0x1303: "TLS_CHACHA20_POLY1305_SHA256",
  0xccac: "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
  0xc037: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
};
const GROUPS: Record<number, string> = { 0x1d: "X25519", 0x1e: "X448", 0x17: "P-256", 0x18: "P-384" };
// RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello with this random.
const RETRY_RANDOM = createHash("sha256").update("HelloRetryRequest").digest();
const EXT = { supportedGroups: 10, signatureAlgorithms: 13, preSharedKey: 41, supportedVersions: 43, pskModes: 45, keyShare: 51 };

const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest();
const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

// HKDF-Expand-Label (RFC 8446 7.1) for one SHA-256 block.
const expandLabel = (secret: Buffer, label: string, context: Buffer) =>
  hmac(secret, Buffer.concat([u16(32), vec8(Buffer.from(`tls13 ${label}`)), vec8(context), u8(1)]));

/** The binder of an external PSK (RFC 8446 4.2.11.2) over the ClientHello cut before its binders. */
function binderOf(psk: Buffer, truncatedHello: Buffer): Buffer {
  const early = hmac(Buffer.alloc(32), psk);
  const finishedKey = expandLabel(expandLabel(early, "ext binder", sha256(Buffer.alloc(0))), "finished", Buffer.alloc(0));
  return hmac(finishedKey, sha256(truncatedHello));
}

/** One TLS record holding a TLS 1.3-only ClientHello with the PSK identity, SHA-256 suites and the given modes. */
export function pskClientHello(o: TPskHelloOptions): Buffer {
  const publicKey = generateKeyPairSync("x25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const exts = Buffer.concat([
    ext(EXT.supportedVersions, vec8(u16(0x0304))),
    ext(EXT.supportedGroups, vec16(u16(0x1d))),
    ext(EXT.signatureAlgorithms, vec16(Buffer.concat([u16(0x0804), u16(0x0403)]))),
    o.keyShare ? ext(EXT.keyShare, vec16(Buffer.concat([u16(0x1d), vec16(publicKey)]))) : Buffer.alloc(0),
    ext(EXT.pskModes, vec8(Buffer.from(o.modes.map((m) => (m === "psk_dhe_ke" ? 1 : 0))))),
  ]);
  // pre_shared_key comes last; its binder signs everything before the binders list.
  const identities = vec16(Buffer.concat([vec16(Buffer.from(o.identity)), Buffer.alloc(4)]));
  const bindersLength = 2 + 1 + 32;
  const pskHead = Buffer.concat([u16(EXT.preSharedKey), u16(identities.length + bindersLength), identities]);
  const suites = vec16(Buffer.concat([u16(0x1301), u16(0x1303)]));
  const body = Buffer.concat([u16(0x0303), randomBytes(32), vec8(randomBytes(32)), suites, Buffer.from([1, 0]), u16(exts.length + pskHead.length + bindersLength), exts, pskHead]);
  const truncated = Buffer.concat([u8(1), u24(body.length + bindersLength), body]);
  const handshake = Buffer.concat([truncated, vec16(vec8(binderOf(o.key, truncated)))]);
  return Buffer.concat([u8(22), u16(0x0301), vec16(handshake)]);
}

function helloOf(h: Buffer): TServerAnswer {
  let i = 2; // legacy_version
  const retry = h.subarray(i, i + 32).equals(RETRY_RANDOM);
  i += 32;
  i += 1 + h[i]!; // session id
  const suiteId = h.readUInt16BE(i);
  i += 3; // suite, compression
  const end = h.length >= i + 2 ? i + 2 + h.readUInt16BE(i) : i;
  let version: "TLSv1.2" | "TLSv1.3" = "TLSv1.2";
  let keyShare: string | null = null;
  let pskSelected = false;
  for (i += 2; i + 4 <= end; ) {
    const type = h.readUInt16BE(i);
    const data = h.subarray(i + 4, i + 4 + h.readUInt16BE(i + 2));
    i += 4 + data.length;
    if (type === EXT.supportedVersions && data.readUInt16BE(0) === 0x0304) version = "TLSv1.3";
    if (type === EXT.keyShare) keyShare = GROUPS[data.readUInt16BE(0)] ?? `group 0x${data.readUInt16BE(0).toString(16)}`;
    if (type === EXT.preSharedKey) pskSelected = true;
  }
  return { kind: "hello", version, suite: SUITES[suiteId] ?? `0x${suiteId.toString(16)}`, keyShare, pskSelected, retry };
}

/** The server's first record, once complete (null: more bytes needed). */
export function serverAnswerOf(buf: Buffer): TServerAnswer | null {
  if (buf.length < 5 || buf.length < 5 + buf.readUInt16BE(3)) return null;
  if (buf[0] === 21) return { kind: "alert", description: buf[6]! };
  if (buf[0] !== 22 || buf[5] !== 2) throw new Error(`unexpected first record: type ${buf[0]}, message ${buf[5]}`);
  return helloOf(buf.subarray(9, 9 + (buf.readUIntBE(6, 3))));
}

/** Sends one ClientHello and returns the server's answer to it. */
export function sendHello(port: number, hello: Buffer, timeoutMs = 5_000): Promise<TServerAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(hello));
    let buf = Buffer.alloc(0);
    const done = (a: TServerAnswer) => (socket.destroy(), resolve(a));
    socket.setTimeout(timeoutMs, () => (socket.destroy(), reject(new Error("no answer"))));
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      const a = serverAnswerOf(buf);
      if (a) done(a);
    });
    socket.on("close", () => done({ kind: "closed" }));
    socket.on("error", reject);
  });
}

/** A loopback relay to `port` that records the server's first answer on each connection. */
export async function helloWatcher(port: number): Promise<{ port: number; answers: TServerAnswer[]; close: () => Promise<void> }> {
  const answers: TServerAnswer[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      open.add(s);
      s.once("close", () => open.delete(s));
    }
    let buf: Buffer | null = Buffer.alloc(0);
    upstream.on("data", (d) => {
      if (!buf) return;
      buf = Buffer.concat([buf, d]);
      const a = serverAnswerOf(buf);
      if (!a) return;
      answers.push(a);
      buf = null;
    });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = () => new Promise<void>((r) => (server.close(() => r()), open.forEach((s) => s.destroy())));
  return { port: (server.address() as net.AddressInfo).port, answers, close };
}
