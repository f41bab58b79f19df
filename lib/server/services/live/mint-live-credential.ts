import "server-only";
import { randomBytes } from "node:crypto";
import { LIVE_USERNAME_PREFIX, trafficScope } from "@/lib/domain/live-access";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import type { TRole } from "@/lib/domain/permissions";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { desiredStateChanged } from "../../queue";
import { getSignedTopics } from "../signing/signed-topics";
import { inspectorVerdictKeys } from "../signing/verdict-keys";
import { liveBrokers } from "./live-endpoint";

/** How long a live credential lives; the page mints the next one before it ends. */
export const LIVE_CREDENTIAL_TTL_MS = 10 * 60_000;

/** Credentials one browser session (or API token) holds at once: one per open page. */
export const LIVE_CREDENTIALS_PER_OWNER = 4;

export type TMintLiveOptions = { actor: TActor; role: TRole; sessionId: string | null; replaces?: string };

/** One credential per browser session, or per API token. */
const ownerOf = ({ actor, sessionId }: TMintLiveOptions) => (sessionId ? { sessionId } : { tokenId: actor.id! });

/**
 * A short-lived, read-only broker credential for one page's live views, scoped by the caller's role. It takes over
 * from the caller's credential named in `replaces` (a page renewing its own), and the session's (or API token's)
 * oldest go beyond LIVE_CREDENTIALS_PER_OWNER. The password is returned once and stored as Mosquitto's hash; every
 * broker's live listener learns it through the sync engine within about a second, and forgets it at sign-out or
 * expiry. With it, where the browser reaches each broker through the relay.
 */
export async function mintLiveCredential(options: TMintLiveOptions) {
  const { actor, role, replaces } = options;
  const owner = ownerOf(options);
  const password = randomBytes(24).toString("base64url");
  const username = `${LIVE_USERNAME_PREFIX}${randomBytes(8).toString("hex")}`;
  // Hashed outside the transaction: it is CPU work the audit lock need not wait for. 190 random bits: 1,000 rounds do.
  const passwordHash = await mosquittoPasswordHash(password);
  const expiresAt = new Date(Date.now() + LIVE_CREDENTIAL_TTL_MS);
  const revision = await change(async (tx) => {
    const kept = await tx.liveCredential.findMany({ where: { ...owner, ...(replaces ? { username: { not: replaces } } : {}) }, orderBy: { createdAt: "desc" }, select: { username: true }, take: LIVE_CREDENTIALS_PER_OWNER - 1 });
    const replaced = await tx.liveCredential.deleteMany({ where: { ...owner, username: { notIn: kept.map((k) => k.username) } } });
    await tx.liveCredential.create({ data: { username, passwordHash, role, ...owner, expiresAt } });
    const revision = await desiredStateChanged(tx, "live credential minted", { access: false, changes: [{ kind: "live" }] });
    await appendAudit(tx, actor, { action: "live.credential_mint", targetType: "live_credential", details: { username, ...owner, expiresAt: expiresAt.toISOString(), replaced: replaced.count } });
    return revision;
  });
  const traffic = trafficScope(role);
  const signing = traffic.length ? { ...(await getSignedTopics()), verdictKeys: inspectorVerdictKeys() } : { topics: [], verdictKeys: [] };
  return { username, password, expiresAt: expiresAt.toISOString(), revision: revision.toString(), traffic, brokers: await liveBrokers(), signing };
}
