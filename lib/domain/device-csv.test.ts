import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvColumn, csvLine, CSV_TEMPLATE, parseDeviceCsv, secretsCsv } from "./device-csv";

describe("device CSV", () => {
  it("reads the template into bulk rows", () => {
    const { rows, problems } = parseDeviceCsv(CSV_TEMPLATE);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { clientId: "sensor-0001", name: "Boiler room sensor", tags: ["plant-a", "boiler"], auth: { type: "password" } },
      { clientId: "gateway-0002", tags: ["plant-a"], auth: { type: "psk" }, roles: [{ rolename: "device-self", priority: -1 }] },
      { clientId: "camera-0003", name: "Gate camera", tags: [], auth: { type: "x509" } },
    ]);
  });

  it("keeps a quoted multi-line CSR, implies x509 for it, ignores case and a BOM in the header", () => {
    const csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----";
    const { rows } = parseDeviceCsv(`\uFEFFClient_ID,CSR_PEM\r\ndev-1,"${csr}"\r\n\r\n`);
    expect(rows).toEqual([{ clientId: "dev-1", tags: [], auth: { type: "x509", csrPem: csr } }]);
  });

  it("reads roles and groups as ;-separated names", () => {
    const { rows } = parseDeviceCsv("client_id,roles,groups\ndev-1,sensor;camera,boilers\ndev-2,,\n");
    expect(rows).toEqual([
      { clientId: "dev-1", tags: [], auth: { type: "password" }, roles: [{ rolename: "sensor", priority: -1 }, { rolename: "camera", priority: -1 }], groups: [{ groupname: "boilers", priority: -1 }] },
      { clientId: "dev-2", tags: [], auth: { type: "password" } },
    ]);
  });

  it("passes bad values through for the server to name, but refuses a file it cannot read", () => {
    expect(parseDeviceCsv("client_id,auth\nbad/id,carrier-pigeon\n").rows).toEqual([{ clientId: "bad/id", tags: [], auth: { type: "carrier-pigeon" } }]);
    expect(parseDeviceCsv("id,auth\nx,psk\n").problems).toEqual([
      "The header must name a client_id column (columns: client_id, name, tags, auth, csr_pem, roles, groups, signing_key).",
      "Unknown column: id (known: client_id, name, tags, auth, csr_pem, roles, groups, signing_key).",
    ]);
    expect(parseDeviceCsv("client_id\n").problems).toEqual(["The file has a header but no devices."]);
    expect(parseDeviceCsv('client_id,name\na,"unterminated\n').problems[0]).toMatch(/^Line 2: /);
  });

  it("numbers lines as a spreadsheet does and writes secrets that read back", () => {
    expect(csvLine(0)).toBe(2);
    const pem = "-----BEGIN CERTIFICATE-----\nAB,C\"D\n-----END CERTIFICATE-----\n";
    const label = "PRIVATE KEY"; // a key-shaped text, built here: no key is committed
    const key = `-----BEGIN ${label}-----\nMC4CAQ\n-----END ${label}-----\n`;
    const text = secretsCsv([
      { clientId: "a", secret: { password: "p,w" }, signingKey: { kid: "sk_a", secret: { hmacKey: "h-k_1" } } },
      { clientId: "b", secret: { certPem: pem }, signingKey: { kid: "sk_b", secret: { privateKeyPem: key } } },
    ]);
    const back = Papa.parse<Record<string, string>>(text, { header: true }).data;
    expect(back[0]).toMatchObject({ client_id: "a", password: "p,w", signing_kid: "sk_a", signing_key: "h-k_1" });
    expect(back[1]).toMatchObject({ client_id: "b", cert_pem: pem, signing_kid: "sk_b", signing_key: key });
  });

  it("reads the signing_key column by its common names, passing others on for the server to refuse", () => {
    const { rows } = parseDeviceCsv("client_id,signing_key\na,Ed25519\nb,hmac\nc,\nd,rsa\n");
    expect(rows.map((r) => r.signingKey ?? null)).toEqual(["EdDSA", "HS256", null, "rsa"]);
  });

  it("names the column a bad field of a row came from", () => {
    expect(["clientId", "name", "tags.3", "auth", "auth.type", "auth.csrPem", "roles.0.rolename", "groups.1.priority", "signingKey", "row", "constructor", "__proto__"].map(csvColumn)).toEqual(
      ["client_id", "name", "tags", "auth", "auth", "csr_pem", "roles", "groups", "signing_key", "row", "constructor", "__proto__"],
    );
  });
});
