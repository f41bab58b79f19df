// Serves the built dashboard. A thin HTTP server in front of Next so that the client address Fleetward
// audits and rate-limits comes from the socket, not from a header the client wrote; so that every body is held to
// its route's limit while it streams, before anything buffers it; and the same-origin relay through which the
// browser's live views reach each broker's MQTT over secure WebSockets listener.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import tls from "node:tls";
import next from "next";
import { continueWithinLimit, limitBody } from "./lib/limit-body.mjs";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";
const trustProxy = process.env.FLEETWARD_TRUST_PROXY === "true";
// HTTPS served directly (no proxy in front): a certificate chain and its key, TLS 1.2 and 1.3 only.
const certFile = process.env.FLEETWARD_TLS_CERT_FILE;
const keyFile = process.env.FLEETWARD_TLS_KEY_FILE;
if (Boolean(certFile) !== Boolean(keyFile)) {
  console.error("[fleetward] FLEETWARD_TLS_CERT_FILE and FLEETWARD_TLS_KEY_FILE are set together or not at all");
  process.exit(1);
}
const direct = Boolean(certFile);

// Auth.js builds its URLs from the request's host and protocol; here they are this server's own or a trusted proxy's
// (a client's own X-Forwarded-* headers are dropped below), so it may trust them.
process.env.AUTH_TRUST_HOST ??= "true";

const app = next({ dev: false, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

/** `secure`: the browser came over this server's own TLS. */
const serve = (secure) => (req, res) => {
  if (!limitBody(req, res)) return;
  const peer = (req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
  const forwarded = req.headers["x-forwarded-for"];
  // Behind a trusted proxy keep its chain and append the proxy's own address; otherwise the socket alone counts.
  req.headers["x-forwarded-for"] = trustProxy && forwarded ? `${forwarded}, ${peer}` : peer;
  if (!trustProxy) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-proto"];
  }
  // Said the way a proxy says it, so sign-in sets its cookies Secure under the __Secure- prefix either way.
  if (secure) req.headers["x-forwarded-proto"] = "https";
  // Over HTTPS (this server's own, or a trusted proxy's), tell the browser never to use anything else for this host.
  if (req.headers["x-forwarded-proto"] === "https") res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  handle(req, res);
};

/** A server of `serve(secure)`; a body over its route's limit is refused here, before Next reads it (limit-body.mjs). */
function listener(create, secure) {
  const handler = serve(secure);
  const s = create(handler);
  s.on("checkContinue", (req, res) => continueWithinLimit(req, res) && handler(req, res));
  return s;
}

const server = direct
  ? listener((h) => https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: "TLSv1.2" }, h), true)
  : listener((h) => http.createServer(h), false);

// The relay asks this server, with the browser's cookie, for the broker endpoint the session may use. Serving HTTPS
// itself, it asks through a plain listener on a loopback port of its own (treated as HTTPS, whose cookie it carries),
// so this process need not trust its own certificate.
let selfUrl = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${port}`;
if (direct) {
  const internal = listener((h) => http.createServer(h), true);
  await new Promise((resolve) => internal.listen(0, "127.0.0.1", resolve));
  selfUrl = `http://127.0.0.1:${internal.address().port}`;
}

// The live relay: the browser opens ws(s)://<this origin>/api/v1/live/ws/<broker id>; after the session and the
// origin are checked, the upgrade is handed to the broker's wss listener over TLS (verified against the broker's
// CA) and the two sockets are joined. The browser then speaks MQTT to the broker itself, which authenticates its
// short-lived credential. Cookies never reach the broker.
const RELAY = /^\/api\/v1\/live\/ws\/([0-9a-f-]{36})$/;
const FORWARDED = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"];

server.on("upgrade", (req, socket, head) => {
  const refuse = (status, reason) => socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.on("error", () => socket.destroy());
  const m = RELAY.exec((req.url ?? "").split("?")[0] ?? "");
  if (!m) return refuse(404, "Not Found");
  // A page of another origin cannot ride the session cookie into a broker connection.
  let sameOrigin = false;
  try {
    sameOrigin = new URL(req.headers.origin ?? "").host === req.headers.host;
  } catch {}
  if (!sameOrigin) return refuse(403, "Forbidden");
  // Behind a trusted proxy that says HTTPS, the cookie is the __Secure- one: say so again, or it is not looked for.
  const viaHttps = trustProxy && req.headers["x-forwarded-proto"] === "https" ? { "x-forwarded-proto": "https" } : {};
  fetch(`${selfUrl}/api/v1/live/brokers/${m[1]}/endpoint`, { headers: { cookie: req.headers.cookie ?? "", ...viaHttps } })
    .then(async (res) => {
      if (res.status !== 200) return refuse(res.status === 401 ? 401 : res.status === 404 ? 404 : 403, res.status === 401 ? "Unauthorized" : res.status === 404 ? "Not Found" : "Forbidden");
      const ep = await res.json();
      const upstream = tls.connect({ host: ep.host, port: ep.port, ca: ep.caPem, minVersion: "TLSv1.2", ...(isIP(ep.host) ? {} : { servername: ep.host }) });
      upstream.on("error", () => (upstream.destroy(), socket.destroy()));
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      upstream.once("secureConnect", () => {
        const lines = ["GET /mqtt HTTP/1.1", `Host: ${ep.host}:${ep.port}`, "Upgrade: websocket", "Connection: Upgrade"];
        for (const h of FORWARDED) if (typeof req.headers[h] === "string") lines.push(`${h}: ${req.headers[h]}`);
        upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (head?.length) upstream.write(head);
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
    })
    .catch(() => refuse(502, "Bad Gateway"));
});

server.listen(port, hostname, () => console.log(`[fleetward] serving on ${direct ? "https" : "http"}://${hostname}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
