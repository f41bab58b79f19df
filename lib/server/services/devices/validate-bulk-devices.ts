import "server-only";
import { ZDeviceBulk, ZDeviceCreate, type TBulkRowError, type TDeviceCreate } from "@/lib/schemas/device";
import { db } from "../../db";
import { fieldErrors } from "../../parse-input";
import { verifyCsr } from "../../pki/x509";

/** On success each device comes with its CSR's verified public key, if it brought a CSR. */
export type TBulkValidation = { ok: true; devices: TDeviceCreate[]; csrKeys: (CryptoKey | undefined)[] } | { ok: false; errors: TBulkRowError[] };

const CHUNK = 5_000;


/**
 * Checks every row of a bulk import before anything is written: the schema, client ids repeated within the
 * import or already in use, and each CSR (signature, CN, key). Reports every bad row, not just the first.
 */
export async function validateBulkDevices(input: unknown): Promise<TBulkValidation> {
  const list = ZDeviceBulk.safeParse(input);
  if (!list.success) return { ok: false, errors: Object.entries(fieldErrors(list.error)).map(([field, reason]) => ({ row: -1, field, reason })) };
  const errors: TBulkRowError[] = [];
  const rows: { row: number; d: TDeviceCreate }[] = [];
  list.data.devices.forEach((value, row) => {
    const r = ZDeviceCreate.safeParse(value);
    if (r.success) rows.push({ row, d: r.data });
    else for (const [field, reason] of Object.entries(fieldErrors(r.error))) errors.push({ row, field: field === "body" ? "row" : field, reason });
  });
  const firstRow = new Map<string, number>();
  for (const { row, d } of rows) {
    const first = firstRow.get(d.clientId);
    if (first === undefined) firstRow.set(d.clientId, row);
    else errors.push({ row, field: "clientId", reason: `repeats the client id of devices.${first}` });
  }
  const ids = [...firstRow.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const taken = await db.device.findMany({ where: { clientId: { in: ids.slice(i, i + CHUNK) } }, select: { clientId: true } });
    for (const t of taken) errors.push({ row: firstRow.get(t.clientId)!, field: "clientId", reason: "is already in use" });
  }
  const csrKeys = await Promise.all(
    rows.map(async ({ row, d }) => {
      if (d.auth.type !== "x509" || d.auth.csrPem === undefined) return undefined;
      const checked = await verifyCsr(d.auth.csrPem, d.clientId);
      if ("error" in checked) errors.push({ row, field: "auth.csrPem", reason: checked.error });
      return "error" in checked ? undefined : checked.publicKey;
    }),
  );
  return errors.length ? { ok: false, errors: errors.sort((a, b) => a.row - b.row) } : { ok: true, devices: rows.map((r) => r.d), csrKeys };
}

/** The API's error for a rejected import: every bad row as `devices.<row>.<field>`. */
export function bulkErrorFields(errors: readonly TBulkRowError[]): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const e of errors) {
    const key = e.row < 0 ? e.field : `devices.${e.row}.${e.field}`;
    if (!Object.hasOwn(fields, key)) fields[key] = e.reason;
  }
  return fields;
}
