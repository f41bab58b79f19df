import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { TAKEN_OVER } from "@/lib/domain/broker-log";
import { ADMIN_IDENTITY, agentIdentity } from "@/lib/domain/mosquitto-conf";
import { detectionSettings, findingText, networkOf, RULES, type TDetectionSettings, type TRuleName } from "@/lib/domain/security/detection";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { upsertFinding } from "./upsert-finding";

/** One event as a broker's agent publishes it on fleetward/agent/<broker>/events. */
export type TAgentEvent = {
  kind: string;
  at: number;
  seq?: number;
  clientId?: string | null;
  username?: string | null;
  ip?: string | null;
  reason?: string;
  tls?: boolean;
};

type TStored = { kind: string; clientId: string | null; ip: string | null; reason: string | null; at: Date; id: bigint };

const DETECTOR: TActor = { type: "system", id: null, label: "detector", ip: null, userAgent: null };
const AGENT_PREFIX = agentIdentity("");
/** Fleetward's own connections (admin channel, agents, live views, probe): never a device's, never counted. */
const OWN_CONNECTION = Prisma.sql`coalesce("username" = ${ADMIN_IDENTITY} OR "username" LIKE ${`${AGENT_PREFIX}%`} OR "clientId" LIKE '\\_%', false)`;
/** Failed logins an address must have before the client ids it used count as stuffing. */
const STUFFING_MIN_FAILURES = 5;
const DAY_MS = 86_400_000;
/** How far back "a network this device used before" looks. */
const NETWORK_MEMORY_DAYS = 90;

const text = (v: unknown, max: number) => (typeof v === "string" && v.length > 0 ? v.slice(0, max) : null);

/** The kind stored for an agent event, or null for one that says nothing about security. */
function kindOf(e: TAgentEvent): string | null {
  // An agent cuts a client off by connecting with its client id under its own identity: a kick, not the device.
  if (e.kind === "connect" && e.username?.startsWith(AGENT_PREFIX) && !e.clientId?.startsWith(AGENT_PREFIX)) return "kick";
  if (e.kind === "connect" || e.kind === "disconnect") return e.kind;
  if (e.kind === "refused") return e.tls ? "tls_failed" : "auth_failed";
  return null;
}

const CERTIFICATE_REFUSAL = /certificate/i;

/**
 * Stores a broker's events (once, however many workers listen: the agent's numbering is unique per broker) and runs
 * the detection rules on what they add. Returns how many were new and the findings raised or counted again.
 */
export async function ingestSecurityEvents(broker: string, events: readonly TAgentEvent[]): Promise<{ stored: number; findings: number }> {
  const now = Date.now();
  const rows = events.flatMap((e) => {
    const kind = kindOf(e);
    // An agent's clock may drift a little; a time far off is not believed.
    if (!kind || !Number.isFinite(e.at) || Math.abs(e.at - now) > DAY_MS) return [];
    return [{ at: new Date(e.at), seq: Number.isInteger(e.seq) ? e.seq! : 0, kind, clientId: text(e.clientId, 256), username: text(e.username, 256), ip: text(e.ip, 64), reason: text(e.reason, 300) }];
  });
  if (!rows.length) return { stored: 0, findings: 0 };
  const stored = await db.$queryRaw<TStored[]>`
    INSERT INTO "SecurityEvent" ("at", "broker", "seq", "kind", "clientId", "username", "ip", "reason")
    SELECT a, ${broker}, s, k, c, u, i, r
    FROM unnest(${rows.map((r) => r.at)}::timestamp(3)[], ${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.clientId)}::text[], ${rows.map((r) => r.username)}::text[], ${rows.map((r) => r.ip)}::text[], ${rows.map((r) => r.reason)}::text[]) AS t(a, s, k, c, u, i, r)
    ON CONFLICT ("broker", "at", "seq") DO NOTHING
    RETURNING "kind", "clientId", "ip", "reason", "at", "id"`;
  if (!stored.length) return { stored: 0, findings: 0 };
  const settings = detectionSettings((await db.fleetState.findUnique({ where: { id: 1 }, select: { detection: true } }))?.detection);
  return { stored: stored.length, findings: await detect(stored, settings, broker) };
}

const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

async function detect(events: TStored[], s: TDetectionSettings, broker: string): Promise<number> {
  let raised = 0;
  const raise = async (rule: TRuleName, subject: string, n: number, evidence: Record<string, unknown>) => {
    raised++;
    await raiseFinding(rule, subject, findingText(rule, subject, n, s), { broker, ...evidence });
  };
  const failed = events.filter((e) => e.kind === "auth_failed");
  for (const ip of distinct(failed.map((e) => e.ip))) {
    const [bf] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "SecurityEvent" WHERE "ip" = ${ip} AND "kind" = 'auth_failed' AND "at" > now() - make_interval(secs => ${s.bruteForce.withinSeconds})`;
    if (bf!.n >= s.bruteForce.failures) await raise("brute-force", ip, bf!.n, { failures: bf!.n, withinSeconds: s.bruteForce.withinSeconds });
  }
  // Mosquitto 2.0.11 names no client id when it refuses a login, so the ids an address tried are those it named
  // when refused (other brokers do) and those it then logged in as, once it has failed a few times: checked for the
  // addresses of this batch's refusals and logins that have failed that often lately.
  const suspects = await db.$queryRaw<{ ip: string }[]>`
    SELECT "ip" FROM "SecurityEvent"
    WHERE "kind" = 'auth_failed' AND "ip" = ANY(${distinct(events.filter((e) => e.kind === "auth_failed" || e.kind === "connect").map((e) => e.ip))}::text[])
      AND "at" > now() - make_interval(secs => ${s.credentialStuffing.withinSeconds})
    GROUP BY "ip" HAVING count(*) >= ${STUFFING_MIN_FAILURES}`;
  for (const { ip } of suspects) {
    const [cs] = await db.$queryRaw<{ n: number; ids: string[]; failures: number }[]>`
      SELECT count(DISTINCT "clientId")::int AS n, (array_agg(DISTINCT "clientId") FILTER (WHERE "clientId" IS NOT NULL))[1:20] AS ids,
             count(*) FILTER (WHERE "kind" = 'auth_failed')::int AS failures
      FROM "SecurityEvent"
      WHERE "ip" = ${ip} AND "kind" IN ('auth_failed', 'connect') AND "at" > now() - make_interval(secs => ${s.credentialStuffing.withinSeconds})
        AND NOT ${OWN_CONNECTION}`;
    if (cs!.n >= s.credentialStuffing.clientIds) await raise("credential-stuffing", ip, cs!.n, { clientIds: cs!.ids, failures: cs!.failures });
  }
  // A refused login for a device that is disabled or whose certificate was revoked.
  const refusedIds = distinct(failed.map((e) => e.clientId));
  if (refusedIds.length) {
    const dead = await db.device.findMany({ where: { clientId: { in: refusedIds }, OR: [{ disabled: true }, { certificates: { some: { revokedAt: { not: null } } }, authType: "X509" }] }, select: { clientId: true } });
    for (const d of dead) await raise("revoked-still-trying", d.clientId, failed.filter((e) => e.clientId === d.clientId).length, { ips: distinct(failed.filter((e) => e.clientId === d.clientId).map((e) => e.ip)) });
  }
  // A refused handshake names no client id. A certificate that failed verification from an address where a device
  // whose certificate is now revoked last connected is taken to be that device's (the most recent such device);
  // every refused handshake also counts against its address.
  // Only refusals for the certificate count: a client offering TLS 1.0 (Fleetward's own TLS probe among them) or
  // closing mid-handshake is stored, not a finding.
  const certificateRefusals = events.filter((e) => e.kind === "tls_failed" && CERTIFICATE_REFUSAL.test(e.reason ?? ""));
  for (const ip of distinct(certificateRefusals.map((e) => e.ip))) {
    const refused = certificateRefusals.filter((e) => e.ip === ip);
    if (refused.some((e) => e.reason?.includes("certificate verify failed"))) {
      const [revoked] = await db.$queryRaw<{ clientId: string }[]>`
        SELECT e."clientId" FROM "SecurityEvent" e
        JOIN "Device" d ON d."clientId" = e."clientId" AND d."authType" = 'X509'
        WHERE e."ip" = ${ip} AND e."kind" = 'connect' AND e."at" > now() - interval '30 days'
          AND EXISTS (SELECT 1 FROM "Certificate" c WHERE c."deviceId" = d."id" AND c."revokedAt" IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM "Certificate" c WHERE c."deviceId" = d."id" AND c."revokedAt" IS NULL AND c."notAfter" > now())
        GROUP BY e."clientId" ORDER BY max(e."at") DESC LIMIT 1`;
      if (revoked) await raise("revoked-still-trying", revoked.clientId, refused.length, { ip, inferredFrom: "its earlier connections from this address; the handshake names no client id" });
    }
    await raise("tls-refused", ip, refused.length, { handshakes: refused.length, reasons: distinct(refused.map((e) => e.reason)) });
  }
  // Client id takeovers: two connections sharing one identity.
  for (const clientId of distinct(events.filter((e) => e.kind === "disconnect").map((e) => e.clientId))) {
    const [t] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "SecurityEvent" WHERE "clientId" = ${clientId} AND "kind" = 'disconnect' AND "reason" = ${TAKEN_OVER} AND "at" > now() - make_interval(secs => ${s.clientIdCollision.withinSeconds})`;
    if (t!.n >= s.clientIdCollision.takeovers) await raise("client-id-collision", clientId, t!.n, { takeovers: t!.n });
  }
  if (s.newNetwork.enabled) raised += await detectNewNetworks(events, s, broker);
  return raised;
}

/** A device's connect from a network none of its earlier connects (in the last 90 days) came from. */
async function detectNewNetworks(events: TStored[], s: TDetectionSettings, broker: string): Promise<number> {
  const connects = events.filter((e) => e.kind === "connect" && e.clientId && e.ip);
  if (!connects.length) return 0;
  const first = connects.reduce((m, e) => (e.id < m ? e.id : m), connects[0]!.id);
  const ids = distinct(connects.map((e) => e.clientId));
  const known = new Set((await db.device.findMany({ where: { clientId: { in: ids } }, select: { clientId: true } })).map((d) => d.clientId));
  const before = await db.$queryRaw<{ clientId: string; ip: string }[]>`
    SELECT DISTINCT "clientId", "ip" FROM "SecurityEvent"
    WHERE "kind" = 'connect' AND "clientId" = ANY(${ids.filter((id) => known.has(id))}::text[]) AND "id" < ${first} AND "at" > now() - make_interval(days => ${NETWORK_MEMORY_DAYS})`;
  let raised = 0;
  for (const clientId of ids.filter((id) => known.has(id))) {
    const used = new Set(before.filter((b) => b.clientId === clientId).map((b) => networkOf(b.ip, s.newNetwork.prefixBits)));
    if (!used.size) continue; // its first connections: nothing to compare with
    for (const ip of distinct(connects.filter((e) => e.clientId === clientId).map((e) => e.ip))) {
      const network = networkOf(ip, s.newNetwork.prefixBits);
      if (network === null || used.has(network)) continue;
      raised++;
      await raiseFinding("new-network", clientId, findingText("new-network", clientId, 1, s), { broker, ip, network, before: [...used].slice(0, 10) });
      used.add(network);
    }
  }
  return raised;
}

/** Opens a finding, or counts it again while it is open; a new finding is audited. */
async function raiseFinding(rule: TRuleName, subject: string, detail: string, evidence: Record<string, unknown>): Promise<void> {
  const { severity, title } = RULES[rule];
  await change(async (tx) => {
    const row = await upsertFinding(tx, { rule, subject, severity, title, detail, evidence }, new Date(), true);
    if (row.created) await appendAudit(tx, DETECTOR, { action: "security.finding_raised", targetType: "finding", targetId: row.id, details: { rule, subject, severity } });
  });
}
