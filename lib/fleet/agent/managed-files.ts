import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, chownSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { CA_DIR, caDirFiles, MANAGED_FILES, sha256, type TManagedFile } from "@/lib/domain/broker-files";

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
  writeFileAtomic(dir, name, content, true);
}

function writeFileAtomic(dir: string, name: string, content: string, keepPrevious: boolean) {
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
  if (keepPrevious && existsSync(target)) copyFileSync(target, `${target}.prev`);
  renameSync(tmp, target);
  fsyncDir(dir);
}

/**
 * Lays cas.pem out as the capath folder the mtls listener reads on every handshake: one `<subject hash>.<n>` file
 * per CA, nothing else (a CA no longer in the bundle is removed). Returns whether anything changed.
 */
export function syncCaDir(dir: string, bundle: string): boolean {
  const caDir = path.join(dir, CA_DIR);
  if (!existsSync(caDir)) {
    mkdirSync(caDir, { mode: 0o755 });
    const { uid, gid } = ownerOf(dir);
    if (process.getuid?.() === 0) chownSync(caDir, uid, gid);
  }
  const want = caDirFiles(bundle);
  let changed = false;
  for (const name of readdirSync(caDir)) {
    if (want[name] === undefined) {
      unlinkSync(path.join(caDir, name));
      changed = true;
    }
  }
  for (const [name, pem] of Object.entries(want)) {
    const file = path.join(caDir, name);
    if (existsSync(file) && readFileSync(file, "utf8") === pem) continue;
    writeFileAtomic(caDir, name, pem, false);
    changed = true;
  }
  return changed;
}

export function readManaged(dir: string, name: TManagedFile): string | null {
  try {
    return readFileSync(path.join(dir, name), "utf8");
  } catch {
    return null;
  }
}

/**
 * sha256 of each managed file as it is on disk now ("missing" when it is not there). Right after writing, `written`
 * gives the content just written, so the file need not be read back; its size is still compared with the disk's.
 */
export function currentDigests(dir: string, written: Partial<Record<TManagedFile, string>> = {}): Record<TManagedFile, string> {
  const digest = (f: TManagedFile) => {
    const known = written[f];
    if (known !== undefined && sizeOnDisk(dir, f) === Buffer.byteLength(known)) return sha256(known);
    const c = readManaged(dir, f);
    return c === null ? "missing" : sha256(c);
  };
  return Object.fromEntries(MANAGED_FILES.map((f) => [f, digest(f)])) as Record<TManagedFile, string>;
}

function sizeOnDisk(dir: string, name: TManagedFile): number | null {
  try {
    return statSync(path.join(dir, name)).size;
  } catch {
    return null;
  }
}
