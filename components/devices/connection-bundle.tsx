"use client";
import { CodeBlock } from "@/components/ui/code-block";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { mosquittoPubExample, mqttJsExample } from "@/lib/domain/connection-examples";
import type { TDeviceCreated } from "@/lib/schemas/device";
import { SigningSecret } from "./signing-keys";

/** The one-time result of onboarding or rotation: secrets, the CA, every endpoint and examples to run. */
export function ConnectionBundle({ result }: { result: TDeviceCreated }) {
  const { device, secret, caPem, endpoints } = result;
  const first = endpoints[0];
  return (
    <div className="space-y-4" data-testid="connection-bundle">
      {secret.password ? <SecretOnce label="Password" value={secret.password} /> : null}
      {secret.pskKey ? (
        <>
          <p className="text-xs">PSK identity: <code className="font-mono">{secret.pskIdentity}</code></p>
          <SecretOnce label="PSK key (hex)" value={secret.pskKey} />
        </>
      ) : null}
      {secret.keyPem ? <SecretOnce label="Private key (generated here; better: send a CSR)" value={secret.keyPem} /> : null}
      {secret.certPem ? <CodeBlock label="Client certificate" text={secret.certPem} filename={`${device.clientId}.crt`} /> : null}
      {secret.keyPem ? <CodeBlock label="Private key file" text={secret.keyPem} filename={`${device.clientId}.key`} /> : null}
      {result.signingKey ? (
        <>
          <p className="text-xs">Message signing key id (kid): <code className="font-mono">{result.signingKey.kid}</code></p>
          <SigningSecret clientId={device.clientId} secret={result.signingKey.secret} />
        </>
      ) : null}
      <CodeBlock label="Fleet CA certificate (trust this to verify the brokers)" text={caPem} filename="ca.crt" />
      <div>
        <p className="mb-1 text-xs font-medium">Endpoints</p>
        <Table>
          <thead><tr><Th>Broker</Th><Th>Listener</Th><Th>URL</Th></tr></thead>
          <tbody>
            {endpoints.map((e) => (
              <tr key={`${e.broker}-${e.listener}`}><Td>{e.broker}</Td><Td>{e.listener}</Td><Td className="font-mono text-xs">{e.url}</Td></tr>
            ))}
          </tbody>
        </Table>
        {endpoints.length === 0 ? <p className="text-xs text-muted">No broker is registered yet: the device can connect once one is.</p> : null}
      </div>
      {first ? (
        <>
          <CodeBlock label="mosquitto_pub" text={mosquittoPubExample({ authType: device.authType, clientId: device.clientId, url: endpoints.find((e) => e.listener !== "wss")?.url ?? first.url })} />
          <CodeBlock label="mqtt.js" text={mqttJsExample({ authType: device.authType, clientId: device.clientId, url: endpoints.find((e) => e.listener !== "wss")?.url ?? first.url })} />
        </>
      ) : null}
    </div>
  );
}
