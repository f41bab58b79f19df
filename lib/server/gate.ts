import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { z } from "zod";
import { can, type TPermission } from "@/lib/domain/permissions";
import type { TApiSpec } from "@/lib/schemas/api";
import { AppError, toErrorResponse } from "./errors";
import { parseBody, parseInput } from "./parse-input";
import { countTokenFailure, countTokenRequest, refuseTokenGuessing } from "./rate-limits";
import { clientIp, userAgent } from "./request-meta";
import { principalFromSession, principalFromToken, type TPrincipal } from "./session";

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export type TGateContext<S extends TApiSpec> = TPrincipal & {
  req: Request;
  params: Infer<S["params"]>;
  query: Infer<S["query"]>;
  body: Infer<S["body"]>;
};

type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export type TGatedHandler = ((req: Request, ctx: RouteContext) => Promise<Response>) & { spec: TApiSpec };

const ANONYMOUS = (ip: string, ua: string | null): TPrincipal => ({
  actor: { type: "anonymous", id: null, label: "anonymous", ip, userAgent: ua },
  role: "AUDITOR",
  sessionId: null,
});

/**
 * The one gate for every route handler: authenticate (bearer token or session cookie), check the spec's
 * permission, refuse cross-site cookie mutations, parse params, query and body with the spec's schemas.
 * The handler's return value becomes the JSON body; a Response is passed through.
 */
export function route<S extends TApiSpec>(spec: S, handler: (ctx: TGateContext<S>) => Promise<unknown>): TGatedHandler {
  const gated = async (req: Request, ctx: RouteContext) => {
    try {
      const principal = await authenticate(req, spec.permission);
      if (spec.sessionOnly && !principal.sessionId) throw new AppError("FORBIDDEN", "Only a user signed in with a browser may do this, not an API token.");
      const params = parseInput(spec.params, (await ctx.params) ?? {}, "path");
      const query = parseInput(spec.query, Object.fromEntries(new URL(req.url).searchParams), "query");
      const body = spec.body ? parseInput(spec.body, await parseBody(req, spec.maxBodyBytes), "body") : undefined;
      const result = await handler({ ...principal, req, params, query, body } as TGateContext<S>);
      if (result instanceof Response) return result;
      return Response.json(result, { status: spec.status ?? 200 });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
  return Object.assign(gated, { spec });
}

/** What a user who must enrol a second factor may still do: their own account and session. */
const ENROLMENT_PERMISSION: TPermission = "session.read";
const TWO_FACTOR_FIRST = "The security policy requires two-factor authentication for admins: turn it on in Settings > Account first.";

async function authenticate(req: Request, permission: TPermission): Promise<TPrincipal> {
  const meta = { ip: clientIp(req.headers), userAgent: userAgent(req.headers) };
  if (permission === "public") return ANONYMOUS(meta.ip, meta.userAgent);
  const bearer = req.headers.get("authorization");
  if (bearer) await refuseTokenGuessing(meta.ip);
  const principal = bearer ? await principalFromToken(bearer, meta) : await principalFromSession(meta);
  if (!principal) {
    if (bearer) await countTokenFailure(meta.ip);
    throw new AppError("UNAUTHENTICATED", bearer ? "The API token is invalid or revoked." : "Sign in first.");
  }
  if (principal.actor.type === "token") countTokenRequest(principal.actor.id!);
  if (principal.mustEnrolTwoFactor && permission !== ENROLMENT_PERMISSION) throw new AppError("FORBIDDEN", TWO_FACTOR_FIRST);
  if (!can(principal.role, permission)) {
    throw new AppError("FORBIDDEN", `Your role (${principal.role}) may not do this (needs ${permission}).`);
  }
  if (!bearer && req.method !== "GET" && !sameOrigin(req)) {
    throw new AppError("FORBIDDEN", "Cross-site request refused: mutations with a session cookie must come from this origin.");
  }
  return principal;
}

/** CSRF defence for cookie-authenticated mutations: the browser's Origin must be this host. */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host) return req.headers.get("sec-fetch-site") === "same-origin";
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The same gate for pages: not signed in -> login page; signed in without the permission -> 403 page. */
export async function requirePage(permission: TPermission): Promise<TPrincipal> {
  const h = await headers();
  const principal = await principalFromSession({ ip: clientIp(h), userAgent: userAgent(h) });
  if (!principal) redirect("/login");
  if (principal.mustEnrolTwoFactor && permission !== ENROLMENT_PERMISSION) redirect("/settings");
  if (!can(principal.role, permission)) forbidden();
  return principal;
}
