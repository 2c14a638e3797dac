/**
 * Prints the golden-file pass table: `node --import tsx test/conformance/spark-sql/report.ts
 * [--failures] [file…]` (files relative to `results/`, default every non-ANSI file).
 */
import { formatPassTable, goldenFiles, isFunctionFile, isRelational, passTable, runGolden, totals } from "./golden-driver.js";

const args = process.argv.slice(2);
const showFailures = args.includes("--failures");
const files = args.filter((a) => !a.startsWith("--"));
const results = await runGolden(files.length > 0 ? files : goldenFiles());
const rows = passTable(results);
console.log(formatPassTable(rows));
const all = totals(rows);
const rel = totals(rows.filter((r) => isRelational(r.file)));
const fns = totals(rows.filter((r) => isFunctionFile(r.file)));
console.log(`\nrelational files: ${rel.passed}/${rel.queries} (${rel.percent}); function files: ${fns.passed}/${fns.queries} (${fns.percent}); every file: ${all.passed}/${all.queries} (${all.percent})`);
if (showFailures) for (const r of results) if (!r.pass) console.log(`${r.file}#${r.index + 1}: ${r.why}`);
