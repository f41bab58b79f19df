import type { TAgentCommand, TAgentReply, TSignedCommand } from "@/lib/domain/agent-command";
import type { TBrokerFiles, TFileDigests, TManagedFile } from "@/lib/domain/broker-files";

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

export type TProbeFacts = { version: string | null; uptimeSeconds: number | null; connectedClients: number | null; digests: Partial<TFileDigests>; revision: string };

/** The seam between the sync engine and a kind of broker. */
export interface TBrokerDriver {
  /** Checks the channel end to end (TLS both ways, admin identity, agent answering) and reads facts. */
  probe(): Promise<TProbeFacts>;
  /** Writes these files (all or some of the managed ones) at this revision; resolves with what the broker then holds. */
  apply(revision: bigint, files: Partial<TBrokerFiles>): Promise<TAgentReply>;
  /** Secret-free summaries of the files the broker holds now. */
  inspect(): Promise<Record<TManagedFile, string[]>>;
  /** Closes these clients' sessions at once. */
  kick(clientIds: string[]): Promise<void>;
}
