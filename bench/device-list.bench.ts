// The device list at 100,000 devices: the list operation behind GET /api/v1/devices (first page, search by client
// id, name or tag, a deep page by cursor), p95 over 200 calls each, with the bare page query in SQL (the floor any
// list can reach) as the baseline. Then the same cases through HTTP: the production server, an API token through
// the gate, the JSON read to its end; its baseline is the operation's own p95 for that case in this run, so the
// difference is what the server, the gate and the wire add. And the server's memory meanwhile.
import { db } from "@/lib/server/db";
import { findDevices, type TFindDevicesOptions } from "@/lib/server/services/devices/find-devices";
import { createToken } from "@/lib/server/services/tokens/create-token";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { p95Of, type TFigure } from "./figures";
import { SEEDED_DEVICES as DEVICES, seedDevices } from "./seed-devices";
import { benchServer, memoryFigure } from "./web-server";

const CALLS = 200;
const LIMIT = 50;

const CASES: [string, TFindDevicesOptions][] = [
  ["first page", { limit: LIMIT }],
  ["search, one client id", { q: "list-077123", limit: LIMIT }],
  ["search, by name", { q: "boiler 4242", limit: LIMIT }],
  ["search, by tag (2,000 match)", { q: "plant-7", limit: LIMIT }],
  ["search, a word every device has", { q: "boiler", limit: LIMIT }],
  ["deep page (cursor at 90,000)", { cursor: "list-090000", limit: LIMIT }],
];

const p95 = (run: () => Promise<unknown>) => p95Of(run, CALLS, 10);
const at = `at ${DEVICES.toLocaleString("en")} devices`;

/** GET /api/v1/devices with these options, as a client would call it; throws on anything but 200. */
function apiCall(url: string, secret: string) {
  return async (options: TFindDevicesOptions): Promise<{ items: unknown[] }> => {
    const query = new URLSearchParams(Object.entries(options).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${url}/api/v1/devices?${query}`, { headers: { authorization: `Bearer ${secret}` } });
    if (res.status !== 200) throw new Error(`GET /api/v1/devices?${query} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { items: unknown[] };
  };
}

export async function deviceListBench(): Promise<TFigure[]> {
  await seedDevices();
  const floor = await p95(() => db.$queryRawUnsafe(`SELECT "id", "clientId", "name", "tags" FROM "Device" ORDER BY "clientId" LIMIT ${LIMIT + 1}`));
  const sqlBaseline = { value: floor, what: "bare page query in SQL" };
  const figures: TFigure[] = [];
  const service = new Map<string, number>();
  for (const [what, options] of CASES) {
    const value = await p95(() => findDevices(options));
    service.set(what, value);
    figures.push({ name: `device list ${at}: ${what}, p95`, value, unit: "ms", goal: { op: "<=", value: 50 }, baseline: sqlBaseline });
  }

  const server = await benchServer();
  const { secret } = await createToken({ actor: testActor("bench"), input: { name: `bench-list-${unique()}`, role: "AUDITOR" } });
  const call = apiCall(server.url, secret);
  const { result: http, peakMb } = await server.peakDuring(async () => {
    const values: [string, number][] = [];
    for (const [what, options] of CASES) {
      const [overHttp, inProcess] = await Promise.all([call(options), findDevices(options)]);
      if (overHttp.items.length !== inProcess.items.length) throw new Error(`${what}: ${overHttp.items.length} devices over HTTP, ${inProcess.items.length} from the service`);
      values.push([what, await p95(() => call(options))]);
    }
    return values;
  });
  for (const [what, value] of http) {
    figures.push({ name: `device list API ${at} (HTTP, token): ${what}, p95`, value, unit: "ms", goal: { op: "<=", value: 50 }, baseline: { value: service.get(what)!, what: "the list operation in-process" } });
  }
  figures.push(memoryFigure(server, peakMb, `during ${http.length * CALLS} list API calls`));
  return figures;
}
