import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../db";
import { oidcEnv } from "../../env";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { createUser } from "../users/create-user";
import { updateUser } from "../users/update-user";
import { signInWithOidc } from "./sign-in-with-oidc";
import { signInWithPassword } from "./sign-in-with-password";
import { setSsoSettings } from "./sso-settings";

// A provider configured as an operator would; its tokens are checked by next-auth before these services run.
process.env.FLEETWARD_OIDC_ISSUER = "https://id.example.test";
process.env.FLEETWARD_OIDC_CLIENT_ID = "fleetward";
process.env.FLEETWARD_OIDC_CLIENT_SECRET = "secret";
process.env.AUTH_URL ??= "https://fleetward.example.test";
const actor = testActor();
const run = unique();
const ops = `ops-${run}`;
const meta = { ip: "192.0.2.10", userAgent: "ua-sso" };
const claims = (sub: string, groups: string[]) => ({ iss: "https://id.example.test", sub, email: `${sub}@corp.example`, name: sub, groups });

afterAll(async () => {
  await setSsoSettings({ actor, input: { roleMappings: [], localSignIn: "everyone", breakGlassUserId: null } });
  for (const k of ["FLEETWARD_OIDC_ISSUER", "FLEETWARD_OIDC_CLIENT_ID", "FLEETWARD_OIDC_CLIENT_SECRET", "AUTH_URL"]) delete process.env[k];
  await disconnectDb();
});

describe("single sign-on", () => {
  it("creates a user just in time with the mapped role, follows their groups, refuses an unmapped one; audited with the claims", async () => {
    await setSsoSettings({ actor, input: { roleMappings: [{ group: ops, role: "OPERATOR" }, { group: `admins-${run}`, role: "ADMIN" }], localSignIn: "everyone", breakGlassUserId: null } });
    const sub = `alice-${unique()}`;
    const first = await signInWithOidc(oidcEnv()!, claims(sub, ["staff", ops]), meta);
    expect(first.ok).toBe(true);
    const user = await db.user.findUniqueOrThrow({ where: { email: `${sub}@corp.example` } });
    expect(user).toMatchObject({ role: "OPERATOR", oidcSubject: `https://id.example.test|${sub}` });
    const created = await db.auditEvent.findFirstOrThrow({ where: { action: "user.sso_create", targetId: user.id } });
    expect(created.details).toEqual({ role: "OPERATOR", claims: { iss: "https://id.example.test", sub, email: `${sub}@corp.example`, groups: ["staff", ops] } });
    // Promoted in the directory: the next sign-in carries it, audited.
    expect((await signInWithOidc(oidcEnv()!, claims(sub, [`admins-${run}`]), meta)).ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ADMIN");
    expect(await db.auditEvent.count({ where: { action: "user.sso_role_change", targetId: user.id } })).toBe(1);
    // Not by hand: the groups would put it back at the next sign-in.
    await expect(updateUser({ actor, id: user.id, input: { role: "AUDITOR" } })).rejects.toMatchObject({ fields: { role: "is set by the user's groups (single sign-on)" } });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ADMIN");
    // Out of every mapped group: refused, and no session opened.
    const sessions = await db.userSession.count({ where: { userId: user.id } });
    expect(await signInWithOidc(oidcEnv()!, claims(sub, ["staff"]), meta)).toEqual({ ok: false, reason: "no_role" });
    expect(await db.userSession.count({ where: { userId: user.id } })).toBe(sessions);
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_refused", actorLabel: "anonymous", details: { path: ["claims", "email"], equals: `${sub}@corp.example` } } })).toBe(1);
  });

  it("refuses an identity whose e-mail a local account holds, and a disabled one", async () => {
    await setSsoSettings({ actor, input: { roleMappings: [{ group: ops, role: "OPERATOR" }], localSignIn: "everyone", breakGlassUserId: null } });
    const local = `bob-${unique()}`;
    await createUser({ actor, input: { email: `${local}@corp.example`, role: "AUDITOR" } });
    expect(await signInWithOidc(oidcEnv()!, claims(local, [ops]), meta)).toEqual({ ok: false, reason: "email_taken" });
    const sub = `carol-${unique()}`;
    expect((await signInWithOidc(oidcEnv()!, claims(sub, [ops]), meta)).ok).toBe(true);
    await db.user.update({ where: { email: `${sub}@corp.example` }, data: { disabled: true } });
    expect(await signInWithOidc(oidcEnv()!, claims(sub, [ops]), meta)).toEqual({ ok: false, reason: "disabled" });
  });

  it("turns local passwords off for everyone but the break-glass admin", async () => {
    const admin = await createUser({ actor, input: { email: `glass-${unique()}@example.com`, role: "ADMIN" } });
    const other = await createUser({ actor, input: { email: `local-${unique()}@example.com`, role: "ADMIN" } });
    await expect(setSsoSettings({ actor, input: { roleMappings: [], localSignIn: "break-glass", breakGlassUserId: (await createUser({ actor, input: { email: `aud-${unique()}@example.com`, role: "AUDITOR" } })).user.id } })).rejects.toMatchObject({ fields: { breakGlassUserId: "is not an active admin" } });
    await setSsoSettings({ actor, input: { roleMappings: [], localSignIn: "break-glass", breakGlassUserId: admin.user.id } });
    expect(await signInWithPassword({ email: other.user.email, password: other.password, ip: testIp(), userAgent: null })).toEqual({ ok: false, reason: "local_off" });
    expect((await signInWithPassword({ email: admin.user.email, password: admin.password, ip: testIp(), userAgent: null })).ok).toBe(true);
    await setSsoSettings({ actor, input: { roleMappings: [], localSignIn: "everyone", breakGlassUserId: null } });
    expect((await signInWithPassword({ email: other.user.email, password: other.password, ip: testIp(), userAgent: null })).ok).toBe(true);
  });
});
