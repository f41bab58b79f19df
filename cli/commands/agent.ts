import { loadAgentConfig } from "@/lib/fleet/agent/agent-config";
import { runAgent } from "@/lib/fleet/agent/run-agent";

export async function agentCommand(flags: Record<string, string | undefined>) {
  if (!flags["broker-config"]) throw new Error("--broker-config <file> is required");
  const agent = runAgent(loadAgentConfig(flags["broker-config"]));
  await new Promise<void>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
  });
  await agent.stop();
}
