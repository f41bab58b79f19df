import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import { isSealedBox, openSealedBox, sealToCertificate, type TSealedBox } from "./agent-sealing";
import { MANAGED_FILES, PATCHABLE_FILES, SECRET_FILES, type TLinePatch, type TManagedFile, type TPatchableFile } from "./broker-files";

// Commands Fleetward sends to a broker's agent. Each is signed (Ed25519) over its canonical JSON and carries a
// sequence number from Postgres, so the agent runs only Fleetward's commands, each at most once. The files that hold
// secrets travel only inside `sealed`, encrypted to the agent's certificate (agent-sealing.ts).

export { AGENT_TOPICS } from "./agent-topics";

export type TAgentCommand =
  | { type: "ping" }
  | { type: "apply"; revision: string; files: Partial<Record<TManagedFile, string>>; patches?: Partial<Record<TPatchableFile, TLinePatch>>; sealed?: TSealedBox }
  | { type: "kick"; clientIds: string[] }
  /**
   * A command batch for the broker plugin (broker-plugin/src/commands.c), which the agent hands on over the admin
   * listener once it has checked this command's signature. Its clients' secrets travel only inside `sealed`.
   */
  | { type: "plugin"; batch: TPluginBatch; sealed?: TSealedBox }
  /** Secret-free summaries of the managed files, for a drift diff. */
  | { type: "inspect" };

/** A plugin batch as Fleetward sends it; the plugin checks every op (and refuses the batch whole). */
export type TPluginBatch = { revision: number; ops: Record<string, unknown>[]; stage?: { id: string; part: number; parts: number } };

export type TCommandHeader = { id: string; seq: string; issuedAt: number; broker: string };
export type TSignedCommand = { cmd: TCommandHeader & TAgentCommand; sig: string };

export type TAgentReply = {
  id: string;
  ok: boolean;
  error?: string;
  revision?: string;
  digests?: Partial<Record<TManagedFile, string>>;
  /** What the agent last read from the broker's $SYS topics. */
  facts?: { version: string | null; uptimeSeconds: number | null; connectedClients: number | null };
  summaries?: Partial<Record<TManagedFile, string[]>>;
  /** The broker plugin's answer to a plugin batch: its revision, state digest and client count, or why it refused. */
  plugin?: Record<string, unknown>;
  at: number;
};

export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function signCommand(cmd: TSignedCommand["cmd"], privateKeyPem: string): TSignedCommand {
  const sig = sign(null, Buffer.from(canonicalJson(cmd)), createPrivateKey(privateKeyPem)).toString("base64");
  return { cmd, sig };
}

/** `publicKeyPem`: Fleetward's command public key, or several (PEM blocks one after another) while a new one is rolled out. */
export type TVerifyContext = { publicKeyPem: string; broker: string; lastSeq: bigint; now: number };

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** The public keys in a key file; a block that does not parse is skipped (the others still verify). */
export function commandPublicKeys(pem: string): KeyObject[] {
  return [...pem.matchAll(PEM_BLOCK)].flatMap((m) => {
    try {
      return [createPublicKey(m[0])];
    } catch {
      return [];
    }
  });
}

/** Why a command must be refused, or null when it may run. Never throws on hostile input. */
export function commandRefusal(input: unknown, ctx: TVerifyContext): string | null {
  if (!input || typeof input !== "object") return "not a signed command";
  const { cmd, sig } = input as Partial<TSignedCommand>;
  if (!cmd || typeof cmd !== "object" || typeof sig !== "string") return "not a signed command";
  let valid = false;
  try {
    const signed = Buffer.from(canonicalJson(cmd));
    const signature = Buffer.from(sig, "base64");
    valid = commandPublicKeys(ctx.publicKeyPem).some((key) => verify(null, signed, key, signature));
  } catch {
    valid = false;
  }
  if (!valid) return "bad signature";
  if (cmd.broker !== ctx.broker) return `addressed to broker ${String(cmd.broker)}`;
  if (typeof cmd.seq !== "string" || !/^\d{1,19}$/.test(cmd.seq)) return "bad sequence number";
  if (BigInt(cmd.seq) <= ctx.lastSeq) return `replayed (sequence ${cmd.seq} is not above ${ctx.lastSeq})`;
  if (typeof cmd.issuedAt !== "number" || Math.abs(ctx.now - cmd.issuedAt) > MAX_CLOCK_SKEW_MS) return "stale or future timestamp";
  if (cmd.type === "apply") {
    const problem = applyPartsRefusal(cmd.files ?? {}, cmd.patches ?? {}, false);
    if (problem) return problem;
    if (cmd.sealed !== undefined && !isSealedBox(cmd.sealed)) return "bad sealed secrets";
  } else if (cmd.type === "kick") {
    if (!Array.isArray(cmd.clientIds) || cmd.clientIds.some((c) => typeof c !== "string" || c.length === 0 || c.length > 65_535)) return "bad client ids";
  } else if (cmd.type === "plugin") {
    const b = cmd.batch as Partial<TPluginBatch> | null;
    if (!b || typeof b !== "object" || !Array.isArray(b.ops) || b.ops.some((o) => !o || typeof o !== "object")) return "bad plugin batch";
    if (b.ops.some((o) => "secret" in o)) return "a plugin batch's secrets must come encrypted to this agent";
    if (cmd.sealed !== undefined && !isSealedBox(cmd.sealed)) return "bad sealed secrets";
  } else if (cmd.type !== "ping" && cmd.type !== "inspect") {
    return "unknown command type";
  }
  return null;
}

/** Why these files and patches of an apply may not be written; `sealed`: they came out of the sealed box. */
function applyPartsRefusal(files: object, patches: object, sealed: boolean): string | null {
  const secret = (name: string) => (SECRET_FILES as readonly string[]).includes(name);
  for (const name of Object.keys(files)) {
    if (!(MANAGED_FILES as readonly string[]).includes(name)) return `file ${JSON.stringify(name).slice(0, 80)} is not one the agent manages`;
    if (secret(name) !== sealed) return sealed ? `file ${name} may not be sealed` : `file ${name} holds secrets and must come encrypted to this agent`;
  }
  for (const [name, patch] of Object.entries(patches)) {
    if (!(PATCHABLE_FILES as readonly string[]).includes(name)) return `file ${JSON.stringify(name).slice(0, 80)} cannot be patched`;
    if (secret(name) !== sealed) return `a patch of ${name} holds secrets and must come encrypted to this agent`;
    const p = patch as Partial<TLinePatch> | null;
    const lines = (v: unknown) => Array.isArray(v) && v.every((l) => typeof l === "string" && !l.includes("\n"));
    if (!p || typeof p.base !== "string" || typeof p.result !== "string" || !lines(p.remove) || !lines(p.add)) return `bad patch for ${name}`;
  }
  return null;
}

type TApplyParts = { files: Partial<Record<TManagedFile, string>>; patches: Partial<Record<TPatchableFile, TLinePatch>> };

/** An apply's files and patches as sent: the secret ones sealed to the agent's certificate, the others in the clear. */
export function sealApply(parts: TApplyParts, agentCertPem: string): { files: TApplyParts["files"]; sealed?: TSealedBox } {
  const secret = (name: string) => (SECRET_FILES as readonly string[]).includes(name);
  const plain = Object.fromEntries(Object.entries(parts.files).filter(([n]) => !secret(n)));
  const inner = { files: Object.fromEntries(Object.entries(parts.files).filter(([n]) => secret(n))), patches: parts.patches };
  if (!Object.keys(inner.files).length && !Object.keys(inner.patches).length) return { files: plain };
  return { files: plain, sealed: sealToCertificate(JSON.stringify(inner), agentCertPem) };
}

/** The agent's side: every file and patch of a verified apply, the sealed ones opened; throws saying what is wrong. */
export function openApply(cmd: Extract<TAgentCommand, { type: "apply" }>, certPem: string, keyPem: string): TApplyParts {
  if (!cmd.sealed) return { files: { ...cmd.files }, patches: { ...cmd.patches } };
  const inner = JSON.parse(openSealedBox(cmd.sealed, certPem, keyPem)) as Partial<TApplyParts> | null;
  const files = inner?.files ?? {};
  const patches = inner?.patches ?? {};
  const problem = typeof files === "object" && typeof patches === "object" ? applyPartsRefusal(files, patches, true) : "bad sealed secrets";
  if (problem) throw new Error(`refused: ${problem}`);
  return { files: { ...cmd.files, ...files }, patches: { ...cmd.patches, ...patches } };
}

/** A plugin batch as sent: each client's secret (password hash, PSK key) moved into a box sealed to the agent. */
export function sealPluginBatch(batch: TPluginBatch, agentCertPem: string): { batch: TPluginBatch; sealed?: TSealedBox } {
  const secrets: Record<string, string> = {};
  const ops = batch.ops.map((o, i) => {
    if (typeof o.secret !== "string") return o;
    secrets[String(i)] = o.secret;
    const { secret: _secret, ...rest } = o;
    return rest;
  });
  if (!Object.keys(secrets).length) return { batch };
  return { batch: { ...batch, ops }, sealed: sealToCertificate(JSON.stringify({ secrets }), agentCertPem) };
}

/** The agent's side: the batch of a verified plugin command with its secrets back in place; throws saying what is wrong. */
export function openPluginBatch(cmd: Extract<TAgentCommand, { type: "plugin" }>, certPem: string, keyPem: string): TPluginBatch {
  if (!cmd.sealed) return cmd.batch;
  const inner = JSON.parse(openSealedBox(cmd.sealed, certPem, keyPem)) as { secrets?: unknown } | null;
  const secrets = inner?.secrets;
  if (!secrets || typeof secrets !== "object" || Object.entries(secrets).some(([k, v]) => typeof v !== "string" || !cmd.batch.ops[Number(k)] || cmd.batch.ops[Number(k)]!.op !== "upsertClient")) {
    throw new Error("refused: bad sealed secrets");
  }
  return { ...cmd.batch, ops: cmd.batch.ops.map((o, i) => ((secrets as Record<string, string>)[String(i)] === undefined ? o : { ...o, secret: (secrets as Record<string, string>)[String(i)] })) };
}
