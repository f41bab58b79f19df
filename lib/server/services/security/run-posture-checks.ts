import "server-only";
import type { TConfPosture } from "@/lib/domain/broker-conf-posture";
import { POSTURE_RULES, postureFindings } from "@/lib/domain/security/posture";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { findAclFindings } from "../acl/find-acl-findings";
import { probeBrokerTls } from "../brokers/probe-broker-tls";
import { getSecurityPolicy } from "./security-policy";
import { upsertFinding } from "./upsert-finding";

const ONLINE_WITHIN_MS = 60_000;

/** Each broker's conf as its agent reported it, and its listeners' TLS versions and default handshake as the probe finds them (reachable brokers only). */
async function brokerFacts() {
  const brokers = await db.broker.findMany({ select: { id: true, name: true, confPosture: true, lastSeenAt: true } });
  return Promise.all(brokers.map(async (b) => {
    const online = b.lastSeenAt !== null && Date.now() - b.lastSeenAt.getTime() < ONLINE_WITHIN_MS;
    const probed = online ? await probeBrokerTls(b.id).then((r) => r.listeners.map((l) => ({ listener: l.listener, port: l.port, accepted: l.posture.accepted, negotiated: l.posture.negotiated })), () => null) : null;
    return { name: b.name, conf: (b.confPosture as TConfPosture | null) ?? null, probed };
  }));
}

const CHECKER = "posture check";

/**
 * Runs every posture check on the fleet as it stands: opens a finding for each weakness (or refreshes the open one)
 * and resolves the open ones whose condition is gone. Audited with what it raised and resolved.
 */
export async function runPostureChecks(actor: TActor) {
  const now = new Date();
  const [certificates, devices, seen, tokens, acl, connected, users, brokers, policy] = await Promise.all([
    db.certificate.findMany({ select: { serial: true, kind: true, subject: true, fingerprint256: true, keyType: true, keyBits: true, notBefore: true, notAfter: true, revokedAt: true, device: { select: { clientId: true } } } }),
    db.device.findMany({ select: { clientId: true, authType: true, disabled: true, createdAt: true, secretIssuedAt: true } }),
    db.$queryRaw<{ clientId: string; at: Date }[]>`SELECT "clientId", max("at") AS at FROM "SecurityEvent" WHERE "kind" = 'connect' AND "clientId" IS NOT NULL GROUP BY "clientId"`,
    db.apiToken.findMany({ select: { name: true, createdAt: true, lastUsedAt: true, revokedAt: true } }),
    findAclFindings(),
    db.$queryRaw<{ clientId: string }[]>`
      SELECT "clientId" FROM (
        SELECT DISTINCT ON ("broker", "clientId") "clientId", "kind" FROM "SecurityEvent"
        WHERE "kind" IN ('connect', 'disconnect', 'kick') AND "clientId" IS NOT NULL AND "at" > now() - interval '30 days'
        ORDER BY "broker", "clientId", "id" DESC
      ) last WHERE "kind" = 'connect'`,
    db.user.findMany({ select: { email: true, role: true, disabled: true, totpEnabledAt: true } }),
    brokerFacts(),
    getSecurityPolicy(),
  ]);
  const lastSeen = new Map(seen.map((s) => [s.clientId, s.at]));
  const found = postureFindings({
    now,
    certificates: certificates.map(({ device, ...c }) => ({ ...c, clientId: device?.clientId ?? null })),
    devices: devices.map((d) => ({ ...d, lastSeenAt: lastSeen.get(d.clientId) ?? null })),
    tokens,
    users: users.map((u) => ({ email: u.email, role: u.role, disabled: u.disabled, twoFactor: u.totpEnabledAt !== null })),
    brokers,
    aclFindings: acl.findings,
    connected: new Set(connected.map((c) => c.clientId)),
  }, policy);
  return change(async (tx) => {
    const raised: string[] = [];
    for (const f of found) if ((await upsertFinding(tx, f, now, false)).created) raised.push(`${f.rule}:${f.subject}`);
    const current = new Set(found.map((f) => `${f.rule}\n${f.subject}`));
    const open = await tx.securityFinding.findMany({ where: { resolvedAt: null, rule: { in: [...POSTURE_RULES] } }, select: { id: true, rule: true, subject: true } });
    const gone = open.filter((o) => !current.has(`${o.rule}\n${o.subject}`));
    if (gone.length) await tx.securityFinding.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { resolvedAt: now, resolvedBy: CHECKER } });
    const result = { open: found.length, raised: raised.length, resolved: gone.length };
    await appendAudit(tx, actor, { action: "security.posture_run", targetType: "posture", details: { ...result, raisedFindings: raised.slice(0, 50), resolvedFindings: gone.slice(0, 50).map((g) => `${g.rule}:${g.subject}`) } });
    return { ...result, checkedAt: now.toISOString() };
  });
}
