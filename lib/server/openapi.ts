import "server-only";
import { z } from "zod";
import { PERMISSIONS } from "@/lib/domain/permissions";
import { API, type TApiSpec } from "@/lib/schemas/api";

const ZError = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

const jsonSchema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any" });

function parameters(spec: TApiSpec) {
  const out: object[] = [];
  for (const [where, schema] of [["path", spec.params], ["query", spec.query]] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function operation(name: string, spec: TApiSpec) {
  const roles = PERMISSIONS[spec.permission].join(", ");
  const error = (description: string) => ({ description, content: { "application/json": { schema: jsonSchema(ZError, "output") } } });
  return {
    operationId: name,
    summary: spec.summary,
    tags: [spec.tag],
    description: spec.permission === "public" ? "No credentials needed." : `Permission \`${spec.permission}\` (roles: ${roles}).`,
    ...(spec.permission === "public" ? { security: [] } : {}),
    parameters: parameters(spec),
    ...(spec.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } }
      : {}),
    responses: {
      [String(spec.status ?? 200)]: {
        description: "Success",
        ...(spec.response ? { content: { "application/json": { schema: jsonSchema(spec.response, "output") } } } : {}),
      },
      "400": error("Malformed request (for example, invalid JSON)"),
      "401": error("No valid session or API token"),
      "403": error("The caller's role lacks the permission"),
      "404": error("Not found"),
      "409": error("Conflicts with the current state"),
      "422": error("Input failed validation; `fields` names each field and the reason"),
    },
  };
}

/** OpenAPI 3.1, generated from the same catalogue and zod schemas the gate enforces. */
export function buildOpenApi() {
  const paths: Record<string, Record<string, object>> = {};
  for (const [name, spec] of Object.entries(API) as [string, TApiSpec][]) {
    (paths[spec.path] ??= {})[spec.method.toLowerCase()] = operation(name, spec);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Fleetward API", version: "1", description: "Errors are {\"error\":{\"code\",\"message\",\"fields\"?}}; lists are {\"items\":[...],\"nextCursor\":string|null}." },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token from `fleetward token create` or Settings -> API tokens" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token" },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
