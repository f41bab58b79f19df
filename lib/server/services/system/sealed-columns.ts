import "server-only";
import { totpContext } from "../../two-factor";
import { adminKeyContext } from "../brokers/broker-driver-for";
import { caKeyContext } from "../ca/device-issuer";
import { pskContext } from "../devices/device-secrets";
import { fleetSecretContext } from "../fleet/fleet-keys";
import { contentKeyContext } from "../signing/content-key-dto";
import { signingKeyContext } from "../signing/signing-key-dto";
import { webhookSecretContext } from "../webhooks/webhook-dto";

/** A column of sealed values: its table, the row key, and the context each value was sealed with. */
export type TSealedColumn = {
  table: string;
  column: string;
  idColumn: string;
  idType: "uuid" | "text";
  context: (id: string) => string;
};

/** Every sealed column in prisma/schema.prisma (a unit test keeps this list and the schema in step). */
export const SEALED_COLUMNS: readonly TSealedColumn[] = [
  { table: "FleetSecret", column: "sealed", idColumn: "name", idType: "text", context: fleetSecretContext },
  { table: "CertificateAuthority", column: "keySealed", idColumn: "id", idType: "uuid", context: caKeyContext },
  { table: "Broker", column: "adminKeySealed", idColumn: "id", idType: "uuid", context: adminKeyContext },
  { table: "Device", column: "pskKeySealed", idColumn: "id", idType: "uuid", context: pskContext },
  { table: "User", column: "totpSecretSealed", idColumn: "id", idType: "uuid", context: totpContext },
  { table: "User", column: "totpPendingSealed", idColumn: "id", idType: "uuid", context: totpContext },
  { table: "WebhookTarget", column: "secretSealed", idColumn: "id", idType: "uuid", context: webhookSecretContext },
  { table: "SigningKey", column: "secretSealed", idColumn: "id", idType: "text", context: signingKeyContext },
  { table: "ContentKey", column: "keySealed", idColumn: "id", idType: "text", context: contentKeyContext },
];

export const columnName = (c: TSealedColumn) => `${c.table}.${c.column}`;
