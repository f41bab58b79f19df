// npm run bench: measured figures, printed as a table and written to bench/results.json.
// Benchmarks arrive with the features they measure; until then this reports that there are none.
import { mkdirSync, writeFileSync } from "node:fs";

const results = [];
mkdirSync("bench", { recursive: true });
writeFileSync("bench/results.json", JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + "\n");
console.log(results.length ? results : "No benchmarks are defined yet; bench/results.json written empty.");
