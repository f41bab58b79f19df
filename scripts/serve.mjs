// Serves the built dashboard. A thin HTTP server in front of Next so that the client address Fleetward
// audits and rate-limits comes from the socket, not from a header the client wrote.
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";
const trustProxy = process.env.FLEETWARD_TRUST_PROXY === "true";

const app = next({ dev: false, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  const peer = (req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
  const forwarded = req.headers["x-forwarded-for"];
  // Behind a trusted proxy keep its chain and append the proxy's own address; otherwise the socket alone counts.
  req.headers["x-forwarded-for"] = trustProxy && forwarded ? `${forwarded}, ${peer}` : peer;
  if (!trustProxy) delete req.headers["x-forwarded-host"];
  handle(req, res);
});
server.listen(port, hostname, () => console.log(`[fleetward] serving on http://${hostname}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
