import { describe, expect, it } from "vitest";
import { AGENT_TOPICS, parseAgentTopic, reportBroker } from "./agent-topics";

describe("whose report it is", () => {
  it("is the broker of the topic it came on", () => {
    expect(parseAgentTopic(AGENT_TOPICS.heartbeat("demo-1"))).toEqual({ broker: "demo-1", kind: "heartbeat" });
    expect(parseAgentTopic("fleetward/agent/demo-1/other")).toBeNull();
    expect(parseAgentTopic("devices/demo-1/heartbeat")).toBeNull();
    expect(reportBroker(AGENT_TOPICS.heartbeat("demo-1"), "heartbeat", { broker: "demo-1", online: true })).toEqual({ broker: "demo-1" });
    expect(reportBroker(AGENT_TOPICS.heartbeat("demo-1"), "heartbeat", { online: true })).toEqual({ broker: "demo-1" });
  });

  it("refuses a body that names another broker than its topic, or that is no report", () => {
    expect(reportBroker(AGENT_TOPICS.heartbeat("demo-1"), "heartbeat", { broker: "demo-2", online: true, connectedClients: 4242 })).toEqual({
      refused: 'the heartbeat on fleetward/agent/demo-1/heartbeat names broker "demo-2"',
    });
    expect(reportBroker(AGENT_TOPICS.events("demo-1"), "heartbeat", { online: true })).toHaveProperty("refused");
    for (const body of [null, 5, "x", []]) expect(reportBroker(AGENT_TOPICS.heartbeat("demo-1"), "heartbeat", body)).toHaveProperty("refused");
  });
});
