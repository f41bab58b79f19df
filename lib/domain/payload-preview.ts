// How the message inspector shows a payload: pretty JSON, text, or hex, from at most `cap` bytes of it. Pure.

export type TPayloadPreview = { kind: "json" | "text" | "hex" | "empty"; text: string; size: number; truncated: boolean };

export const PREVIEW_BYTES = 4096;

// Text is printable: no control character but tab, line feed and carriage return.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    lines.push(`${i.toString(16).padStart(4, "0")}  ${[...row].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`);
  }
  return lines.join("\n");
}

export function previewPayload(payload: Uint8Array, cap = PREVIEW_BYTES): TPayloadPreview {
  const size = payload.length;
  if (size === 0) return { kind: "empty", text: "", size, truncated: false };
  const head = payload.subarray(0, cap);
  const truncated = size > cap;
  let text: string | null;
  try {
    // Streaming leaves out a character the cap cut in two rather than calling the payload binary.
    text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: truncated });
  } catch {
    text = null;
  }
  if (text === null || CONTROL.test(text)) return { kind: "hex", text: hexDump(head), size, truncated };
  if (!truncated && /^\s*[[{"\d-tfn]/.test(text)) {
    try {
      return { kind: "json", text: JSON.stringify(JSON.parse(text), null, 2), size, truncated };
    } catch {
      // Not JSON: shown as text.
    }
  }
  return { kind: "text", text, size, truncated };
}
