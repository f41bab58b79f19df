import "server-only";
import { auth } from "./auth";
import { principalOfSession, type TPrincipal } from "./principal";

export { principalFromToken, type TPrincipal } from "./principal";

/** The signed-in browser session of this request (from next-auth's cookie). */
export async function principalFromSession(meta: { ip: string; userAgent: string | null }): Promise<TPrincipal | null> {
  const session = await auth();
  return principalOfSession((session as { sid?: string } | null)?.sid, meta);
}
