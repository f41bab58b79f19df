import "server-only";
import { lintFleet } from "@/lib/domain/acl/fleet-lint";
import type { TFinding } from "@/lib/domain/acl/lint";
import { db } from "../../db";
import { loadDeviceAccess, loadFleetAcl } from "./fleet-acl";

// Linting reads every device (about 0.3 s and 50 MB at 100,000), and every change to what it reads bumps the fleet's
// access revision (live credentials, minted by every Overview load, do not): the findings are kept per access
// revision, and each page load after the first at that revision costs one row read.
const globalForFindings = globalThis as unknown as { fleetwardAclFindings?: { revision: bigint; findings: Promise<TFinding[]> } };

/** The linter's findings about the fleet as stored: roles, groups, default access and every device's access. */
export async function findAclFindings(): Promise<{ findings: TFinding[] }> {
  const { accessRevision: revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { accessRevision: true } });
  const cached = globalForFindings.fleetwardAclFindings;
  if (cached?.revision === revision) return { findings: await cached.findings };
  const run = lint();
  const findings = run.then((r) => r.findings);
  // Labelled with the access revision the lint read (never older than the one read above).
  void run.then(
    (r) => {
      if ((globalForFindings.fleetwardAclFindings?.revision ?? -1n) < r.revision) globalForFindings.fleetwardAclFindings = { revision: r.revision, findings };
    },
    () => undefined,
  );
  return { findings: await findings };
}

async function lint(): Promise<{ revision: bigint; findings: TFinding[] }> {
  const { revision, fleet, access, devices } = await db.$transaction(
    async (tx) => ({
      revision: (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { accessRevision: true } })).accessRevision,
      fleet: await loadFleetAcl(tx),
      access: await loadDeviceAccess(tx),
      devices: await tx.device.findMany({ where: { disabled: false }, select: { id: true, clientId: true }, orderBy: { clientId: "asc" } }),
    }),
    { isolationLevel: "RepeatableRead" },
  );
  return { revision, findings: lintFleet({ fleet, access }, devices) };
}
