import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { MANAGED_FILES, type TManagedFile } from "@/lib/domain/broker-files";

/** What the agent must remember across restarts: the last command number it ran (replay guard) and what it applied. */
export type TAgentState = { lastSeq: string; revision: string; applied: Partial<Record<TManagedFile, string>> };

// The command counters live in a small file written before every command; each applied file in a file of its own,
// written only when it changes (a fleet's passwd is megabytes: rewriting it for every ping would cost every command).
const COUNTERS = "state.json";
const appliedFile = (name: TManagedFile) => `applied-${name}`;

function writeAtomically(file: string, content: string) {
  writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function loadState(stateDir: string): TAgentState {
  const file = path.join(stateDir, COUNTERS);
  if (!existsSync(file)) return { lastSeq: "0", revision: "0", applied: {} };
  // An older state file held the applied files inline: still read, then superseded by the files of their own.
  const { lastSeq, revision, applied = {} } = JSON.parse(readFileSync(file, "utf8")) as Partial<TAgentState>;
  for (const name of MANAGED_FILES) {
    const f = path.join(stateDir, appliedFile(name));
    if (existsSync(f)) applied[name] = readFileSync(f, "utf8");
  }
  return { lastSeq: lastSeq ?? "0", revision: revision ?? "0", applied };
}

/** Saves the counters, and the applied files named in `written`. */
export function saveState(stateDir: string, state: TAgentState, written: readonly TManagedFile[] = []) {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  for (const name of written) {
    const content = state.applied[name];
    if (content !== undefined) writeAtomically(path.join(stateDir, appliedFile(name)), content);
  }
  writeAtomically(path.join(stateDir, COUNTERS), JSON.stringify({ lastSeq: state.lastSeq, revision: state.revision }));
}
