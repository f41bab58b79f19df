import "server-only";

// What a log line may say about an error. A Prisma error's message holds the query and its arguments (a client id,
// an e-mail, whatever a request sent), and a database error's message the rows' values: a log keeps their kind,
// code and code location only.

const PRISMA_NAME = /^(PrismaClient\w*Error|DriverAdapterError)$/;
/** A message that quotes Prisma's own: an error rethrown with it inside. */
const PRISMA_TEXT = /Invalid `[\w$.]*\(\)` invocation|Raw query failed|prisma__type|__prismaRawParameters__/;

type TErrorLike = { name?: unknown; message?: unknown; code?: unknown; errorCode?: unknown; cause?: unknown; stack?: unknown };

const chain = (err: unknown): TErrorLike[] => {
  const out: TErrorLike[] = [];
  for (let e: unknown = err; e && typeof e === "object" && out.length < 5; e = (e as TErrorLike).cause) out.push(e as TErrorLike);
  return out;
};

/** Whether an error, or one it was caused by, carries Prisma's or the database's own words. */
export function isDatabaseError(err: unknown): boolean {
  return chain(err).some((e) => (typeof e.name === "string" && PRISMA_NAME.test(e.name)) || (typeof e.message === "string" && PRISMA_TEXT.test(e.message)));
}

/** `PrismaClientKnownRequestError P2002`, `DriverAdapterError postgres 22021`: names and codes, no values. */
function codes(err: unknown): string {
  return chain(err)
    .map((e) => {
      const { kind, originalCode } = e as { kind?: unknown; originalCode?: unknown };
      const parts = [typeof e.name === "string" ? e.name : typeof kind === "string" ? kind : "Error"];
      for (const c of [e.code, e.errorCode, originalCode]) if (typeof c === "string" || typeof c === "number") parts.push(String(c));
      return parts.join(" ");
    })
    .join(" <- ");
}

/** Where it was thrown: the stack's frames without its first lines (the message). */
const frames = (err: unknown) => (typeof (err as TErrorLike).stack === "string" ? ((err as TErrorLike).stack as string).split("\n").filter((l) => /^\s+at /.test(l)).join("\n") : "");

const NOT_LOGGED = "its message is not logged: it may hold the query and its values";

/** An error as a log line: its stack for any error, but only names, codes and frames for a database error. */
export function loggableError(err: unknown): string {
  if (typeof err === "string") return PRISMA_TEXT.test(err) ? `database error (${NOT_LOGGED})` : err;
  if (!isDatabaseError(err)) return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  const where = frames(err);
  return `database error (${codes(err)}; ${NOT_LOGGED})${where ? `\n${where}` : ""}`;
}

const INSTALLED = Symbol.for("fleetward.errorLogRedaction");

/**
 * Whatever logs an error in this process (Next's own handler for a page that failed included) logs a database error
 * as loggableError says. Installed once, when the server starts.
 */
export function redactDatabaseErrorsInLogs() {
  const c = console as Console & { [INSTALLED]?: true };
  if (c[INSTALLED]) return;
  c[INSTALLED] = true;
  for (const level of ["error", "warn", "log", "info"] as const) {
    const original = c[level].bind(c);
    c[level] = (...args: unknown[]) => original(...args.map((a) => (typeof a === "string" || (a instanceof Error && isDatabaseError(a)) ? loggableError(a) : a)));
  }
}
