// 100,000 devices for the list and page figures, seeded once per database: every benchmark that needs them calls
// this, and the ones already there (from an earlier benchmark of the same run) are kept.
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { change } from "@/lib/server/change";
import { db } from "@/lib/server/db";
import { desiredStateChanged } from "@/lib/server/queue";

export const SEEDED_DEVICES = 100_000;

let seeding: Promise<void> | null = null;

export const seedDevices = (): Promise<void> => (seeding ??= seed());

async function seed() {
  const have = await db.device.count({ where: { clientId: { startsWith: "list-" } } });
  if (have < SEEDED_DEVICES) {
    // Written as the device service would leave them (a hash brokers accept, a name, two tags), in one statement.
    // One hash for all: the brokers' password file has the size it would have, the seeding takes no minutes.
    const hash = await mosquittoPasswordHash("bench-device-password");
    // A new desired state, as the service would make: brokers then hold the devices, not only the database.
    await change(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO "Device" ("id", "clientId", "name", "tags", "authType", "passwordHash", "updatedAt")
        SELECT gen_random_uuid(), 'list-' || lpad(i::text, 6, '0'), 'Boiler ' || i, ARRAY['plant-' || (i % 50), 'floor-' || (i % 7)],
               'PASSWORD', ${hash}, now()
        FROM generate_series(${have + 1}::int, ${SEEDED_DEVICES}::int) AS i`;
      // And the roles the service gives a new device that names none.
      await tx.$executeRaw`
        INSERT INTO "DeviceRole" ("deviceId", "roleId", "priority")
        SELECT d."id", r."id", -1 FROM "Device" d CROSS JOIN "AclRole" r WHERE r."forNewDevices" AND d."clientId" LIKE 'list-%'
        ON CONFLICT DO NOTHING`;
      await desiredStateChanged(tx, "benchmark devices seeded");
    }, { timeoutMs: 120_000 });
  }
  await db.$executeRawUnsafe(`ANALYZE "Device"`);
}
