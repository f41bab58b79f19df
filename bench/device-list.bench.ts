// The device list at 100,000 devices: the list operation behind GET /api/v1/devices (first page, search by client
// id, name or tag, a deep page by cursor), p95 over 200 calls each. Baseline in the same run: the bare page query
// in SQL (the floor any list can reach).
import { db } from "@/lib/server/db";
import { findDevices } from "@/lib/server/services/devices/find-devices";
import { p95Of, type TFigure } from "./figures";

const DEVICES = 100_000;
const CALLS = 200;
const LIMIT = 50;

async function seed() {
  const have = await db.device.count({ where: { clientId: { startsWith: "list-" } } });
  if (have >= DEVICES) return;
  // Written as the device service would leave them (a password hash each, a name, two tags), in one statement.
  await db.$executeRawUnsafe(`
    INSERT INTO "Device" ("id", "clientId", "name", "tags", "authType", "passwordHash", "updatedAt")
    SELECT gen_random_uuid(), 'list-' || lpad(i::text, 6, '0'), 'Boiler ' || i, ARRAY['plant-' || (i % 50), 'floor-' || (i % 7)],
           'PASSWORD', '$7$101$c2FsdHNhbHRzYWx0$aGFzaA==', now()
    FROM generate_series(${have + 1}, ${DEVICES}) AS i`);
}

const p95 = (run: () => Promise<unknown>) => p95Of(run, CALLS, 10);

export async function deviceListBench(): Promise<TFigure[]> {
  await seed();
  await db.$executeRawUnsafe(`ANALYZE "Device"`);
  const floor = await p95(() => db.$queryRawUnsafe(`SELECT "id", "clientId", "name", "tags" FROM "Device" ORDER BY "clientId" LIMIT ${LIMIT + 1}`));
  const baseline = { value: floor, what: "bare page query in SQL" };
  const cases: [string, () => Promise<unknown>][] = [
    ["first page", () => findDevices({ limit: LIMIT })],
    ["search, one client id", () => findDevices({ q: "list-077123", limit: LIMIT })],
    ["search, by name", () => findDevices({ q: "boiler 4242", limit: LIMIT })],
    ["search, by tag (2,000 match)", () => findDevices({ q: "plant-7", limit: LIMIT })],
    ["search, a word every device has", () => findDevices({ q: "boiler", limit: LIMIT })],
    ["deep page (cursor at 90,000)", () => findDevices({ cursor: "list-090000", limit: LIMIT })],
  ];
  const figures: TFigure[] = [];
  for (const [what, run] of cases) {
    figures.push({ name: `device list at ${DEVICES.toLocaleString("en")} devices: ${what}, p95`, value: await p95(run), unit: "ms", goal: { op: "<=", value: 50 }, baseline });
  }
  return figures;
}
