import { describe, expect, it } from "vitest";
import { PROBE_PSK_IDENTITY } from "./broker-files";
import { LIVE_USERNAME_PREFIX } from "./live-access";
import { ADMIN_IDENTITY, agentIdentity } from "./mosquitto-conf";
import { FLEETWARD_IDENTITIES, fleetwardIdentity, isReservedName, RESERVED_NAME_REASON, reservedNameProblem } from "./reserved-names";

describe("reserved names", () => {
  it("reserves every identity the broker side renders, each with its label", () => {
    const own = [
      [ADMIN_IDENTITY, "Fleetward admin channel"],
      [agentIdentity("demo-3"), "Fleetward agent"],
      [PROBE_PSK_IDENTITY, "Fleetward TLS probe"],
      [`${LIVE_USERNAME_PREFIX}0123456789abcdef`, "Fleetward live view"],
    ] as const;
    for (const [name, label] of own) {
      expect(isReservedName(name), name).toBe(true);
      expect(reservedNameProblem(name), name).toBe(RESERVED_NAME_REASON);
      expect(fleetwardIdentity(name), name).toBe(label);
    }
    // Each listed identity is one of those, so the list and the broker side cannot drift apart unseen.
    expect(FLEETWARD_IDENTITIES.map((i) => i.name)).toEqual([ADMIN_IDENTITY, agentIdentity(""), PROBE_PSK_IDENTITY, LIVE_USERNAME_PREFIX]);
  });

  it("reserves whole prefixes, fleetward whatever its case, so future identities are covered", () => {
    for (const name of ["fleetward", "fleetward-admin", "FleetWard-Admin", "FLEETWARD-AGENT-x", "fleetward-k3j4h5", "fleetwardish", "_live-x", "_fleetward-probe", "_anything", "$SYS", "$CONTROL"]) {
      expect(isReservedName(name), name).toBe(true);
    }
    for (const name of ["sensor-1", "my-fleetward", "fleet-ward", "fleetwar", "a_live-x", "x$", "f"]) expect(isReservedName(name), name).toBe(false);
  });

  it("labels only Fleetward's known identities: another reserved name stands out as unknown", () => {
    expect(fleetwardIdentity(null)).toBeNull();
    expect(fleetwardIdentity("sensor-1")).toBeNull();
    expect(fleetwardIdentity("fleetwardish")).toBeNull();
    expect(fleetwardIdentity("FLEETWARD-ADMIN")).toBeNull();
    expect(fleetwardIdentity("$x")).toBeNull();
  });
});
