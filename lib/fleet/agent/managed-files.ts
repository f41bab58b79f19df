import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, chownSync, writeSync } from "node:fs";
import path from "node:path";
import { MANAGED_FILES, sha256, type TManagedFile } from "@/lib/domain/broker-files";

// Writes are atomic (temp + fsync + rename in the same folder, then fsync the folder), keep the previous copy
// as <name>.prev, and never leave a file missing: Mosquitto fails OPEN on a missing acl_file at SIGHUP.

function fsyncDir(dir: string) {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function ownerOf(dir: string) {
  const s = statSync(dir);
  return { uid: s.uid, gid: s.gid };
}

export function writeAtomic(dir: string, name: TManagedFile, content: string) {
  if (!(MANAGED_FILES as readonly string[]).includes(name) || path.basename(name) !== name) {
    throw new Error(`refusing to write ${JSON.stringify(name)}: not a managed file`);
  }
  const target = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
  const fd = openSync(tmp, "w", 0o640);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The broker drops to its own user: the file gets the folder's owner so it can read it.
  const { uid, gid } = ownerOf(dir);
  if (process.getuid?.() === 0) chownSync(tmp, uid, gid);
  if (existsSync(target)) copyFileSync(target, `${target}.prev`);
  renameSync(tmp, target);
  fsyncDir(dir);
}

export function readManaged(dir: string, name: TManagedFile): string | null {
  try {
    return readFileSync(path.join(dir, name), "utf8");
  } catch {
    return null;
  }
}

/** sha256 of each managed file as it is on disk now ("missing" when it is not there). */
export function currentDigests(dir: string): Record<TManagedFile, string> {
  return Object.fromEntries(MANAGED_FILES.map((f) => [f, ((c) => (c === null ? "missing" : sha256(c)))(readManaged(dir, f))])) as Record<
    TManagedFile,
    string
  >;
}
