import type { TAgentCommand, TAgentReply, TPluginBatch, TSignedCommand } from "@/lib/domain/agent-command";
import type { TBrokerFiles, TFileDigests, TLinePatch, TManagedFile, TPatchableFile } from "@/lib/domain/broker-files";

/** How Fleetward reaches one broker's admin channel. */
export type TBrokerEndpoint = {
  name: string;
  host: string;
  adminPort: number;
  caPem: string;
  adminCertPem: string;
  adminKeyPem: string;
};

/** Signs a command with a fresh sequence number (from Postgres) for the named broker. */
export type TCommandSigner = (broker: string, command: TAgentCommand) => Promise<TSignedCommand>;

/** Why a certificate an agent announces may not receive the broker's secrets, or null when it may. */
export type TAgentCertCheck = (certPem: string) => Promise<string | null>;

export type TProbeFacts = { version: string | null; uptimeSeconds: number | null; connectedClients: number | null; digests: Partial<TFileDigests>; revision: string };

/** The seam between the sync engine and a kind of broker. */
export interface TBrokerDriver {
  /** Checks the channel end to end (TLS both ways, admin identity, agent answering) and reads facts. */
  probe(): Promise<TProbeFacts>;
  /**
   * Writes these files (all or some of the managed ones, some as line patches) at this revision; resolves with what
   * the broker then holds. A patch that does not fit the broker's file is skipped, which its digest then shows.
   */
  apply(revision: bigint, files: Partial<TBrokerFiles>, patches?: Partial<Record<TPatchableFile, TLinePatch>>): Promise<TAgentReply>;
  /**
   * Hands these batches, in order, to the broker's plugin (through its agent, their secrets sealed to it); resolves with
   * the reply to the last one, throws on the first one refused.
   */
  plugin(batches: readonly TPluginBatch[]): Promise<TAgentReply>;
  /** Secret-free summaries of the files the broker holds now. */
  inspect(): Promise<Record<TManagedFile, string[]>>;
  /** Closes these clients' sessions at once. */
  kick(clientIds: string[]): Promise<void>;
  /** The client ids connected now, from the agent's retained snapshot; null when it has none yet. */
  connectedClientIds(): Promise<string[] | null>;
}
