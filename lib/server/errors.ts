import "server-only";

export type TErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNPROCESSABLE"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS";

const STATUS: Record<TErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
};

/** field path -> reason, as shown beside form fields. */
export type TFieldErrors = Record<string, string>;

/** The one application error: a code, a message safe to show, and optional per-field reasons. */
export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly fields?: TFieldErrors,
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
    return Response.json(body, { status: err.status });
  }
  console.error("[fleetward] unhandled error:", err instanceof Error ? err.stack : String(err));
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong on the server." } }, { status: 500 });
}
