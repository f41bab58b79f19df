import { chmodSync } from "node:fs";
import path from "node:path";
import { ADMIN_IDENTITY, agentIdentity, LISTENERS, type TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import {
  currentPids,
  ensureMosquittoInstalled,
  writeAdminIdentity,
  readFleetFile,
  reservePorts,
  startAgent,
  startBroker,
  stopPids,
  waitForAgent,
  writeBrokerDir,
  writeFleetFile,
  type TLocalBroker,
} from "@/lib/fleet/local-fleet";
import { AppError } from "@/lib/server/errors";
import { issueCertificate } from "@/lib/server/pki/x509";
import { recordCertificates } from "@/lib/server/services/certificates/record-certificates";
import { registerBroker } from "@/lib/server/services/brokers/register-broker";
import { commandSigningKey, fleetCa, serviceCa } from "@/lib/server/services/fleet/fleet-keys";
import { renderDesiredState } from "@/lib/server/services/fleet/render-desired-state";
import { linkedFolder, userIds } from "../../scripts/lib/pg-runtime.mjs";
import type { TBrokerCreate } from "@/lib/schemas/broker";
import { cliActor } from "./cli-input";

const projectRoot = path.resolve(import.meta.dirname, "../..");
const fleetDir = (flags: Record<string, string | undefined>) => path.resolve(flags.dir ?? ".data/fleet");

/**
 * fleet up --brokers N [--enforcement plugin|files]: starts N local brokers with agents and registers them (replacing
 * a running local fleet); with the plugin, the brokers enforce with Fleetward's broker plugin.
 */
export async function fleetUpCommand(flags: Record<string, string | undefined>) {
  const count = Number(flags.brokers ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 20) throw new Error("--brokers must be a whole number from 1 to 20");
  const prefix = flags.prefix ?? "demo";
  const enforcement = flags.enforcement ?? "files";
  if (enforcement !== "plugin" && enforcement !== "files") throw new Error("--enforcement must be plugin or files");
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(prefix)) throw new Error("--prefix must be a-z, 0-9 and -");
  ensureMosquittoInstalled();
  await fleetDownCommand(flags, true);
  // Started as root, the brokers run as user mosquitto and must reach their own folders below this one: in a
  // project that user cannot enter (a 0700 home), the fleet lives in a system folder and --dir links to it.
  const root = linkedFolder(process.getuid?.() === 0 ? userIds("mosquitto") : null, fleetDir(flags), "fleet");
  chmodSync(root, 0o755);

  // Brokers' server certificates come from the fleet CA, as devices' do; Fleetward's own identities (admin, agents)
  // from the service CA, the only one the admin listeners trust.
  const [ca, service, signing, desired] = await Promise.all([fleetCa(), serviceCa(), commandSigningKey(), renderDesiredState()]);
  const admin = await issueCertificate({ ca: service, commonName: ADMIN_IDENTITY, usage: "client", days: 825 });
  await recordCertificates([{ pem: service.certPem, kind: "CA" }]);
  writeAdminIdentity(root, ca.certPem, admin);
  const brokers: TLocalBroker[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}-${i}`;
      const dir = path.join(root, name);
      const list = await reservePorts(LISTENERS.length);
      const ports = Object.fromEntries(LISTENERS.map((l, j) => [l, list[j]!])) as TBrokerPorts;
      const server = await issueCertificate({ ca, commonName: name, usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 825 });
      const agent = await issueCertificate({ ca: service, commonName: agentIdentity(name), usage: "client", days: 825 });
      await recordCertificates([{ pem: server.certPem, kind: "BROKER" }, { pem: agent.certPem, kind: "SERVICE" }]);
      writeBrokerDir({
        name,
        dir,
        ports,
        pki: { caPem: ca.certPem, serviceCaPem: service.certPem, serverCertPem: server.certPem, serverKeyPem: server.keyPem, agentCertPem: agent.certPem, agentKeyPem: agent.keyPem },
        files: desired.files,
        fleetwardPublicKeyPem: signing.publicPem,
        enforcement,
      });
      const brokerPid = await startBroker(dir, ports);
      const agentPid = startAgent(dir, projectRoot);
      brokers.push({ name, dir, ports, brokerPid, agentPid });
      writeFleetFile(root, { brokers });
      await waitForAgent(dir, agentPid);
      await registerWhenAgentAnswers({ name, host: "127.0.0.1", ports, caPem: ca.certPem, adminCertPem: admin.certPem, adminKeyPem: admin.keyPem, tags: ["local"], enforcement });
      console.log(`${name}: admin ${ports.admin}, tls-password ${ports.tlsPassword}, mtls ${ports.mtls}, psk ${ports.psk}, wss ${ports.wss}, live ${ports.live}`);
    }
  } catch (e) {
    await stopPids(brokers.flatMap((b) => [b.agentPid, b.brokerPid]));
    throw e;
  }
  console.log(`Fleet of ${count} broker(s) running; state in ${root}. Stop it with: fleetward fleet down`);
}

async function registerWhenAgentAnswers(input: TBrokerCreate) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await registerBroker({ actor: cliActor(), input, replace: true });
    } catch (e) {
      // The agent needs a moment to start and connect; anything else is a real failure.
      if (!(e instanceof AppError) || !/agent/.test(e.message) || attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** fleet down: stops the local fleet's agents and brokers by pid. Registrations stay (they show as offline). */
export async function fleetDownCommand(flags: Record<string, string | undefined>, quiet = false) {
  const root = fleetDir(flags);
  const { brokers } = readFleetFile(root);
  await stopPids(brokers.flatMap(currentPids));
  if (brokers.length) writeFleetFile(root, { brokers: [] });
  if (!quiet) console.log(brokers.length ? `Stopped ${brokers.length} broker(s): ${brokers.map((b) => b.name).join(", ")}` : "No local fleet was running.");
}
