/**
 * Prints the pass table of Spark's documented function examples per function group, the function
 * names sluice does not know, and with `--failures` every failing example with its reason and the
 * most common reasons: `node --import tsx test/conformance/function-examples/report.ts [--failures]
 * [name…]` (default every function with examples).
 */
import { exampleNames, formatGroupTable, groupTable, runExamples, totals, unknownFunctions } from "./example-driver.js";
import { failureKinds } from "./failure-kinds.js";

const args = process.argv.slice(2);
const showFailures = args.includes("--failures");
const names = args.filter((a) => !a.startsWith("--"));
const results = await runExamples(names.length > 0 ? names : exampleNames());
const rows = groupTable(results);
console.log(formatGroupTable(rows));
const all = totals(rows);
console.log(`\nexamples: ${all.passed}/${all.examples} (${all.percent}); functions whose examples all pass: ${all.functionsPassed}/${all.functions}`);
const unknown = unknownFunctions(results);
console.log(`\nunknown to sluice (${unknown.length}): ${unknown.join(", ")}`);
if (showFailures) {
  console.log("\nfailures:");
  for (const r of results) if (!r.pass) console.log(`${r.name}#${r.index + 1} [${r.group}] ${r.query}\n    ${r.why}`);
  console.log("\nmost common reasons:");
  for (const [kind, count] of failureKinds(results).slice(0, 30)) console.log(`${String(count).padStart(5)}  ${kind}`);
}
