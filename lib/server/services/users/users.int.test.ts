import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../passwords";
import { db, disconnectDb } from "../../db";
import { AppError } from "../../errors";
import { testActor, unique } from "../../testing/fixtures";
import { createUser } from "./create-user";
import { resetUserPassword } from "./reset-user-password";
import { updateUser } from "./update-user";

afterAll(() => disconnectDb());

describe("user management", () => {
  it("stores only an argon2id hash of the generated password", async () => {
    const { user, password } = await createUser({ actor: testActor(), input: { email: `u-${unique()}@example.com`, role: "AUDITOR" } });
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
    expect(await verifyPassword(row.passwordHash, password)).toBe(true);
  });

  it("refuses a duplicate e-mail with 409 and writes nothing", async () => {
    const actor = testActor();
    const email = `dup-${unique()}@example.com`;
    await createUser({ actor, input: { email, role: "OPERATOR" } });
    const err = await createUser({ actor, input: { email, role: "ADMIN" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
    expect((err as AppError).fields).toEqual({ email: "is already in use" });
    expect(await db.user.count({ where: { email } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorLabel: actor.label } })).toBe(1);
  });

  it("disabling a user ends their sessions; a reset password ends them too", async () => {
    const actor = testActor();
    const { user } = await createUser({ actor, input: { email: `s-${unique()}@example.com`, role: "OPERATOR" } });
    const expiresAt = new Date(Date.now() + 3600_000);
    await db.userSession.createMany({ data: [{ userId: user.id, expiresAt }, { userId: user.id, expiresAt }] });
    await updateUser({ actor, id: user.id, input: { disabled: true } });
    expect(await db.userSession.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
    await db.userSession.create({ data: { userId: user.id, expiresAt } });
    const { password } = await resetUserPassword({ actor, id: user.id });
    expect(await db.userSession.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(row.passwordHash, password)).toBe(true);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { actorLabel: actor.label, action: "user.update" } });
    expect(audit.details).toEqual({ before: { disabled: false }, after: { disabled: true } });
  });

  it("never demotes or disables the last active admin", async () => {
    const actor = testActor();
    // Make this test's admin the only active one by disabling the others inside a rolled-back transaction.
    const { user } = await createUser({ actor, input: { email: `a-${unique()}@example.com`, role: "ADMIN" } });
    const others = await db.user.findMany({ where: { role: "ADMIN", disabled: false, NOT: { id: user.id } }, select: { id: true } });
    await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabled: true } });
    try {
      await expect(updateUser({ actor, id: user.id, input: { role: "OPERATOR" } })).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(updateUser({ actor, id: user.id, input: { disabled: true } })).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ADMIN");
    } finally {
      await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabled: false } });
      await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    }
  });
});
