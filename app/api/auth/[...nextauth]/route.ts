// next-auth's own endpoints (CSRF token, credentials callback, sign-out). Sign-in is throttled and audited
// inside the credentials provider; these are the only routes outside the gate.
export { GET, POST } from "@/lib/server/auth-handlers";
