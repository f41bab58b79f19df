import "server-only";
import { lintFleet } from "@/lib/domain/acl/fleet-lint";
import type { TFinding } from "@/lib/domain/acl/lint";
import { db } from "../../db";
import { loadDeviceAccess, loadFleetAcl } from "./fleet-acl";

/** The linter's findings about the fleet as stored: roles, groups, default access and every device's access. */
export async function findAclFindings(): Promise<{ findings: TFinding[] }> {
  const { fleet, access, devices } = await db.$transaction(
    async (tx) => ({ fleet: await loadFleetAcl(tx), access: await loadDeviceAccess(tx), devices: await tx.device.findMany({ where: { disabled: false }, select: { id: true, clientId: true }, orderBy: { clientId: "asc" } }) }),
    { isolationLevel: "RepeatableRead" },
  );
  return { findings: lintFleet({ fleet, access }, devices) };
}
