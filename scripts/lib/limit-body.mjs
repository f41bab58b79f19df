// Request body limits enforced in the HTTP server itself, before Next or Auth.js reads a byte: both buffer a whole
// body before their own checks, so a chunked body (no Content-Length) of 300 MB once held that much memory before
// its 413, even unauthenticated on the sign-in callback. The limits come from lib/domain/body-limits.mjs, which the
// gate reads too.
import { bodyLimitFor } from "../../lib/domain/body-limits.mjs";

/**
 * After a refusal the connection is closed gracefully: the answer, then FIN, then what the client still sends is
 * dropped unread for at most this long, so that it reads the 413 before the connection is reset.
 */
const LINGER_MS = 2_000;

const refusal = (limit) =>
  JSON.stringify({ error: { code: "PAYLOAD_TOO_LARGE", message: `The body must be at most ${limit} bytes.`, fields: { body: `is larger than ${limit} bytes` } } });

const limitOf = (req) => bodyLimitFor(req.method, (req.url ?? "").split("?")[0] ?? "");

/** Ends the connection within LINGER_MS of now, or at once when the client closes its side. */
function closeSoon(socket) {
  // Node closes a `Connection: close` response's socket as soon as the answer is written, unread bytes and all, which
  // resets the connection: a client still sending then often sees ECONNRESET instead of the answer.
  socket.destroySoon = () => socket.end();
  const deadline = setTimeout(() => socket.destroy(), LINGER_MS);
  deadline.unref();
  socket.once("close", () => clearTimeout(deadline));
  socket.once("end", () => socket.destroy());
}

/** Answers 413 (unless an answer has begun: then the connection is simply cut) and closes the connection. */
function refuse(req, res, limit) {
  req.fleetwardBodyRefused = true;
  if (res.headersSent) return void req.socket.destroy();
  closeSoon(req.socket);
  res.writeHead(413, { "Content-Type": "application/json", Connection: "close" });
  res.end(refusal(limit));
}

/**
 * Holds a request to its route's body limit: a declared Content-Length over it is refused at once (false: do not
 * serve it); a streamed body is counted as the HTTP parser hands it over and refused as soon as it passes the limit,
 * what came until then dropped. A reader of the body (Next) then waits on it until the connection closes, and sees it
 * aborted; its own answer goes nowhere.
 */
export function limitBody(req, res) {
  const limit = limitOf(req);
  if (Number(req.headers["content-length"] ?? 0) > limit) return void refuse(req, res, limit), false;
  let seen = 0;
  // The parser gives every piece of the body to push(), before any reader sees it.
  const push = req.push;
  req.push = function (chunk, encoding) {
    if (chunk === null) return push.call(this, chunk, encoding);
    if (req.fleetwardBodyRefused) return false;
    seen += chunk.length;
    if (seen > limit) return void refuse(req, res, limit), false;
    return push.call(this, chunk, encoding);
  };
  // A body the route answered without reading (a 401 before the body) is drained by Node after the answer, bypassing
  // push(): read it through push() instead, so the limit holds there too (nothing listens, so nothing is kept).
  res.once("finish", () => {
    if (req.complete || req.fleetwardBodyRefused || !req._dumped) return;
    req._dumped = false;
    req.resume();
  });
  return true;
}

/** `Expect: 100-continue`: a declared body over the limit is refused before the client sends it. */
export function continueWithinLimit(req, res) {
  const limit = limitOf(req);
  if (Number(req.headers["content-length"] ?? 0) > limit) return void refuse(req, res, limit), false;
  res.writeContinue();
  return true;
}
