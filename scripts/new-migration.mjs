// npm run db:new-migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that
// takes the last committed prisma/schema.prisma to the working one. Needs no database: the shadow-database path
// of `prisma migrate dev` does not run with the JS engine here. Prisma still connects to a database to diff,
// so the embedded one is used (or DATABASE_URL), and it is left unchanged.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveDatabase } from "./lib/database.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "fleetward-migration-"));
const previous = path.join(tmp, "previous.prisma");
writeFileSync(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" }));
const db = await resolveDatabase();
const r = spawnSync(
  "node_modules/.bin/prisma",
  ["migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url } },
);
await db.stop();
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const sql = r.stdout.trim();
if (!sql || sql === "-- This is an empty migration.") {
  console.error("The schema has not changed since the last commit: nothing to migrate.");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
console.log(`Wrote ${dir}/migration.sql; review it, add what the schema language cannot say, and commit it with the schema.`);
