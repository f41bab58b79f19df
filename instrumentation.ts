// Runs once when the server starts: keep database errors' messages (queries and their values) out of the logs, and
// refuse to serve with a bad configuration.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { redactDatabaseErrorsInLogs } = await import("@/lib/server/error-log");
    redactDatabaseErrorsInLogs();
    const { env, oidcEnv } = await import("@/lib/server/env");
    env();
    oidcEnv();
  }
}
