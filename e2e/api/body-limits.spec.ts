import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { bodyLimitFor, MAX_BODY_BYTES, MAX_BULK_BODY_BYTES } from "@/lib/domain/body-limits.mjs";
import { API, type TApiName } from "@/lib/schemas/api";
import { startServer } from "../server";
import { urlOf } from "./catalogue";
import { e2eState } from "../state";

// Bodies far over their route's limit, streamed without a Content-Length (chunked) or with one, to a server of its
// own whose memory is read from /proc: the server must answer 413 while the client still has most of the body to
// send, and hold none of it.
const TOTAL = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "a");
const GROWTH_MB = 64;

const statusMb = (pid: number, field: "VmRSS" | "VmHWM") => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

/** Resets the process's peak resident size to its current one (Linux >= 4.0), so VmHWM is then the peak of what follows. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

type TStreamed = { status: number | null; body: string; sent: number; error: string | null };

/**
 * Sends `total` bytes of `prefix` then "a"s as fast as the server takes them, chunked unless `contentLength`, and stops
 * as soon as the server answers or the request fails. Resolves once the request is over, with what was answered and
 * how many bytes were handed to the socket by then.
 */
type TStreamOptions = { prefix?: string; contentLength?: boolean };

function stream(port: number, path: string, headers: Record<string, string>, options: TStreamOptions = {}): Promise<TStreamed> {
  return new Promise((resolve) => {
    const out: TStreamed = { status: null, body: "", sent: 0, error: null };
    let over = false;
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path, headers: { ...headers, ...(options.contentLength ? { "content-length": String(TOTAL) } : { "transfer-encoding": "chunked" }) } });
    const done = () => {
      over = true;
      req.destroy();
      resolve(out);
    };
    req.on("response", (res) => {
      out.status = res.statusCode ?? null;
      over = true;
      res.setEncoding("utf8");
      res.on("data", (d: string) => (out.body += d));
      res.on("end", done);
      res.on("error", done);
    });
    req.on("error", (e) => {
      out.error ??= e.message;
      if (out.status === null) done();
    });
    req.on("close", () => {
      if (out.status === null) done();
    });
    const pump = () => {
      if (options.prefix && out.sent === 0) {
        req.write(options.prefix);
        out.sent += Buffer.byteLength(options.prefix);
      }
      while (!over && out.sent < TOTAL) {
        out.sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", pump);
      }
      if (!over) req.end();
    };
    pump();
  });
}

// Starting a server of its own takes a while on a loaded machine.
test.describe.configure({ timeout: 120_000 });

let server: Awaited<ReturnType<typeof startServer>>;

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext();
  server = await startServer(request, {});
  await request.dispose();
});
test.afterAll(() => server?.stop());

/** Sends a body far over the limit to `path` and checks the answer came early and the server kept nothing. */
async function expectRefusedEarly(path: string, headers: Record<string, string>, limit: number, options: TStreamOptions = {}) {
  const before = statusMb(server.pid, "VmRSS");
  const peakKnown = resetPeak(server.pid);
  const r = await stream(server.port, path, headers, options);
  const after = statusMb(server.pid, peakKnown ? "VmHWM" : "VmRSS");
  const said = `answered ${r.status} (${r.error ?? "no error"}) with ${(r.sent / 2 ** 20).toFixed(1)} of ${TOTAL / 2 ** 20} MB sent; server memory ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB ${peakKnown ? "at its peak" : "after"}`;
  expect(r.status, said).toBe(413);
  // The client still had most of the body to send when the answer came.
  expect(r.sent, said).toBeLessThan(TOTAL / 4);
  expect(after - before, said).toBeLessThan(GROWTH_MB);
  expect(JSON.parse(r.body).error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: `The body must be at most ${limit} bytes.`, fields: { body: expect.any(String) } });
}

test("a chunked body over the limit is refused while it streams, before the gate reads it (API, read-only token)", async () => {
  const auth = { authorization: `Bearer ${e2eState().tokens.AUDITOR}`, "content-type": "application/json" };
  // Warm the route, so that loading its code is not counted as growth.
  const warm = await fetch(`http://127.0.0.1:${server.port}/api/v1/acl/lint`, { method: "POST", headers: auth, body: JSON.stringify({ roles: [] }) });
  expect(warm.status).toBe(200);
  await expectRefusedEarly("/api/v1/acl/lint", auth, MAX_BODY_BYTES, { prefix: '{"roles":[],"groups":"' });
});

test("a chunked body over the limit is refused on the sign-in callback too, unauthenticated", async () => {
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const warm = await fetch(`http://127.0.0.1:${server.port}/api/auth/callback/credentials`, { method: "POST", headers: form, body: "email=a%40b.c&password=x", redirect: "manual" });
  expect(warm.status).toBeLessThan(500);
  await expectRefusedEarly("/api/auth/callback/credentials", form, MAX_BODY_BYTES, { prefix: "email=a%40b.c&password=" });
});

/**
 * Sends a chunked body over a bare socket and goes on after any answer (an HTTP client stops at the answer) until
 * the server closes the connection; resolves with the bytes written by then and the first line answered.
 */
function streamUntilClosed(port: number, path: string, method = "POST", total = TOTAL): Promise<{ sent: number; answer: string }> {
  return new Promise((resolve) => {
    const frame = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from("\r\n")]);
    const socket = net.connect(port, "127.0.0.1");
    let sent = 0;
    let answer = "";
    let closed = false;
    socket.on("data", (d: Buffer) => (answer ||= d.toString("latin1").split("\r\n")[0]!));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => ((closed = true), resolve({ sent, answer })));
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const pump = () => {
      while (!closed && sent < total) {
        sent += CHUNK.length;
        if (!socket.write(frame)) return void socket.once("drain", pump);
      }
      if (!closed) socket.end("0\r\n\r\n");
    };
    pump();
  });
}

test("a body the route answers without reading (401 before the body) is cut at the limit, not drained to its end", async () => {
  const before = statusMb(server.pid, "VmRSS");
  const r = await streamUntilClosed(server.port, "/api/v1/acl/lint");
  const said = `answered "${r.answer}", connection closed with ${(r.sent / 2 ** 20).toFixed(1)} of ${TOTAL / 2 ** 20} MB sent`;
  expect(r.sent, said).toBeLessThan(TOTAL / 4);
  expect(statusMb(server.pid, "VmRSS") - before, said).toBeLessThan(GROWTH_MB);
});

test("every route, pages and sign-in included, stops an unauthenticated chunked body at its limit", async () => {
  const routes = (Object.keys(API) as TApiName[]).map((name) => ({ method: API[name].method, path: urlOf(name) }));
  const others = ["/api/auth/callback/credentials", "/api/auth/signin/credentials", "/login", "/overview", "/no-such-page"].map((path) => ({ method: "POST", path }));
  const before = statusMb(server.pid, "VmRSS");
  for (const { method, path } of [...routes, ...others]) {
    const limit = bodyLimitFor(method, path);
    // What the kernel's socket buffers take before the server reads a byte comes on top of the limit.
    const r = await streamUntilClosed(server.port, path, method, limit + 64 * 2 ** 20);
    expect(r.sent, `${method} ${path}: "${r.answer}", closed with ${(r.sent / 2 ** 20).toFixed(1)} MB sent`).toBeLessThan(limit + 32 * 2 ** 20);
  }
  expect(statusMb(server.pid, "VmRSS") - before).toBeLessThan(GROWTH_MB);
});

test("a declared Content-Length over the limit is refused at once", async () => {
  await expectRefusedEarly("/api/v1/acl/lint", { authorization: `Bearer ${e2eState().tokens.AUDITOR}`, "content-type": "application/json" }, MAX_BODY_BYTES, { contentLength: true });
});

test("bulk import keeps its larger limit: 2 MB is read (and judged by its schema), a chunked body past 16 MB is refused", async () => {
  const auth = { authorization: `Bearer ${e2eState().tokens.OPERATOR}`, "content-type": "application/json" };
  const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/devices:bulk`, { method: "POST", headers: auth, body: JSON.stringify({ devices: [], padding: "x".repeat(2_000_000) }) });
  expect(res.status).toBe(422);
  await expectRefusedEarly("/api/v1/devices:bulk", auth, MAX_BULK_BODY_BYTES, { prefix: '{"devices":[],"padding":"' });
});
