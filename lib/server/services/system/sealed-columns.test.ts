import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnName, SEALED_COLUMNS } from "./sealed-columns";

/** Every `model.field` of the schema whose name says it holds a sealed value. */
function sealedFieldsInSchema(): string[] {
  const schema = readFileSync(path.resolve(import.meta.dirname, "../../../../prisma/schema.prisma"), "utf8");
  const fields: string[] = [];
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    for (const [, field] of body!.matchAll(/^\s+(\w*[sS]ealed)\s+String/gm)) fields.push(`${model}.${field}`);
  }
  return fields.sort();
}

describe("sealed columns", () => {
  it("lists every sealed column of the schema, so a master key rotation re-seals them all", () => {
    expect(sealedFieldsInSchema().length).toBeGreaterThanOrEqual(7);
    expect(SEALED_COLUMNS.map(columnName).sort()).toEqual(sealedFieldsInSchema());
  });

  it("binds each value to its own row", () => {
    for (const c of SEALED_COLUMNS) expect(c.context("row-a"), columnName(c)).not.toBe(c.context("row-b"));
  });
});
