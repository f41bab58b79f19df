// Rule topics of stored roles may name the device they are applied to: ${clientId} and ${username}. Mosquitto 2.0's
// dynamic security plugin has no such substitution, so Fleetward expands them per device when it renders the
// brokers' files; one role then serves a whole device class. Pure.

export const TEMPLATE_VARIABLES = ["clientId", "username"] as const;
export type TTemplateValues = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export const hasTemplate = (topic: string) => /\$\{(clientId|username)\}/.test(topic);

/** The topic with every ${clientId} and ${username} replaced. */
export function expandTemplate(topic: string, values: TTemplateValues): string {
  return topic.replace(PLACEHOLDER, (whole, name: string) => (name === "clientId" ? values.clientId : name === "username" ? values.username : whole));
}

/** Why a rule topic's placeholders are wrong, or null. A `$` not followed by `{` is ordinary text. */
export function templateProblem(topic: string): string | null {
  for (const [, name] of topic.matchAll(PLACEHOLDER)) {
    if (name !== "clientId" && name !== "username") return `uses \${${name}}: the only templates are \${clientId} and \${username}`;
  }
  if (/\$\{(?![^}]*\})/.test(topic)) return "has a ${ without its closing }";
  return null;
}

/**
 * The topic with each level that holds a template widened to `+`: what it may match for some device. Client ids
 * and usernames never hold `/`, `+` or `#`, so an expanded template stays within its level.
 */
export const widenTemplates = (topic: string) =>
  topic
    .split("/")
    .map((level) => (hasTemplate(level) ? "+" : level))
    .join("/");
