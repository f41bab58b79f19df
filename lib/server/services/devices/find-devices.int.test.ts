import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { db, disconnectDb } from "../../db";
import { unique } from "../../testing/fixtures";
import { findDevices } from "./find-devices";

afterAll(() => disconnectDb());

describe("device search", () => {
  it("matches client id or name anywhere (case-insensitive) or a tag exactly, pages in client id order, takes % and _ literally", async () => {
    const run = `s${unique()}`;
    const ids = Array.from({ length: 7 }, (_, i) => `${run}-dev-${i}`);
    await db.device.createMany({
      data: ids.map((clientId, i) => ({ clientId, name: i === 3 ? `Pump 100%_${run}` : `Valve ${i}`, tags: i % 2 ? [`${run}-odd`] : [], authType: "PASSWORD" as const, passwordHash: "$7$101$c2FsdA==$aGFzaA==" })),
    });
    onTestFinished(() => db.device.deleteMany({ where: { clientId: { in: ids } } }).then(() => undefined));
    const all = await findDevices({ q: run.toUpperCase(), limit: 50 });
    expect(all.items.map((d) => d.clientId)).toEqual(ids);
    // Two per page, in order, through the cursor.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await findDevices({ q: run, limit: 2, cursor });
      seen.push(...page.items.map((d) => d.clientId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await findDevices({ q: `${run}-odd`, limit: 50 })).items.map((d) => d.clientId)).toEqual([ids[1], ids[3], ids[5]]);
    expect((await findDevices({ q: `100%_${run}`, limit: 50 })).items.map((d) => d.clientId)).toEqual([ids[3]]);
    expect((await findDevices({ q: `1000_${run}`, limit: 50 })).items).toEqual([]); // _ is not a wildcard
    expect((await findDevices({ q: `${run}-dev-%`, limit: 50 })).items).toEqual([]); // nor is %
  });
});
