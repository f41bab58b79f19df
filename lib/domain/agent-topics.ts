// The MQTT topics between Fleetward and each broker's agent; browsers read some of them (live views). Pure, no crypto.
export const AGENT_TOPICS = {
  command: (broker: string) => `fleetward/agent/${broker}/cmd`,
  reply: (broker: string) => `fleetward/agent/${broker}/reply`,
  heartbeat: (broker: string) => `fleetward/agent/${broker}/heartbeat`,
  clients: (broker: string) => `fleetward/agent/${broker}/clients`,
  events: (broker: string) => `fleetward/agent/${broker}/events`,
  load: (broker: string) => `fleetward/agent/${broker}/load`,
};
