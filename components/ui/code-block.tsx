"use client";
import { Check, Copy, Download } from "lucide-react";
import { useState } from "react";
import { Button } from "./button";

/** Preformatted text with copy and, optionally, download as a file. */
export function CodeBlock({ label, text, filename }: { label: string; text: string; filename?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between">
        <span className="text-xs font-medium">{label}</span>
        <span className="flex gap-1">
          <Button type="button" size="sm" variant="ghost" onClick={async () => (await navigator.clipboard?.writeText(text).catch(() => undefined), setCopied(true))}>
            {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />} Copy
          </Button>
          {filename ? (
            <Button type="button" size="sm" variant="ghost" onClick={() => download(filename, text)}>
              <Download className="size-3.5" /> {filename}
            </Button>
          ) : null}
        </span>
      </div>
      <pre data-testid={`code-${filename ?? label}`} className="max-h-56 overflow-auto rounded-md bg-gray-900 p-3 font-mono text-xs text-gray-100">{text}</pre>
    </div>
  );
}

export function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: filename });
  a.click();
  URL.revokeObjectURL(url);
}
