import "server-only";
import type { TCaCreate } from "@/lib/schemas/ca";
import type { TActor } from "../../audit";
import { createCa as newCaKeys } from "../../pki/x509";
import { addCa } from "./add-ca";

export type TCreateCaOptions = { actor: TActor; input: TCaCreate };

/** Creates a device CA (ECDSA P-256 or RSA 3072, the validity the operator chose), its key sealed at rest. */
export async function createCa({ actor, input }: TCreateCaOptions) {
  const keys = await newCaKeys(input.commonName, input.validityDays, input.algorithm);
  return addCa({ actor, keys, source: "CREATED", audit: { algorithm: input.algorithm, validityDays: input.validityDays } });
}
