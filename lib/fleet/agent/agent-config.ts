import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** The file `fleetward agent --broker-config <file>` reads. Relative paths are relative to the file. */
export const ZAgentConfig = z.strictObject({
  broker: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a broker name (a-z, 0-9, -)"),
  host: z.string().min(1),
  adminPort: z.number().int().min(1).max(65535),
  caFile: z.string(),
  certFile: z.string(),
  keyFile: z.string(),
  /** Where passwd, acl, psk and crl.pem live: the agent writes nothing outside it (and its state dir). */
  managedDir: z.string(),
  stateDir: z.string(),
  brokerPidFile: z.string(),
  fleetwardPublicKeyFile: z.string(),
  /** The broker's mosquitto.conf, read (never written) to report its listeners' TLS and its connection logging. */
  brokerConfFile: z.string().optional(),
  /**
   * How the broker enforces: Fleetward's plugin (the agent hands it its batches and reports its events) or the files
   * the agent writes (passwd, acl, psk, reloaded by SIGHUP; connections read from the broker's log).
   */
  enforcement: z.enum(["plugin", "files"]).default("files"),
});
export type TAgentConfig = z.infer<typeof ZAgentConfig>;

export function loadAgentConfig(file: string): TAgentConfig {
  const parsed = ZAgentConfig.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  }
  const base = path.dirname(path.resolve(file));
  const abs = (p: string) => path.resolve(base, p);
  const c = parsed.data;
  return {
    ...c,
    caFile: abs(c.caFile),
    certFile: abs(c.certFile),
    keyFile: abs(c.keyFile),
    managedDir: abs(c.managedDir),
    stateDir: abs(c.stateDir),
    brokerPidFile: abs(c.brokerPidFile),
    fleetwardPublicKeyFile: abs(c.fleetwardPublicKeyFile),
    brokerConfFile: c.brokerConfFile === undefined ? undefined : abs(c.brokerConfFile),
  };
}
