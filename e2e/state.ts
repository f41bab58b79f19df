import { readFileSync } from "node:fs";
import type { TRole } from "@/lib/domain/permissions";

export const STATE_FILE = "test-results/e2e-state.json";
export const FLEET_DIR = "test-results/fleet";

export type TE2EState = {
  users: Record<TRole, { email: string; password: string }>;
  tokens: Record<TRole, string>;
};

let cached: TE2EState | undefined;
export const e2eState = (): TE2EState => (cached ??= JSON.parse(readFileSync(STATE_FILE, "utf8")) as TE2EState);
