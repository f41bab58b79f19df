// The e2e fleet as `fleet up` left it: names, ports and PKI files on disk.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import type { TLocalBroker } from "@/lib/fleet/local-fleet";
import type { TBroker } from "@/lib/schemas/broker";
import { bearer } from "./fixtures";
import { FLEET_DIR } from "./state";

export const localBroker = (name: string): TLocalBroker => {
  const { brokers } = JSON.parse(readFileSync(path.join(FLEET_DIR, "fleet.json"), "utf8")) as { brokers: TLocalBroker[] };
  return brokers.find((b) => b.name === name)!;
};

export async function brokerNamed(request: APIRequestContext, name: string): Promise<TBroker | undefined> {
  const res = await request.get("/api/v1/brokers", { headers: bearer("ADMIN") });
  expect(res.status()).toBe(200);
  return ((await res.json()).items as TBroker[]).find((b) => b.name === name);
}

/** The body that registers a local broker, with the fleet's admin identity. */
export function registrationOf(name: string) {
  const b = localBroker(name);
  const admin = (f: string) => readFileSync(path.join(FLEET_DIR, "admin", f), "utf8");
  return { name, host: "127.0.0.1", ports: b.ports, caPem: admin("ca.crt"), adminCertPem: admin("admin.crt"), adminKeyPem: admin("admin.key"), tags: ["e2e"] };
}

/** The spare broker: registered or not as a test needs, used by no other test. */
export const SPARE = "e2e-3";

export async function unregister(request: APIRequestContext, name: string) {
  const b = await brokerNamed(request, name);
  if (b) expect((await request.delete(`/api/v1/brokers/${b.id}`, { headers: bearer("ADMIN") })).status()).toBe(200);
}

export async function registerSpare(request: APIRequestContext): Promise<string> {
  const existing = await brokerNamed(request, SPARE);
  if (existing) return existing.id;
  const res = await request.post("/api/v1/brokers", { headers: bearer("ADMIN"), data: registrationOf(SPARE) });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as TBroker).id;
}
