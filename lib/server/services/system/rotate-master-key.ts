import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import type { TTx } from "../../db";
import { AppError } from "../../errors";
import { masterKeyRing, seal, unsealWith, type TMasterKey } from "../../secrets";
import { columnName, SEALED_COLUMNS, type TSealedColumn } from "./sealed-columns";

export type TRotateMasterKeyOptions = { actor: TActor; newKey: TMasterKey };
export type TMasterKeyRotation = { keyId: string; counts: Record<string, number>; total: number };

// Rows are written in slices so one statement never carries an unbounded array.
const SLICE = 5_000;
// Re-sealing 100,000 device keys takes seconds; the whole rotation is one transaction however long it runs.
const TIMEOUT_MS = 10 * 60_000;

type TResealed = { column: TSealedColumn; ids: string[]; values: string[] };

/**
 * Re-seals every sealed value under `newKey` in one transaction: all of them or none. The new key must already be
 * this process's FLEETWARD_MASTER_KEY (the rolling restart comes first), so no replica is left unable to read what
 * is written. Every value is opened and re-sealed before anything is written; one that does not open stops it,
 * named by table, column and row.
 */
export async function rotateMasterKey({ actor, newKey }: TRotateMasterKeyOptions): Promise<TMasterKeyRotation> {
  const ring = masterKeyRing();
  if (ring.current.id !== newKey.id) {
    throw new AppError(
      "CONFLICT",
      `The new key (${newKey.id}) is not this process's FLEETWARD_MASTER_KEY (${ring.current.id}): restart every replica with FLEETWARD_MASTER_KEY set to the new key and FLEETWARD_MASTER_KEY_PREVIOUS to the old one, then run this where they run.`,
    );
  }
  const readWith = ring.previous ? [ring.current, ring.previous] : [ring.current];
  return change(
    async (tx) => {
      // Writers of these tables wait until the rotation commits, so no value sealed under the old key slips in behind it.
      for (const table of new Set(SEALED_COLUMNS.map((c) => c.table))) await tx.$executeRawUnsafe(`LOCK TABLE "${table}" IN SHARE ROW EXCLUSIVE MODE`);
      const resealed: TResealed[] = [];
      for (const column of SEALED_COLUMNS) resealed.push(await resealColumn(tx, column, readWith, newKey));
      for (const r of resealed) await writeColumn(tx, r);
      const counts = Object.fromEntries(resealed.map((r) => [columnName(r.column), r.ids.length]));
      const total = resealed.reduce((n, r) => n + r.ids.length, 0);
      await appendAudit(tx, actor, { action: "system.master_key_rotate", targetType: "system", details: { keyId: newKey.id, counts, total } });
      return { keyId: newKey.id, counts, total };
    },
    { timeoutMs: TIMEOUT_MS },
  );
}

async function resealColumn(tx: TTx, column: TSealedColumn, readWith: TMasterKey[], newKey: TMasterKey): Promise<TResealed> {
  const { table, column: col, idColumn } = column;
  const rows = await tx.$queryRawUnsafe<{ id: string; sealed: string }[]>(
    `SELECT "${idColumn}"::text AS id, "${col}" AS sealed FROM "${table}" WHERE "${col}" IS NOT NULL ORDER BY 1`,
  );
  const out: TResealed = { column, ids: [], values: [] };
  for (const row of rows) {
    const context = column.context(row.id);
    let plaintext: string;
    try {
      plaintext = unsealWith(row.sealed, context, readWith);
    } catch (e) {
      throw new AppError("CONFLICT", `Cannot unseal ${table} ${row.id} (${col}): ${(e as Error).message}. Nothing was changed.`);
    }
    const again = seal(plaintext, context, newKey);
    // Proof before anything is written: the new value opens under the new key alone, to the same secret.
    if (unsealWith(again, context, [newKey]) !== plaintext) throw new Error(`Re-sealing ${table} ${row.id} (${col}) did not round-trip. Nothing was changed.`);
    out.ids.push(row.id);
    out.values.push(again);
  }
  return out;
}

async function writeColumn(tx: TTx, { column, ids, values }: TResealed): Promise<void> {
  const { table, column: col, idColumn, idType } = column;
  for (let i = 0; i < ids.length; i += SLICE) {
    const n = await tx.$executeRawUnsafe(
      `UPDATE "${table}" AS t SET "${col}" = v.sealed FROM unnest($1::text[], $2::text[]) AS v(id, sealed) WHERE t."${idColumn}" = v.id::${idType}`,
      ids.slice(i, i + SLICE),
      values.slice(i, i + SLICE),
    );
    if (n !== Math.min(SLICE, ids.length - i)) throw new Error(`Re-sealing ${table}.${col} updated ${n} rows where ${Math.min(SLICE, ids.length - i)} were read. Nothing was changed.`);
  }
}
