import "server-only";
import { loggableError } from "./error-log";

export type TErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNPROCESSABLE"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE";

const STATUS: Record<TErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
};

/** field path -> reason, as shown beside form fields. */
export type TFieldErrors = Record<string, string>;

/** The one application error: a code, a message safe to show, and optional per-field reasons. */
export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly fields?: TFieldErrors,
    /** For TOO_MANY_REQUESTS and UNAVAILABLE: when to try again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);

/** Maps any thrown value to the API's error body. Unknown errors never reveal their details. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    const body = { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
    return Response.json(body, { status: err.status, ...(err.retryAfterSeconds ? { headers: { "Retry-After": String(err.retryAfterSeconds) } } : {}) });
  }
  if (isDatabaseUnavailable(err)) {
    // Postgres restarting or failing over: the transaction was rolled back whole, so the same request may be sent again.
    console.error(`[fleetward] database unavailable: ${firstLine(err)}`);
    const body = { error: { code: "UNAVAILABLE", message: "The database is unavailable for a moment; nothing was changed. Retry shortly." } };
    return Response.json(body, { status: 503, headers: { "Retry-After": "2" } });
  }
  // Never a database error's message: it holds the query and the values a request sent.
  console.error("[fleetward] unhandled error:", loggableError(err));
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong on the server." } }, { status: 500 });
}

// Prisma's codes for an unreachable or vanished server, Postgres's SQLSTATEs for a server shutting down or starting
// (57P01-57P03) and for broken connections (class 08), and the driver's words for a connection it lost.
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
const UNAVAILABLE_TEXT = /Can't reach database server|Code: `(57P0[123]|08\d{3})`|terminating connection|Connection terminated|connection error and is not queryable|ECONNREFUSED|ECONNRESET|the database system is (starting up|shutting down)/;

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? text;
}

/** Is this the database being out of reach (as opposed to a query it refused)? */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || /^(57P0[123]|08\d{3})$/.test(code))) return true;
    if (name === "PrismaClientInitializationError") return true;
    if (typeof message === "string" && UNAVAILABLE_TEXT.test(message)) return true;
  }
  return false;
}
