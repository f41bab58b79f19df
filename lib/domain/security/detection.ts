// Detection rules over the brokers' security events: what each looks for, its thresholds (defaults an operator may
// tune), and the finding it raises. The counting itself runs in Postgres (lib/server/services/security). Pure.
import { z } from "zod";

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type TSeverity = (typeof SEVERITIES)[number];

const count = (max: number) => z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
const seconds = count(86_400);

/** The tunable thresholds, with their defaults. */
export const ZDetectionSettings = z.strictObject({
  bruteForce: z.strictObject({ failures: count(100_000), withinSeconds: seconds }).default({ failures: 20, withinSeconds: 60 }),
  credentialStuffing: z.strictObject({ clientIds: count(100_000), withinSeconds: seconds }).default({ clientIds: 10, withinSeconds: 600 }),
  clientIdCollision: z.strictObject({ takeovers: count(100_000), withinSeconds: seconds }).default({ takeovers: 3, withinSeconds: 600 }),
  newNetwork: z.strictObject({ enabled: z.boolean({ error: "must be true or false" }), prefixBits: z.number().int().min(8, "must be at least 8").max(32, "must be at most 32") }).default({ enabled: true, prefixBits: 24 }),
});
export type TDetectionSettings = z.infer<typeof ZDetectionSettings>;

/** The settings as stored (only what was tuned) over the defaults; anything unreadable falls back to them. */
export function detectionSettings(stored: unknown): TDetectionSettings {
  const parsed = ZDetectionSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : ZDetectionSettings.parse({});
}

export const RULES = {
  "brute-force": { severity: "high", title: "Brute force from one address" },
  "credential-stuffing": { severity: "high", title: "Many client ids tried from one address" },
  "client-id-collision": { severity: "medium", title: "Client id used by several connections" },
  "revoked-still-trying": { severity: "high", title: "A revoked or disabled credential still tries to connect" },
  "tls-refused": { severity: "medium", title: "Certificates refused in the TLS handshake" },
  "new-network": { severity: "low", title: "A device connected from a new network" },
} as const satisfies Record<string, { severity: TSeverity; title: string }>;
export type TRuleName = keyof typeof RULES;

/** The network an address belongs to, for "a device connected from a new network" (IPv4 prefix; IPv6 /64). */
export function networkOf(ip: string, prefixBits: number): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const n = v4.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0);
    const masked = prefixBits === 0 ? 0 : Math.floor(n / 2 ** (32 - prefixBits)) * 2 ** (32 - prefixBits);
    return `${[24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256).join(".")}/${prefixBits}`;
  }
  if (ip.includes(":")) {
    const groups = ip.split("::")[0]!.split(":").slice(0, 4);
    return `${groups.map((g) => g || "0").join(":")}::/64`;
  }
  return null;
}

const secondsText = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** A finding's words: what happened, and why it matters and what to do. */
export function findingText(rule: TRuleName, subject: string, n: number, settings: TDetectionSettings): string {
  switch (rule) {
    case "brute-force":
      return `${n} failed logins from ${subject} within ${secondsText(settings.bruteForce.withinSeconds)} (threshold ${settings.bruteForce.failures}). Someone is guessing passwords: block the address at the firewall and check which client ids it tried.`;
    case "credential-stuffing":
      return `${n} different client ids were tried from ${subject}, amid failed logins, within ${secondsText(settings.credentialStuffing.withinSeconds)} (threshold ${settings.credentialStuffing.clientIds}). Leaked credential lists are being tried: block the address and rotate the credentials of the ids that logged in from it.`;
    case "client-id-collision":
      return `Client id ${subject} was taken over ${n} times within ${secondsText(settings.clientIdCollision.withinSeconds)} (threshold ${settings.clientIdCollision.takeovers}): two connections share one identity. A cloned or stolen credential, or two devices misconfigured alike: rotate its credential.`;
    case "revoked-still-trying":
      return `${subject} was refused ${n} time(s) though its credential is revoked or the device disabled. A decommissioned or stolen device keeps trying: find it on the network, and keep the credential revoked.`;
    case "tls-refused":
      return `${n} TLS handshake(s) from ${subject} were refused for their certificate (revoked, from an unknown CA, expired, or none given). A revoked device or a scanner: check the address.`;
    case "new-network":
      return `Device ${subject} connected from a network it had not used before. Expected after a move; otherwise its credential may be used elsewhere.`;
  }
}
