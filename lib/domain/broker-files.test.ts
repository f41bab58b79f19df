import { describe, expect, it } from "vitest";
import { filterMeet } from "./acl/topics";
import { AGENT_TOPICS } from "./agent-command";
import { applyLinePatch, joinLines, linePatch, renderBrokerFiles, sha256 } from "./broker-files";
import { LIVE_TOPICS } from "./live-access";

describe("line patches of passwd and psk", () => {
  const prev = joinLines(["b:2", "a:1", "c:3"]);
  const next = joinLines(["a:1", "c:33", "d:4"]);

  it("travel as the lines removed and added and rebuild the exact file", () => {
    const patch = linePatch(prev, next);
    expect(patch).toEqual({ base: sha256(prev), remove: ["b:2", "c:3"], add: ["c:33", "d:4"], result: sha256(next) });
    expect(applyLinePatch(prev, patch)).toBe(next);
    expect(next).toBe("a:1\nc:33\nd:4\n");
  });

  it("do not apply to another file, nor give anything but the promised result", () => {
    const patch = linePatch(prev, next);
    expect(applyLinePatch(joinLines(["a:1"]), patch)).toBeNull();
    expect(applyLinePatch(prev, { ...patch, add: ["x:9"] })).toBeNull();
    expect(applyLinePatch("", linePatch("", next))).toBe(next);
  });
});

describe("live credentials' files", () => {
  const render = (liveClients: Parameters<typeof renderBrokerFiles>[0]["liveClients"]) =>
    renderBrokerFiles({ devices: [], crlPem: "", probePskKeyHex: "00", deviceCas: [], aclPatterns: ["pattern readwrite sensors/shared"], liveClients });
  const files = render([
    { username: "_live-op", passwordHash: "$7$op", role: "OPERATOR" },
    { username: "_live-au", passwordHash: "$7$au", role: "AUDITOR" },
  ]);
  const blockOf = (user: string) => files["live-acl"].split("\n\n").find((b) => b.startsWith(`user ${user}\n`))!.split("\n").slice(1).filter(Boolean);

  it("are the live listener's own: no device file names them and they hold no pattern", () => {
    expect(files["live-passwd"]).toBe("_live-au:$7$au\n_live-op:$7$op\n");
    expect(files.passwd + files.acl).not.toContain("_live-");
    expect(files["live-acl"]).not.toMatch(/^pattern /m);
    expect(() => render([{ username: "not-live", passwordHash: "$7$x", role: "ADMIN" }])).toThrow(/live credential "not-live" does not start with _live-/);
  });

  it("give an auditor $SYS and the agents' reports, and an operator the devices' traffic too, read-only", () => {
    expect(blockOf("_live-au")).toEqual(["topic read $SYS/#", "topic read fleetward/agent/+/clients", "topic read fleetward/agent/+/events", "topic read fleetward/agent/+/heartbeat", "topic read fleetward/agent/+/load"]);
    const op = blockOf("_live-op");
    expect(op).toContain("topic read #");
    expect(op.every((l) => l.startsWith("topic read ") || l.startsWith("topic deny "))).toBe(true);
    // Every agent topic is either one the live views read or denied before `#` could reach it.
    for (const [name, topic] of Object.entries(AGENT_TOPICS)) {
      const t = topic("b1");
      const readable = LIVE_TOPICS.some((f) => f.startsWith("fleetward/") && filterMeet(f, t) !== null);
      expect(readable || op.some((l) => l.startsWith("topic deny ") && filterMeet(l.slice("topic deny ".length), t) !== null), name).toBe(true);
    }
    expect(op.findIndex((l) => l.startsWith("topic read"))).toBeGreaterThan(op.findLastIndex((l) => l.startsWith("topic deny")));
  });
});
