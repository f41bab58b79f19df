// The bulk import's CSV: one device per line, read into the rows of POST /api/v1/devices:bulk, and the secrets
// file offered once afterwards. Line numbers count the header as line 1, as spreadsheets do.
import Papa from "papaparse";

export const CSV_COLUMNS = ["client_id", "name", "tags", "auth", "csr_pem", "roles", "groups", "signing_key"] as const;
export const CSV_TEMPLATE =
  "client_id,name,tags,auth,csr_pem,roles,groups\nsensor-0001,Boiler room sensor,plant-a;boiler,password,,,\ngateway-0002,,plant-a,psk,,device-self,\ncamera-0003,Gate camera,,x509,,,\n";

type TRef<K extends string> = Record<K, string> & { priority: number };
export type TCsvRow = { clientId: string; name?: string; tags: string[]; auth: { type: string; csrPem?: string }; roles?: TRef<"rolename">[]; groups?: TRef<"groupname">[]; signingKey?: string };

/** The signing_key column: ed25519 or hmac (the API's own names, EdDSA and HS256, too); anything else goes to the server to be refused. */
const SIGNING_NAMES: Record<string, string> = { ed25519: "EdDSA", eddsa: "EdDSA", hmac: "HS256", "hmac-sha256": "HS256", hs256: "HS256" };
export type TCsvResult = { rows: TCsvRow[]; problems: string[] };

/** The spreadsheet line of a 0-based data row. */
export const csvLine = (row: number) => row + 2;

const COLUMN_OF = new Map<string, (typeof CSV_COLUMNS)[number]>([["clientId", "client_id"], ["name", "name"], ["tags", "tags"], ["auth", "auth"], ["roles", "roles"], ["groups", "groups"], ["signingKey", "signing_key"]]);

/** The column a bad field of a row came from (`clientId` -> client_id, `auth.csrPem` -> csr_pem), to name it beside its line. */
export function csvColumn(field: string): string {
  if (field === "auth.csrPem") return "csr_pem";
  return COLUMN_OF.get(field.split(".")[0]!) ?? field;
}

// Papa gives quote errors a character index and counts their rows with the header; other errors a data row.
function lineOf(text: string, e: Papa.ParseError): number | string {
  if ("index" in e && typeof e.index === "number") return text.slice(0, e.index).split("\n").length;
  return e.row === undefined ? "?" : csvLine(e.row);
}

export function parseDeviceCsv(text: string): TCsvResult {
  const source = text.replace(/^\uFEFF/, "");
  const parsed = Papa.parse<Record<string, string>>(source, { header: true, skipEmptyLines: "greedy", transformHeader: (h) => h.trim().toLowerCase() });
  const problems: string[] = [];
  const columns = parsed.meta.fields ?? [];
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (!columns.includes("client_id")) problems.push(`The header must name a client_id column (columns: ${CSV_COLUMNS.join(", ")}).`);
  if (unknown.length) problems.push(`Unknown column${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")} (known: ${CSV_COLUMNS.join(", ")}).`);
  // A one-column file has no delimiter to detect: that is no problem.
  for (const e of parsed.errors.filter((x) => x.code !== "UndetectableDelimiter").slice(0, 10)) problems.push(`Line ${lineOf(source, e)}: ${e.message}.`);
  if (problems.length) return { rows: [], problems };
  const rows = parsed.data.map((r) => {
    const cell = (k: (typeof CSV_COLUMNS)[number]) => (r[k] ?? "").trim();
    const csrPem = cell("csr_pem");
    const type = cell("auth").toLowerCase() || (csrPem ? "x509" : "password");
    // Roles and groups: names separated by ; (left empty: the roles given to new devices).
    const names = (k: "roles" | "groups") => cell(k).split(/[;\s]+/).filter(Boolean);
    return {
      clientId: cell("client_id"),
      ...(cell("name") ? { name: cell("name") } : {}),
      tags: cell("tags").split(/[;\s]+/).filter(Boolean),
      auth: type === "x509" && csrPem ? { type, csrPem } : { type },
      ...(names("roles").length ? { roles: names("roles").map((rolename) => ({ rolename, priority: -1 })) } : {}),
      ...(names("groups").length ? { groups: names("groups").map((groupname) => ({ groupname, priority: -1 })) } : {}),
      ...(cell("signing_key") ? { signingKey: SIGNING_NAMES[cell("signing_key").toLowerCase()] ?? cell("signing_key") } : {}),
    };
  });
  if (rows.length === 0) problems.push("The file has a header but no devices.");
  return { rows, problems };
}

export type TSecretRow = {
  clientId: string;
  secret: { password?: string; pskIdentity?: string; pskKey?: string; certPem?: string; keyPem?: string };
  signingKey?: { kid: string; secret: { privateKeyPem: string } | { hmacKey: string } };
};

/** The secrets of an import as CSV, one device per line; PEM blocks stay quoted multi-line cells. */
export function secretsCsv(devices: readonly TSecretRow[]): string {
  return Papa.unparse({
    fields: ["client_id", "password", "psk_identity", "psk_key_hex", "cert_pem", "key_pem", "signing_kid", "signing_key"],
    data: devices.map((d) => {
      const signing = d.signingKey ? ("privateKeyPem" in d.signingKey.secret ? d.signingKey.secret.privateKeyPem : d.signingKey.secret.hmacKey) : "";
      return [d.clientId, d.secret.password ?? "", d.secret.pskIdentity ?? "", d.secret.pskKey ?? "", d.secret.certPem ?? "", d.secret.keyPem ?? "", d.signingKey?.kid ?? "", signing];
    }),
  });
}
