// Bulk import validation: how long validateBulkDevices takes to check 10,000 rows (schema, duplicates, client
// ids already in Postgres, CSRs) before anything is created.
import type { TDeviceCreate } from "@/lib/schemas/device";
import { validateBulkDevices } from "@/lib/server/services/devices/validate-bulk-devices";
import { unique } from "@/lib/server/testing/fixtures";
import { makeCsr } from "./cert-issuance";
import { round, type TFigure } from "./figures";

/** `n` valid rows with fresh client ids; every `csrEvery`-th row is X.509 with its own CSR, the rest mixed. */
async function rows(n: number, csrEvery: number): Promise<TDeviceCreate[]> {
  const run = unique().slice(0, 6);
  const out: TDeviceCreate[] = [];
  for (let i = 0; i < n; i++) {
    const clientId = `import-${run}-${String(i).padStart(5, "0")}`;
    const kind = i % csrEvery === 0 ? "csr" : (["password", "psk", "x509"] as const)[i % 3]!;
    const auth: TDeviceCreate["auth"] = kind === "csr" ? { type: "x509", csrPem: await makeCsr(clientId) } : { type: kind };
    out.push({ clientId, tags: ["imported"], auth });
  }
  return out;
}

async function timeOne(n: number, csrEvery: number, label: string): Promise<TFigure> {
  const input = await rows(n, csrEvery);
  const t0 = performance.now();
  const result = await validateBulkDevices({ devices: input });
  const ms = performance.now() - t0;
  const outcome = result.ok
    ? `accepted ${result.devices.length} rows`
    : `REJECTED with ${result.errors.length} errors, first: ${JSON.stringify(result.errors.slice(0, 3))}`;
  if (!result.ok || result.devices.length !== n) console.warn(`[bench] devices: bulk validation of ${n} valid rows (${label}) ${outcome}`);
  return {
    name: `bulk import validation: ${n.toLocaleString("en")} rows, ${label}`,
    value: round(ms, 0),
    unit: "ms",
    goal: null,
    baseline: null,
    note: `validateBulkDevices({ devices }) on ZDeviceCreate rows, all valid and new; ${outcome}`,
  };
}

export async function bulkValidationFigures(n = 10_000): Promise<TFigure[]> {
  return [
    await timeOne(n, 10, `1 in 10 X.509 with a CSR, the rest password / PSK / generated key`),
    await timeOne(n, 1, "every row X.509 with its own CSR"),
  ];
}
