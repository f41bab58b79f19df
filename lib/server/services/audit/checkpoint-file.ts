import "server-only";
import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { checkpointLine, newestCheckpoint, type TNewestCheckpoint, type TSignedCheckpoint } from "@/lib/domain/audit-checkpoint";
import type { TAuditKeys } from "@/lib/domain/audit-hash";
import { AppError } from "../../errors";

// The audit chain's checkpoints, one JSON line each, appended to a file outside the database: whoever rewrites the
// database cannot reach it (keep it where the database's owner cannot write, e.g. on another volume). Webhook
// targets that take `audit.checkpoint` get a copy of each.

/** FLEETWARD_AUDIT_CHECKPOINT_FILE, or .data/audit-checkpoints.jsonl beside the embedded database. */
export const checkpointFilePath = () => path.resolve(process.env.FLEETWARD_AUDIT_CHECKPOINT_FILE || ".data/audit-checkpoints.jsonl");

/** Only the end of the file is read: the newest checkpoint is there, however long the file has grown. */
const TAIL_BYTES = 1 << 20;

/** The newest checkpoint that verifies; a file that cannot be read is a 503 that says why, never a silent "none". */
export async function readNewestCheckpoint(keys: TAuditKeys): Promise<TNewestCheckpoint> {
  try {
    return await readTail(keys);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return newestCheckpoint([], keys);
    throw new AppError("UNAVAILABLE", `The audit checkpoint file ${checkpointFilePath()} cannot be read (${code ?? String(e)}): the chain's head cannot be compared with it.`);
  }
}

async function readTail(keys: TAuditKeys): Promise<TNewestCheckpoint> {
  const file = await open(checkpointFilePath(), "r");
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await file.read(buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    if (start > 0) lines.shift(); // the first line read may be cut
    return newestCheckpoint(lines, keys);
  } finally {
    await file.close();
  }
}

/** Appends one checkpoint and waits until it is on disk. */
export async function appendCheckpoint(cp: TSignedCheckpoint): Promise<void> {
  const file = checkpointFilePath();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, "a", 0o600);
  try {
    await handle.write(checkpointLine(cp));
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
