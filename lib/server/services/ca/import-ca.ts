import "server-only";
import type { z } from "zod";
import type { ZCaImport } from "@/lib/schemas/ca";
import type { TActor } from "../../audit";
import { AppError } from "../../errors";
import { checkCaImport } from "../../pki/ca-check";
import { addCa } from "./add-ca";

export type TImportCaOptions = { actor: TActor; input: z.infer<typeof ZCaImport> };

/** Imports a root CA and its key (checked: a CA, self-signed, valid, its own key, an accepted key type). */
export async function importCa({ actor, input }: TImportCaOptions) {
  const checked = await checkCaImport(input.certPem, input.keyPem);
  if (!checked.ok) {
    const [field, reason] = Object.entries(checked.fields)[0]!;
    throw new AppError("UNPROCESSABLE", `The ${field === "keyPem" ? "private key" : "certificate"} ${reason}.`, checked.fields);
  }
  return addCa({ actor, keys: { certPem: checked.certPem, keyPem: checked.keyPem }, source: "IMPORTED", audit: {} });
}
