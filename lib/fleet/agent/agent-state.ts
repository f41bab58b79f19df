import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import type { TManagedFile } from "@/lib/domain/broker-files";

/** What the agent must remember across restarts: the last command number it ran (replay guard) and what it applied. */
export type TAgentState = { lastSeq: string; revision: string; applied: Partial<Record<TManagedFile, string>> };

export function loadState(stateDir: string): TAgentState {
  const file = path.join(stateDir, "state.json");
  if (!existsSync(file)) return { lastSeq: "0", revision: "0", applied: {} };
  return JSON.parse(readFileSync(file, "utf8")) as TAgentState;
}

export function saveState(stateDir: string, state: TAgentState) {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, "state.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
