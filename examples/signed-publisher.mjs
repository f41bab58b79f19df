#!/usr/bin/env node
// A device publishing signed MQTT messages in Fleetward's envelope: a compact JWS (RFC 7515, made with `jose`) whose
// protected header is { alg, kid, typ: "fleetward-msg+jws" } and whose payload is
// { dev: <client id>, ts: <ms since epoch>, ctr: <counter, rising>, tpc: <topic>, data: <your JSON> }.
//
//   node examples/signed-publisher.mjs --url mqtts://broker:8883 --ca fleet-ca.pem \
//     --username dev-1 --password-file dev-1.password --topic devices/dev-1/telemetry \
//     --kid sk_... --private-key dev-1-signing.pem --count 10
//
// Keys: --private-key (Ed25519, PKCS#8 PEM) or --hmac-key-file (HMAC-SHA256, the base64url key). Connection: a
// password (--password-file), a client certificate (--cert, --key), or neither for a listener that needs none.
// Encryption (optional): --content-kid and --content-key-file (the base64url AES-256 key) wrap each signed message
// in a JWE (RFC 7516: alg "dir", enc "A256GCM", typ "fleetward-msg+jwe"), so the brokers carry only ciphertext.
// The counter is kept in --counter-file (default <kid>.counter) so a restart never repeats one: a repeated counter
// is a replay to the verifier. Without the file it starts from the current time in milliseconds.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CompactEncrypt, CompactSign, importPKCS8 } from "jose";
import mqtt from "mqtt";

const { values: o } = parseArgs({
  options: {
    url: { type: "string" },
    ca: { type: "string" },
    username: { type: "string" },
    "password-file": { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    topic: { type: "string" },
    kid: { type: "string" },
    "private-key": { type: "string" },
    "hmac-key-file": { type: "string" },
    "counter-file": { type: "string" },
    "content-kid": { type: "string" },
    "content-key-file": { type: "string" },
    count: { type: "string", default: "1" },
    "interval-ms": { type: "string", default: "1000" },
    data: { type: "string", default: '{"temperature":21.5}' },
  },
});

function fail(message) {
  console.error(`signed-publisher: ${message}`);
  process.exit(2);
}
for (const required of ["url", "username", "topic", "kid"]) if (!o[required]) fail(`--${required} is required`);
if (!o["private-key"] === !o["hmac-key-file"]) fail("give exactly one of --private-key (Ed25519) and --hmac-key-file (HMAC-SHA256)");

const alg = o["private-key"] ? "EdDSA" : "HS256";
const signingKey = alg === "EdDSA" ? await importPKCS8(readFileSync(o["private-key"], "utf8"), "EdDSA") : Buffer.from(readFileSync(o["hmac-key-file"], "utf8").trim(), "base64url");
if (!o["content-kid"] !== !o["content-key-file"]) fail("--content-kid and --content-key-file go together");
const contentKey = o["content-key-file"] ? Buffer.from(readFileSync(o["content-key-file"], "utf8").trim(), "base64url") : null;
const counterFile = o["counter-file"] ?? `${o.kid}.counter`;
let counter;
try {
  counter = Number(readFileSync(counterFile, "utf8").trim()) + 1;
} catch {
  counter = Date.now();
}
let data;
try {
  data = JSON.parse(o.data);
} catch {
  fail("--data must be JSON");
}

/** One message: the JWS text to publish (encrypted when a content key is given). The counter is saved before the message leaves. */
async function sign(ctr) {
  writeFileSync(counterFile, String(ctr));
  const claims = { dev: o.username, ts: Date.now(), ctr, tpc: o.topic, data };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg, kid: o.kid, typ: "fleetward-msg+jws" }).sign(signingKey);
  if (!contentKey) return jws;
  return new CompactEncrypt(new TextEncoder().encode(jws)).setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: o["content-kid"], typ: "fleetward-msg+jwe" }).encrypt(contentKey);
}

const client = mqtt.connect(o.url, {
  username: o.username,
  password: o["password-file"] ? readFileSync(o["password-file"], "utf8").trim() : undefined,
  clientId: o.username,
  ca: o.ca ? readFileSync(o.ca) : undefined,
  cert: o.cert ? readFileSync(o.cert) : undefined,
  key: o.key ? readFileSync(o.key) : undefined,
  minVersion: "TLSv1.2",
  protocolVersion: 5,
  reconnectPeriod: 0,
  connectTimeout: 10_000,
});
client.on("error", (e) => fail(e.message));
client.on("connect", async () => {
  const total = Number(o.count);
  for (let i = 0; i < total; i++) {
    const ctr = counter++;
    await client.publishAsync(o.topic, await sign(ctr), { qos: 1 });
    console.log(`published ctr=${ctr} on ${o.topic}`);
    if (i < total - 1) await new Promise((r) => setTimeout(r, Number(o["interval-ms"])));
  }
  await client.endAsync();
});
