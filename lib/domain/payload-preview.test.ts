import { describe, expect, it } from "vitest";
import { previewPayload } from "./payload-preview";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("payload preview", () => {
  it("pretty-prints JSON, keeps text as text, and shows binary as hex", () => {
    expect(previewPayload(bytes('{"t":21.5,"ok":true}'))).toEqual({ kind: "json", text: '{\n  "t": 21.5,\n  "ok": true\n}', size: 20, truncated: false });
    expect(previewPayload(bytes("on"))).toMatchObject({ kind: "text", text: "on" });
    expect(previewPayload(bytes("42"))).toMatchObject({ kind: "json", text: "42" });
    expect(previewPayload(new Uint8Array([0, 1, 0xff, 0x10]))).toMatchObject({ kind: "hex", text: "0000  00 01 ff 10" });
    expect(previewPayload(new Uint8Array([0xc3, 0x28]))).toMatchObject({ kind: "hex" });
    expect(previewPayload(new Uint8Array())).toMatchObject({ kind: "empty", size: 0 });
  });

  it("shows at most the cap, says so, and never cuts a character in two", () => {
    const long = "é".repeat(3000); // 6000 bytes
    const p = previewPayload(bytes(long), 4095);
    expect(p).toMatchObject({ kind: "text", size: 6000, truncated: true });
    expect(p.text).toBe("é".repeat(2047));
    const json = previewPayload(bytes(JSON.stringify({ a: "x".repeat(5000) })), 4096);
    expect(json.kind).toBe("text");
    expect(json.text.length).toBe(4096);
    expect(previewPayload(new Uint8Array(10_000), 64).text.split("\n")).toHaveLength(4);
  });
});
