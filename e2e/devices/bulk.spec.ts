import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import Papa from "papaparse";
import { localBroker } from "../fleet";
import { bearer, signInAs, unique } from "../fixtures";
import { publishes } from "./mqtt";

const BROKERS = ["e2e-1", "e2e-2"];

const csvFile = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

test("a CSV with one bad row writes nothing; fixed, it imports, pushes to every broker and offers the secrets once", async ({ page, request }) => {
  await signInAs(page, "OPERATOR");
  const run = unique();
  const good = [`csv-pw-${run}`, `csv-psk-${run}`];
  const header = "client_id,name,tags,auth\n";
  const lines = `${good[0]},Pump,plant-a;pumps,password\n${good[1]},,plant-a,psk\n`;

  await page.goto("/devices");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await page.getByLabel("CSV file").setInputFiles(csvFile("bad.csv", header + lines + `csv/${run},,,password\n`));
  await expect(page.getByText("3 devices: 2 password, 1 psk")).toBeVisible();
  await page.getByRole("button", { name: "Import 3 devices" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "bad row" });
  await expect(alert).toContainText("1 bad row(s); nothing was written.");
  await expect(alert.getByRole("row").nth(1)).toContainText(`4csv/${run}client_idmust not contain the MQTT wildcards`);
  const none = await request.get(`/api/v1/devices?q=${run}`, { headers: bearer("ADMIN") });
  expect(((await none.json()) as { items: unknown[] }).items).toEqual([]);

  await page.getByLabel("CSV file").setInputFiles(csvFile("good.csv", header + lines));
  await page.getByRole("button", { name: "Import 2 devices" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Every broker holds the imported devices." })).toBeVisible({ timeout: 20_000 });
  await expect(page).toHaveURL(/\/devices\/import\?batch=[0-9a-f-]{36}$/);
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download secrets (CSV)" }).click();
  const file = path.join(os.tmpdir(), `secrets-${run}.csv`);
  await (await downloading).saveAs(file);
  const secrets = Papa.parse<Record<string, string>>(readFileSync(file, "utf8"), { header: true }).data;
  expect(secrets.map((s) => s.client_id)).toEqual(good);

  const caFile = path.join(os.tmpdir(), `ca-${run}.crt`);
  const downloadingCa = page.waitForEvent("download");
  await page.getByRole("button", { name: "CA certificate" }).click();
  await (await downloadingCa).saveAs(caFile);
  for (const b of BROKERS) {
    await publishes(localBroker(b).ports.tlsPassword, good[0]!, ["--cafile", caFile, "-u", good[0]!, "-P", secrets[0]!.password!]);
    await publishes(localBroker(b).ports.psk, good[1]!, ["--psk-identity", secrets[1]!.psk_identity!, "--psk", secrets[1]!.psk_key_hex!]);
  }

  // A reload comes back to the import's progress; the secrets are not offered again.
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: "Every broker holds the imported devices." })).toBeVisible();
  await expect(page.getByText("were offered once")).toBeVisible();
  await expect(page.getByRole("button", { name: "Download secrets (CSV)" })).toHaveCount(0);
  writeFileSync(file, "");
});

test("an auditor cannot import, and the API names each bad row", async ({ page, request }) => {
  await signInAs(page, "AUDITOR");
  const res = await page.goto("/devices/import");
  expect(res?.status()).toBe(403);
  const bad = await request.post("/api/v1/devices:bulk", {
    headers: bearer("OPERATOR"),
    data: { devices: [{ clientId: `api-${unique()}`, auth: { type: "password" } }, { clientId: "a+b", auth: { type: "psk" } }, { clientId: "x", auth: { type: "carrier" } }] },
  });
  expect(bad.status()).toBe(422);
  const body = (await bad.json()) as { error: { message: string; fields: Record<string, string> } };
  expect(body.error.message).toBe("2 rows are invalid; nothing was written.");
  expect(Object.keys(body.error.fields)).toEqual(["devices.1.clientId", "devices.2.auth.type"]);
});
