import "server-only";
import { createHash, createHmac } from "node:crypto";
import { importSPKI } from "jose";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { filterMatches } from "@/lib/domain/acl/topics";
import { hmacVerifyKey, judgeProtected, readEnvelope, ReplayWindows, signedTopicsOf, type TContentKey, type TJudgement, type TSignedTopic, type TVerifyKey } from "@/lib/domain/message-signing";
import { encryptedKeyId } from "@/lib/domain/message-encryption";
import { encodeVerdicts, verdictTopic, type TVerdictRow } from "@/lib/domain/message-verdicts";
import type { TSeverity } from "@/lib/domain/security/detection";
import { connectAdmin } from "@/lib/fleet/admin-channel";
import { db } from "../db";
import { dbEnv } from "../env";
import { unseal } from "../secrets";
import { endpointOf } from "../services/brokers/broker-driver-for";
import { recordSignedTraffic, type TCounterUpdate, type TSigningFinding } from "../services/signing/record-signed-traffic";
import { contentKeyBytes } from "../services/signing/content-key-dto";
import { signingKeyContext } from "../services/signing/signing-key-dto";
import { currentVerdictKey, verdictDigest } from "../services/signing/verdict-keys";

/** One verifier in the fleet at a time (its replay counters must be one), chosen by this advisory lock. */
const VERIFIER_LOCK = 0x66_77_76_66; // "fwvf"
const TICK_MS = 1_000;
/** Verdicts go to the inspectors in batches, at most this long after the message. */
const PUBLISH_MS = 200;
/** Counters and findings are stored this often. */
const RECORD_MS = 2_000;

const RULES = {
  unsigned: { rule: "signing.unsigned", severity: "medium", title: "Unsigned messages on a signed-only topic" },
  invalid: { rule: "signing.invalid", severity: "high", title: "Messages with an invalid signature" },
  replayed: { rule: "signing.replayed", severity: "high", title: "Replayed signed messages" },
  stale: { rule: "signing.stale", severity: "medium", title: "Signed messages outside the time window" },
} as const satisfies Record<string, { rule: string; severity: TSeverity; title: string }>;

/** Fleetward's own topics and the brokers' are never device traffic. */
const ownTopic = (topic: string) => topic.startsWith("fleetward/") || topic.startsWith("$");

/**
 * Verifies the signed traffic of every broker: subscribes to the verified topic filters over each broker's admin
 * channel, judges each message (lib/domain/message-signing), publishes the verdicts for the live inspectors, keeps
 * each key's replay counter, and raises findings counted per device. Runs in one worker of the fleet at a time.
 */
export function startMessageVerifier(log: (msg: string) => void): { stop: () => Promise<void> } {
  let stopped = false;
  let lock: pg.Client | null = null;
  let revision: bigint | null = null;
  let topics: TSignedTopic[] = [];
  let keys = new Map<string, TVerifyKey>();
  let contentKeys = new Map<string, TContentKey>();
  let windows = new ReplayWindows();
  const connections = new Map<string, { client: MqttClient | null; key: string; filters: Set<string> }>();
  const verdicts = new Map<string, { client: MqttClient; rows: TVerdictRow[] }>();
  let counterUpdates = new Map<string, TCounterUpdate>();
  let tally = new Map<string, TSigningFinding>();

  const counterStore = {
    check: (kid: string, ctr: number) => windows.check(kid, ctr),
    accept: (kid: string, ctr: number) => {
      windows.accept(kid, ctr);
      counterUpdates.set(kid, { kid, ctr: windows.highest(kid)!, at: new Date() });
    },
  };

  function count(kind: keyof typeof RULES, subject: string, detail: string, evidence: Record<string, unknown>) {
    const k = `${kind}|${subject}`;
    const f = tally.get(k) ?? { ...RULES[kind], subject, detail, evidence, count: 0 };
    f.count++;
    f.detail = detail;
    f.evidence = evidence;
    tally.set(k, f);
  }

  function note(broker: string, topic: string, j: TJudgement) {
    const signedOnly = topics.some((t) => t.signedOnly && filterMatches(t.filter, topic));
    if (j.verdict === "valid" || (j.verdict === "unsigned" && !signedOnly)) return;
    const evidence = { broker, topic, reason: j.reason, kid: j.kid, counter: j.ctr };
    if (j.verdict === "unsigned") count("unsigned", topic, `Unsigned messages arrived on ${topic}, which a signed-only filter covers (latest on ${broker}).`, evidence);
    else {
      const subject = j.device ?? j.kid ?? topic;
      const what = j.verdict === "invalid" ? "invalid signed messages" : j.verdict === "replayed" ? "replayed messages" : "stale messages";
      count(j.verdict, subject, `${subject}: ${what} on ${topic} (latest: ${j.reason ?? j.verdict}, on ${broker}).`, evidence);
    }
  }

  /**
   * A message under a key this process has not loaded (a device created a moment ago, whose first message beat the
   * next tick) waits for the keys to be read again, once, rather than being judged signed by an unknown key.
   */
  let reloading: Promise<void> | null = null;
  async function knowKeysOf(payload: Buffer) {
    const kid = readEnvelope(payload)?.header.kid;
    const contentKid = encryptedKeyId(payload);
    if ((typeof kid !== "string" || keys.has(kid)) && (!contentKid || contentKeys.has(contentKid))) return;
    reloading ??= (async () => {
      const state = await db.fleetState.findUnique({ where: { id: 1 }, select: { signingRevision: true } });
      if (state && state.signingRevision !== revision) await loadKeys();
    })().finally(() => (reloading = null));
    await reloading.catch(() => undefined);
  }

  async function onMessage(broker: string, client: MqttClient, topic: string, payload: Buffer) {
    if (ownTopic(topic) || !topics.some((t) => filterMatches(t.filter, topic))) return;
    await knowKeysOf(payload);
    const j = await judgeProtected(topic, payload, Date.now(), (kid) => keys.get(kid), counterStore, (kid) => contentKeys.get(kid));
    note(broker, topic, j);
    const batch = verdicts.get(broker) ?? { client, rows: [] };
    batch.client = client;
    batch.rows.push({ h: verdictDigest(payload), t: topic, s: j.verdict, r: j.reason, d: j.device, c: j.ctr, k: j.kid, ...(j.encryptedWith ? { e: j.encryptedWith } : {}) });
    verdicts.set(broker, batch);
  }

  function publishVerdicts() {
    const { id, key } = currentVerdictKey();
    for (const [broker, batch] of verdicts) {
      if (!batch.rows.length) continue;
      const json = JSON.stringify({ v: batch.rows });
      batch.rows = [];
      const mac = createHmac("sha256", key).update(json).digest("base64url");
      if (batch.client.connected) batch.client.publish(verdictTopic(broker), encodeVerdicts(id, mac, json), { qos: 0 });
    }
  }

  async function record() {
    const updates = [...counterUpdates.values()];
    const findings = [...tally.values()];
    counterUpdates = new Map();
    tally = new Map();
    try {
      await recordSignedTraffic(updates, findings);
    } catch (e) {
      // Postgres away: put them back (newer counters win) and try with the next record.
      for (const u of updates) if (!counterUpdates.has(u.kid)) counterUpdates.set(u.kid, u);
      for (const f of findings) {
        const k = `${f.rule.slice("signing.".length)}|${f.subject}`;
        const now = tally.get(k);
        tally.set(k, now ? { ...now, count: now.count + f.count } : f);
      }
      log(`signed traffic not recorded yet: ${e instanceof Error ? e.message.split("\n").filter(Boolean).at(-1) : String(e)}`);
    }
  }

  async function loadKeys() {
    const rows = await db.signingKey.findMany({ include: { device: { select: { clientId: true } } } });
    const next = new Map<string, TVerifyKey>();
    for (const r of rows) {
      try {
        const key = r.algorithm === "EdDSA" ? await importSPKI(r.publicKeyPem!, "EdDSA") : await hmacVerifyKey(Buffer.from(unseal(r.secretSealed!, signingKeyContext(r.id)), "base64url"));
        next.set(r.id, { kid: r.id, device: r.device.clientId, algorithm: r.algorithm as TVerifyKey["algorithm"], key, revokedAt: r.revokedAt?.getTime() ?? null });
        // The stored counter is a floor: what this process accepted since may be higher.
        if (r.lastCounter !== null) windows.floor(r.id, Number(r.lastCounter));
      } catch (e) {
        log(`signing key ${r.id} not loaded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    keys = next;
    const content = await db.contentKey.findMany();
    contentKeys = new Map(content.map((k) => [k.id, { key: contentKeyBytes(k), revokedAt: k.revokedAt?.getTime() ?? null }]));
  }

  async function watch(id: string, key: string) {
    const b = await db.broker.findUnique({ where: { id } });
    if (!b || stopped) return;
    const entry = { client: null as MqttClient | null, key, filters: new Set<string>() };
    connections.set(id, entry);
    try {
      const client = await connectAdmin(endpointOf(b));
      entry.client = client;
      client.on("message", (topic, payload) => void onMessage(b.name, client, topic, payload).catch((e: unknown) => log(`verifying a message on ${b.name} failed: ${String(e)}`)));
      client.on("close", () => connections.get(id) === entry && connections.delete(id));
    } catch (e) {
      connections.delete(id);
      log(`verifier cannot reach ${b.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Each broker's subscriptions follow the verified filters. */
  async function follow() {
    const wanted = new Set(topics.map((t) => t.filter));
    for (const c of connections.values()) {
      if (!c.client?.connected) continue;
      const added = [...wanted].filter((f) => !c.filters.has(f));
      const removed = [...c.filters].filter((f) => !wanted.has(f));
      if (added.length) await c.client.subscribeAsync(added, { qos: 0 });
      if (removed.length) await c.client.unsubscribeAsync(removed);
      c.filters = new Set(wanted);
    }
  }

  async function refresh() {
    const state = await db.fleetState.findUnique({ where: { id: 1 }, select: { signingRevision: true, signedTopics: true } });
    if (state && state.signingRevision !== revision) {
      await loadKeys();
      topics = signedTopicsOf(state.signedTopics);
      revision = state.signingRevision;
    }
    const brokers = topics.length ? await db.broker.findMany({ select: { id: true, host: true, ports: true, adminCertPem: true } }) : [];
    const wanted = new Map(brokers.map((b) => [b.id, `${b.host}|${JSON.stringify(b.ports)}|${createHash("sha256").update(b.adminCertPem).digest("hex")}`]));
    for (const [id, c] of connections) {
      if (wanted.get(id) !== c.key) {
        connections.delete(id);
        await c.client?.endAsync(true).catch(() => undefined);
      }
    }
    await Promise.all([...wanted].filter(([id]) => !connections.has(id)).map(([id, key]) => watch(id, key)));
    await follow();
  }

  /** Takes the verifier's lock on a connection of its own; losing that connection gives the role up. */
  async function lead(): Promise<boolean> {
    if (lock) return true;
    const c = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
    c.on("error", () => undefined);
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [VERIFIER_LOCK]);
      if (!rows[0]?.ok) {
        await c.end();
        return false;
      }
    } catch {
      await c.end().catch(() => undefined);
      return false;
    }
    c.on("end", () => {
      if (lock !== c) return;
      lock = null;
      revision = null;
      for (const conn of connections.values()) void conn.client?.endAsync(true).catch(() => undefined);
      connections.clear();
      if (!stopped) log("message verifier gave up its role (its database connection ended)");
    });
    lock = c;
    // Another worker may have verified meanwhile: start from the counters it stored.
    windows = new ReplayWindows();
    log("message verifier running in this worker");
    return true;
  }

  let busy = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      if (await lead()) await refresh();
    } catch (e) {
      log(`message verifier refresh failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      busy = false;
    }
  };
  void tick();
  const timers = [setInterval(() => void tick(), TICK_MS), setInterval(publishVerdicts, PUBLISH_MS), setInterval(() => void record(), RECORD_MS)];
  return {
    stop: async () => {
      stopped = true;
      timers.forEach(clearInterval);
      publishVerdicts();
      await record();
      await Promise.all([...connections.values()].map((c) => c.client?.endAsync(true).catch(() => undefined)));
      await lock?.end().catch(() => undefined);
    },
  };
}
