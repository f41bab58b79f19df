import { afterAll, describe, expect, it } from "vitest";
import { RESERVED_NAME_REASON } from "@/lib/domain/reserved-names";
import { db, disconnectDb } from "../../db";
import { testActor } from "../../testing/fixtures";
import { createDevice } from "./create-device";
import { createDevicesBulk } from "./create-devices-bulk";

afterAll(() => disconnectDb());

describe("Fleetward's own identities as device client ids", () => {
  it("are refused by the services themselves, whoever calls them, and nothing is written", async () => {
    const actor = testActor();
    for (const [clientId, type] of [["fleetward-admin", "x509"], ["fleetward-agent-demo-3", "password"], ["_fleetward-probe", "psk"]] as const) {
      await expect(createDevice({ actor, input: { clientId, tags: [], auth: { type } } })).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { clientId: RESERVED_NAME_REASON } });
    }
    const bulk = createDevicesBulk({ actor, input: { devices: [{ clientId: `ok-${Date.now()}`, auth: { type: "psk" } }, { clientId: "fleetward-agent-demo-1", auth: { type: "password" } }, { clientId: "_live-x", auth: { type: "psk" } }] } });
    await expect(bulk).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { "devices.1.clientId": RESERVED_NAME_REASON, "devices.2.clientId": RESERVED_NAME_REASON } });
    expect(await db.device.count({ where: { clientId: { in: ["fleetward-admin", "fleetward-agent-demo-3", "_fleetward-probe", "fleetward-agent-demo-1", "_live-x"] } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { actorLabel: actor.label } })).toBe(0);
  });
});
