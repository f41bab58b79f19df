// Runs once when the server starts: refuse to serve with a bad configuration.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env, oidcEnv } = await import("@/lib/server/env");
    env();
    oidcEnv();
  }
}
