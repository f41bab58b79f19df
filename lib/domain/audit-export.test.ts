import { describe, expect, it } from "vitest";
import { csvField, csvHeader, csvRow, jsonLine, type TExportedEvent } from "./audit-export";

const event: TExportedEvent = {
  id: "7", at: "2026-11-22T08:00:00.000Z", actorType: "user", actorId: null, actorLabel: "ops@example.com", action: "device.update",
  targetType: "device", targetId: "=HYPERLINK(\"http://x\")", ip: "10.0.0.1", userAgent: "Mozilla/5.0, like Gecko", details: { before: { tags: ["a"] }, after: { tags: ["a", "b"] } }, prevHash: "0".repeat(64), hash: "f".repeat(64),
  keyId: "master:0a1b2c3d", mac: "e".repeat(64),
};

describe("audit export", () => {
  it("writes RFC 4180 CSV: quoted where needed, details as JSON, one line per event", () => {
    expect(csvHeader()).toBe("id,at,actorType,actorId,actorLabel,action,targetType,targetId,ip,userAgent,details,prevHash,hash,keyId,mac\r\n");
    const row = csvRow(event);
    expect(row.endsWith("\r\n")).toBe(true);
    expect(row).toContain(',"Mozilla/5.0, like Gecko",');
    expect(row).toContain(',"{""before"":{""tags"":[""a""]},""after"":{""tags"":[""a"",""b""]}}",');
    expect(row).toContain(`,master:0a1b2c3d,${"e".repeat(64)}\r\n`);
  });

  it("never lets a spreadsheet run a cell as a formula", () => {
    for (const v of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(csvField(v).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvRow(event)).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
  });

  it("writes one JSON object per line with every column", () => {
    const line = jsonLine(event);
    expect(line.endsWith("\n")).toBe(true);
    expect(JSON.parse(line)).toEqual(event);
  });
});
