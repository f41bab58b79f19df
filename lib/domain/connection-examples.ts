// Ready-to-run examples for a new device, from its kind of credential and one of its endpoints. Secrets appear
// as shell variables and file names, never inline, so an example can be pasted into a ticket safely.

export type TExampleInput = { authType: "PASSWORD" | "PSK" | "X509"; clientId: string; url: string };

function hostPort(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: u.port };
}

export function mosquittoPubExample({ authType, clientId, url }: TExampleInput): string {
  const { host, port } = hostPort(url);
  const base = `mosquitto_pub -h ${host} -p ${port} -V mqttv5 -i ${clientId} -t devices/${clientId}/hello -m 'hello' -q 1`;
  if (authType === "PASSWORD") return `${base} \\\n  --cafile ca.crt -u ${clientId} -P "$DEVICE_PASSWORD"`;
  if (authType === "PSK") return `${base} \\\n  --psk-identity ${clientId} --psk "$DEVICE_PSK_HEX"`;
  return `${base} \\\n  --cafile ca.crt --cert ${clientId}.crt --key ${clientId}.key`;
}

export function mqttJsExample({ authType, clientId, url }: TExampleInput): string {
  const creds =
    authType === "PASSWORD"
      ? `  ca: readFileSync("ca.crt"),\n  username: ${JSON.stringify(clientId)},\n  password: process.env.DEVICE_PASSWORD,`
      : authType === "PSK"
        ? `  pskCallback: () => ({ identity: ${JSON.stringify(clientId)}, psk: Buffer.from(process.env.DEVICE_PSK_HEX, "hex") }),\n  ciphers: "ECDHE-PSK-CHACHA20-POLY1305",\n  checkServerIdentity: () => undefined,`
        : `  ca: readFileSync("ca.crt"),\n  cert: readFileSync(${JSON.stringify(`${clientId}.crt`)}),\n  key: readFileSync(${JSON.stringify(`${clientId}.key`)}),`;
  return [
    'import { readFileSync } from "node:fs";',
    'import mqtt from "mqtt";',
    "",
    `const client = mqtt.connect(${JSON.stringify(url)}, {`,
    `  clientId: ${JSON.stringify(clientId)},`,
    "  protocolVersion: 5,",
    creds,
    "});",
    `client.on("connect", () => client.publish(${JSON.stringify(`devices/${clientId}/hello`)}, "hello", { qos: 1 }, () => client.end()));`,
  ].join("\n");
}
