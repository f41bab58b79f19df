import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "@/lib/domain/csp";

/**
 * A fresh nonce for every page: Next puts it on its own scripts (it reads the policy from the request), and the
 * browser runs no other script. Every page is rendered per request, so none is served with a stale nonce.
 */
export function proxy(request: NextRequest) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const nonce = btoa(String.fromCharCode(...bytes));
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Pages only: API answers have their own policy (next.config.ts); static files carry no scripts of their own.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)" }],
};
