// Request body limits, in one place for both readers: the HTTP server in front of Next (scripts/serve.mjs), which
// stops a body at its route's limit while it streams, for every route including sign-in; and the gate
// (lib/server/parse-input.ts), which checks again what it reads. Plain JavaScript so that serve.mjs can import it.

/** Every request body, unless its route is listed below. */
export const MAX_BODY_BYTES = 1_000_000;

/** Bulk device import: 10,000 rows with their names and tags. */
export const MAX_BULK_BODY_BYTES = 16_000_000;

/** Routes with a larger limit than the default, by method and exact path. */
export const LARGER_BODY_LIMITS = [{ method: "POST", path: "/api/v1/devices:bulk", bytes: MAX_BULK_BODY_BYTES }];

/**
 * The body limit of a request, from its method and URL path. The path is compared decoded (`%3A` is `:`), as the
 * router matches it, so that a route keeps its limit however a client encodes its path.
 * @param {string | undefined} method
 * @param {string} pathname
 * @returns {number}
 */
export function bodyLimitFor(method, pathname) {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {}
  return LARGER_BODY_LIMITS.find((l) => l.method === method && l.path === path)?.bytes ?? MAX_BODY_BYTES;
}
