// How much one ad hoc policy (the linter's and the simulator's, sent in a request) may ask of the server. The linter
// compares each role's rules pairwise, so its work grows with the square of a role's size; within these bounds one
// lint takes well under a second of one core (npm run bench -- lint-load), and an honest dynamic-security
// configuration fits: Fleetward's own roles hold at most 1,000 rules each.

export const MAX_EVALUATED_RULES = 10_000;
export const MAX_EVALUATED_GROUP_ROLES = 10_000;

type TPolicyShape = { roles: readonly { acls: readonly unknown[] }[]; groups?: readonly { roles: readonly unknown[] }[] };

const BOUNDS = "the linter and the simulator take at most 10,000 rules, 10,000 group roles and 1 MB per request";

/** Field -> reason when the policy is larger than one request may evaluate, else null. */
export function policyWorkProblem(p: TPolicyShape): Record<string, string> | null {
  const rules = p.roles.reduce((n, r) => n + r.acls.length, 0);
  const groupRoles = (p.groups ?? []).reduce((n, g) => n + g.roles.length, 0);
  const out: Record<string, string> = {};
  if (rules > MAX_EVALUATED_RULES) out.roles = `hold ${rules} rules in all: ${BOUNDS}`;
  if (groupRoles > MAX_EVALUATED_GROUP_ROLES) out.groups = `give ${groupRoles} roles in all: ${BOUNDS}`;
  return Object.keys(out).length ? out : null;
}
