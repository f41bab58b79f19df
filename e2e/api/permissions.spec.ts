import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { can, ROLES } from "@/lib/domain/permissions";
import { API, type TApiName, type TApiSpec } from "@/lib/schemas/api";
import { bearer } from "../fixtures";
import { call, SAMPLES } from "./catalogue";

// next-auth's own endpoints are the login itself; nothing else may live outside the gate.
const OUTSIDE_THE_GATE = new Set(["app/api/auth/[...nextauth]/route.ts"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

const names = Object.keys(API) as TApiName[];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === "generated" ? [] : sourceFiles(p)) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

test("there are no server actions: every mutation goes through a gated route", () => {
  const actions = ["app", "components", "lib"].flatMap(sourceFiles).filter((f) => /^\s*["']use server["']/m.test(readFileSync(f, "utf8")));
  expect(actions).toEqual([]);
});

test("every route file exports only gated handlers that match the catalogue", () => {
  const served = new Set<string>();
  for (const file of routeFiles("app")) {
    if (OUTSIDE_THE_GATE.has(file)) continue;
    const source = readFileSync(file, "utf8");
    const urlPath = "/" + path.dirname(file).replace(/^app\//, "").replace(/\[(\w+)\]/g, "{$1}");
    const exported = [...source.matchAll(/^export\s+(?:const|async function|function|\{)\s*([^=({\s]*)/gm)].map((m) => m[1]);
    const gated = [...source.matchAll(/^export const (GET|POST|PATCH|PUT|DELETE) = route\(API\.(\w+),/gm)];
    expect(gated.length, `${file}: exports must be \`export const METHOD = route(API.x, …)\``).toBe(exported.length);
    for (const [, method, name] of gated) {
      const spec = API[name as TApiName];
      expect(spec, `${file}: API.${name} is not in the catalogue`).toBeDefined();
      expect([spec.method, spec.path], `${file} ${method}`).toEqual([method, urlPath]);
      served.add(name!);
    }
  }
  expect([...served].sort()).toEqual([...names].sort());
});

for (const name of names) {
  const spec: TApiSpec = API[name];
  test(`${spec.method} ${spec.path}: 401 without credentials, 403 without ${spec.permission}, success with it`, async ({ request }) => {
    expect(SAMPLES[name], `no sample for API.${name}`).toBeDefined();
    const anonymous = await call(request, name, await SAMPLES[name](request));
    expect(anonymous.status()).toBe(spec.permission === "public" ? (spec.status ?? 200) : 401);
    const bogus = await call(request, name, await SAMPLES[name](request), { authorization: "Bearer fwt_not-a-real-token" });
    expect(bogus.status()).toBe(spec.permission === "public" ? (spec.status ?? 200) : 401);
    for (const role of ROLES) {
      const res = await call(request, name, await SAMPLES[name](request), bearer(role));
      if (spec.sessionOnly) {
        expect(res.status(), `${role}: an API token is refused`).toBe(403); // proven with a session in e2e/auth
      } else if (can(role, spec.permission)) {
        expect(res.status(), `${role} ${await res.text()}`).toBe(spec.status ?? 200);
      } else {
        expect(res.status(), role).toBe(403);
        expect((await res.json()).error.code).toBe("FORBIDDEN");
      }
    }
  });
}
