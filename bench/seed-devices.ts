// 100,000 devices for the list and page figures, seeded once per database: every benchmark that needs them calls
// this, and the ones already there (from an earlier benchmark of the same run) are kept.
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { change } from "@/lib/server/change";
import { db } from "@/lib/server/db";
import { desiredStateChanged } from "@/lib/server/queue";

export const SEEDED_DEVICES = 100_000;

let seeding: Promise<void> | null = null;

export const seedDevices = (): Promise<void> => (seeding ??= growDevices("list-", 6, SEEDED_DEVICES));

/**
 * Devices `<prefix><i>` (i zero-padded to `digits`) up to `count`, adding only those missing, written as the device
 * service would leave them: a hash brokers accept, a name ("Boiler <i>"), two tags (plant-<i % 50>, floor-<i % 7>),
 * the roles a new device gets, and a new desired state so brokers hold them too. One hash for all: the brokers'
 * password file has the size it would have, and seeding takes no minutes.
 */
export async function growDevices(prefix: string, digits: number, count: number): Promise<void> {
  const have = await db.device.count({ where: { clientId: { startsWith: prefix } } });
  if (have < count) {
    const hash = await mosquittoPasswordHash("bench-device-password");
    await change(
      async (tx) => {
        await tx.$executeRaw`
          INSERT INTO "Device" ("id", "clientId", "name", "tags", "authType", "passwordHash", "updatedAt")
          SELECT gen_random_uuid(), ${prefix} || lpad(i::text, ${digits}::int, '0'), 'Boiler ' || i, ARRAY['plant-' || (i % 50), 'floor-' || (i % 7)],
                 'PASSWORD', ${hash}, now()
          FROM generate_series(${have + 1}::int, ${count}::int) AS i`;
        // Without the roles every device would need an acl_file block of its own, which Mosquitto loads in quadratic
        // time (lib/domain/acl/acl-layout.ts).
        await tx.$executeRaw`
          INSERT INTO "DeviceRole" ("deviceId", "roleId", "priority")
          SELECT d."id", r."id", -1 FROM "Device" d CROSS JOIN "AclRole" r WHERE r."forNewDevices" AND d."clientId" LIKE ${`${prefix}%`}
          ON CONFLICT DO NOTHING`;
        await desiredStateChanged(tx, "benchmark devices seeded");
      },
      { timeoutMs: 300_000 },
    );
  }
  await db.$executeRawUnsafe(`ANALYZE "Device"`);
}
