import "server-only";
import type { Broker } from "@/lib/generated/prisma/client";
import { driftedFiles, type TFileDigests } from "@/lib/domain/broker-files";
import type { TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import { OFFLINE_AFTER_MS, syncState } from "@/lib/domain/sync-state";
import type { TBroker } from "@/lib/schemas/broker";

export function toBrokerDto(b: Broker, desiredRevision: bigint, now = new Date()): TBroker {
  const expected = b.expectedDigests as Partial<TFileDigests> | null;
  const actual = b.actualDigests as Partial<TFileDigests> | null;
  return {
    id: b.id,
    name: b.name,
    host: b.host,
    ports: b.ports as TBrokerPorts,
    tags: b.tags,
    enforcement: b.enforcement === "PLUGIN" ? "plugin" : "files",
    syncState: syncState({ ...b, expectedDigests: expected, actualDigests: actual, desiredRevision }, now),
    reachable: Boolean(b.lastSeenAt && now.getTime() - b.lastSeenAt.getTime() <= OFFLINE_AFTER_MS),
    version: b.version,
    uptimeSeconds: b.uptimeSeconds,
    connectedClients: b.connectedClients,
    desiredRevision: desiredRevision.toString(),
    appliedRevision: b.appliedRevision.toString(),
    appliedAt: b.appliedAt?.toISOString() ?? null,
    lastSeenAt: b.lastSeenAt?.toISOString() ?? null,
    lastChangeAt: (b.appliedAt ?? b.updatedAt).toISOString(),
    lastError: b.lastError,
    driftedFiles: driftedFiles(expected, actual),
    caPem: b.caPem,
    adminCertPem: b.adminCertPem,
  };
}
