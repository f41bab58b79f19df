// The Content-Security-Policy of every page: scripts only with this response's nonce (and what they load,
// 'strict-dynamic'), nothing framed, no plugins, forms and base URL same-origin. Development adds 'unsafe-eval',
// which React's dev tooling needs; production never has it. Pure.

export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React writes style attributes; no stylesheet comes from elsewhere.
    "style-src 'self' 'unsafe-inline'",
    // The QR code of a TOTP key is an inline SVG image.
    "img-src 'self' data:",
    "font-src 'self'",
    // The live relay is a same-origin WebSocket.
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** API answers are JSON: nothing in them may run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
