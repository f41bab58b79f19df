import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { localBroker } from "../fleet";
import { publishes } from "./mqtt";
import { signInAs, unique } from "../fixtures";

const BROKERS = ["e2e-1", "e2e-2"];
const tmp = mkdtempSync(path.join(os.tmpdir(), "fleetward-e2e-dev-"));

async function onboard(page: Page, clientId: string, method: string, csrPem?: string) {
  await page.goto("/devices/new");
  await page.getByLabel("Client id", { exact: true }).fill(clientId);
  await page.getByLabel(method).check();
  if (csrPem) await page.getByLabel("Certificate signing request (PEM)").fill(csrPem);
  await page.getByRole("button", { name: "Create device" }).click();
  await expect(page.getByTestId("connection-bundle")).toBeVisible();
  const caFile = path.join(tmp, "ca.crt");
  writeFileSync(caFile, (await page.getByTestId("code-ca.crt").textContent())!);
  return caFile;
}

test("onboard by form with each method; Debian's mosquitto_pub connects to every broker", async ({ page }) => {
  await signInAs(page, "OPERATOR");

  const pw = `ui-pw-${unique()}`;
  const ca = await onboard(page, pw, "Password");
  const password = (await page.locator('[data-label="Password"]').textContent())!;
  for (const b of BROKERS) await publishes(localBroker(b).ports.tlsPassword, pw, ["--cafile", ca, "-u", pw, "-P", password]);

  const psk = `ui-psk-${unique()}`;
  await onboard(page, psk, "TLS-PSK");
  const key = (await page.locator('[data-label="PSK key (hex)"]').textContent())!;
  for (const b of BROKERS) await publishes(localBroker(b).ports.psk, psk, ["--psk-identity", psk, "--psk", key]);

  const gen = `ui-gen-${unique()}`;
  await onboard(page, gen, "X.509, key generated here");
  writeFileSync(path.join(tmp, `${gen}.crt`), (await page.getByTestId(`code-${gen}.crt`).textContent())!);
  writeFileSync(path.join(tmp, `${gen}.key`), (await page.getByTestId(`code-${gen}.key`).textContent())!);
  for (const b of BROKERS) await publishes(localBroker(b).ports.mtls, gen, ["--cafile", ca, "--cert", path.join(tmp, `${gen}.crt`), "--key", path.join(tmp, `${gen}.key`)]);

  const csr = `ui-csr-${unique()}`;
  const keyFile = path.join(tmp, `${csr}.key`);
  const csrPem = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-subj", `/CN=${csr}`], { encoding: "utf8" });
  await onboard(page, csr, "X.509 from a CSR", csrPem);
  await expect(page.getByTestId(`code-${csr}.key`)).toHaveCount(0); // the key never left the device
  const certFile = path.join(tmp, `${csr}.crt`);
  writeFileSync(certFile, (await page.getByTestId(`code-${csr}.crt`).textContent())!);
  for (const b of BROKERS) await publishes(localBroker(b).ports.mtls, csr, ["--cafile", ca, "--cert", certFile, "--key", keyFile]);

  // Revoked from its page: refused on every broker.
  await page.getByRole("link", { name: "Open the device" }).click();
  await expect(page.getByTestId("device-brokers")).toContainText("Applied");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("Revoked", { exact: false }).first()).toBeVisible();
  for (const b of BROKERS) await publishes(localBroker(b).ports.mtls, csr, ["--cafile", ca, "--cert", certFile, "--key", keyFile], false);
});

test("bad input is refused beside the field and nothing is created", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/devices/new");
  await page.getByLabel("Client id", { exact: true }).fill("bad/+#id");
  await page.getByRole("button", { name: "Create device" }).click();
  await expect(page.getByText("must not contain the MQTT wildcards")).toBeVisible();
  const clientId = `ui-csr-bad-${unique()}`;
  await page.getByLabel("Client id", { exact: true }).fill(clientId);
  await page.getByLabel("X.509 from a CSR").check();
  await page.getByLabel("Certificate signing request (PEM)").fill("-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----");
  await page.getByRole("button", { name: "Create device" }).click();
  await expect(page.getByText("is not a PEM certificate signing request")).toBeVisible();
  await page.goto("/devices");
  await page.getByLabel("Search devices").fill(clientId);
  await page.getByLabel("Search devices").press("Enter");
  await expect(page.getByText("No device matches")).toBeVisible();
});

test("an auditor sees devices but cannot onboard", async ({ page }) => {
  await signInAs(page, "AUDITOR");
  await page.goto("/devices");
  await expect(page.getByRole("link", { name: "New device" })).toHaveCount(0);
  expect((await page.goto("/devices/new"))?.status()).toBe(403);
});
