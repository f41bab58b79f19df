import "server-only";
import type { TDefaultAccess } from "@/lib/domain/acl/dynsec";
import { db } from "../../db";

/** The fleet's default access: what a device may do where none of its rules decides. */
export async function getAclDefaults(): Promise<TDefaultAccess> {
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { aclDefaults: true } });
  return state.aclDefaults as TDefaultAccess;
}
