/**
 * Runs the documented examples of Spark 3.5's built-in functions (`examples.json`) through
 * `spark.sql`, as ExpressionInfoSuite's "check outputs of expression examples" does: each function
 * name in a fresh session (an example's SET stays for the name's later examples) with the session
 * time zone `America/Los_Angeles` (the JVM default zone of Spark's test runs), its examples in
 * order. Prints one JSON line as each example starts and one with its outcome:
 * `{"name", "index", "pass", "why"}`. Spawned by `example-driver.ts`, which moves past an example
 * that hangs.
 *
 * An example passes when its rows, rendered as HiveResult does (golden-worker's `rowsText`), joined
 * by newlines and unindented and trimmed as the suite does, equal Spark's output. The suite compares
 * in Spark's row order; here, as for the SQL golden files, rows are compared as sorted lists unless
 * the query ends in ORDER BY, since the order of an unordered result is no part of its meaning.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "../../../src/index.js";
import { requireZone } from "../../../src/columnar/time-zone.js";
import { isSorted, rowsText } from "../spark-sql/golden-worker.js";

export interface FunctionExample {
  readonly query: string;
  /** Spark's output after unindentAndTrim, split into lines ([] for an empty output). */
  readonly expected: readonly string[];
}

export interface FunctionEntry {
  /** The Spark class whose ExpressionInfo the name is registered with. */
  readonly class: string;
  /** ExpressionInfo's group (`string_funcs`, `agg_funcs`, …). */
  readonly group: string;
  /** Why ExpressionInfoSuite leaves the class's examples out (then `examples` is empty). */
  readonly skipped?: string;
  readonly examples: readonly FunctionExample[];
}

export interface ExampleCorpus {
  readonly spark: { readonly repository: string; readonly ref: string; readonly commit: string };
  readonly functions: Readonly<Record<string, FunctionEntry>>;
}

/** The extracted corpus (`scripts/extract-function-examples.mjs` writes it). */
export function loadCorpus(): ExampleCorpus {
  return JSON.parse(readFileSync(join(import.meta.dirname, "examples.json"), "utf8")) as ExampleCorpus;
}

/** The suite's unindentAndTrim: `s.replaceAll("\n\\s+", "\n").trim` (Java's `\s` and trim). */
function unindentAndTrim(s: string): string {
  const t = s.replace(/\n[ \t\n\v\f\r]+/g, "\n");
  let start = 0;
  let end = t.length;
  while (start < end && t.charCodeAt(start) <= 0x20) start++;
  while (end > start && t.charCodeAt(end - 1) <= 0x20) end--;
  return t.slice(start, end);
}

async function runExample(spark: SparkSession, e: FunctionExample): Promise<{ pass: boolean; why: string }> {
  let text: string;
  try {
    const batches = await spark.sql(e.query).collectBatches();
    text = unindentAndTrim(rowsText(batches, requireZone(spark.conf.sessionTimeZone())).join("\n"));
  } catch (err) {
    return { pass: false, why: `raised: ${(err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 500)}` };
  }
  const expectedText = e.expected.join("\n");
  if (text === expectedText) return { pass: true, why: "" };
  let actual = text === "" ? [] : text.split("\n");
  let expected = [...e.expected];
  if (!isSorted(e.query)) {
    actual = actual.sort();
    expected = expected.sort();
  }
  if (actual.length !== expected.length) return { pass: false, why: `${actual.length} rows, expected ${expected.length}: ${JSON.stringify(text.slice(0, 120))}` };
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return { pass: false, why: `row ${i + 1}: ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}` };
  }
  return { pass: true, why: "" };
}

/** Runs every example of `name` in a fresh session, printing one JSON line per start and outcome. */
async function runFunction(name: string, entry: FunctionEntry): Promise<void> {
  const spark = new SparkSession(`function-examples:${name}`, {
    "spark.sql.session.timeZone": "America/Los_Angeles",
    "sluice.exec.workers": "0",
  });
  for (const [index, e] of entry.examples.entries()) {
    process.stdout.write(JSON.stringify({ name, index, start: true }) + "\n");
    const r = await runExample(spark, e);
    process.stdout.write(JSON.stringify({ name, index, pass: r.pass, why: r.why }) + "\n");
  }
}

if (process.argv[1] !== undefined && /example-worker\.ts$/.test(process.argv[1])) {
  const { functions } = loadCorpus();
  for (const name of process.argv.slice(2)) await runFunction(name, functions[name]);
}
