/**
 * Runs Spark 3.5's SQLQueryTestSuite golden files (`../shared/fixtures/spark-sql-tests`) through
 * `spark.sql`, one file after another, each in a fresh session with the session time zone
 * `America/Los_Angeles` and the file's `--SET` settings, and prints one JSON line per query:
 * `{"file", "index", "pass", "why"}`. Spawned by `spark-sql.test.ts` (which restarts it past a file
 * that hangs) and by `report.ts`.
 *
 * A query passes when Spark's result schema (its catalogString) and rows (HiveResult's text,
 * compared as sorted lists unless the query ends in ORDER BY, as the suite does) are equal, or
 * when Spark raised an error and sluice raises one too. Known differences kept on purpose are in
 * `known-differences.json`, each with its reason; they are reported, never counted as passes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../../src/index.js";
import type { Batch } from "../../../src/columnar/batch.js";
import type { Vector } from "../../../src/columnar/vector.js";
import { isValid } from "../../../src/columnar/vector.js";
import { HIVE, slotText } from "../../../src/exec/eval/cast.js";
import type { ZoneRules } from "../../../src/columnar/time-zone.js";
import { requireZone } from "../../../src/columnar/time-zone.js";
import { catalogString } from "../../../src/types/print-schema.js";
import { decodeUtf8 } from "../../../src/columnar/utf8.js";
import { javaDoubleString, javaFloatString } from "../../../src/columnar/java-text.js";
import { formatDecimal } from "../../../src/columnar/values.js";

export const SQL_TESTS = join(import.meta.dirname, "../../../../shared/fixtures/spark-sql-tests/sql-tests");

export interface GoldenEntry {
  readonly query: string;
  readonly schema: string | null;
  readonly output: readonly string[];
  readonly isError: boolean;
}

/** Splits a `.sql.out` file into its queries. */
export function parseGolden(text: string): GoldenEntry[] {
  const entries: GoldenEntry[] = [];
  const blocks = text.split(/^-- !query\n/m).slice(1);
  for (const block of blocks) {
    const schemaAt = block.indexOf("-- !query schema\n");
    const outputAt = block.indexOf("-- !query output\n");
    const query = block.slice(0, schemaAt >= 0 ? schemaAt : outputAt).trim();
    const schema = schemaAt >= 0 ? block.slice(schemaAt + 17, outputAt).trim() : null;
    const outText = block.slice(outputAt + 17).replace(/\n+$/, "");
    const output = outText.length === 0 ? [] : outText.split("\n");
    const isError = output.length > 0 && /^[\w.$]+(Exception|Error)$/.test(output[0]);
    entries.push({ query, schema, output, isError });
  }
  return entries;
}

/** `--SET k=v` lines of a test input (file-wide settings). */
function fileSettings(inputPath: string): [string, string][] {
  let text: string;
  try {
    text = readFileSync(inputPath, "utf8");
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  for (const m of text.matchAll(/^--SET\s+(.+)$/gm)) {
    for (const kv of m[1].split(",")) {
      const i = kv.indexOf("=");
      if (i > 0) out.push([kv.slice(0, i).trim(), kv.slice(i + 1).trim()]);
    }
  }
  return out;
}

/** HiveResult's text of one value: top-level strings raw and nulls `NULL`; nested strings quoted. */
function hiveText(v: Vector, i: number, nested: boolean, zone: ZoneRules): string {
  if (!isValid(v, i)) return nested ? "null" : "NULL";
  if (v.type.typeName === "interval") return slotText(v, i, HIVE, zone);
  switch (v.kind) {
    case "bytes": {
      const s = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
      return nested && v.type.typeName === "string" ? `"${s}"` : s;
    }
    case "f64":
      return javaDoubleString(v.values[i]);
    case "f32":
      return javaFloatString(v.values[i]);
    case "decimal":
      return formatDecimal(v.values[i], v.type.scale);
    case "struct":
      return `{${v.type.fields.map((f, k) => `"${f.name}":${hiveText(v.children[k], i, true, zone)}`).join(",")}}`;
    case "list": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(hiveText(v.child, k, true, zone));
      return `[${parts.join(",")}]`;
    }
    case "map": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(`${hiveText(v.keys, k, true, zone)}:${hiveText(v.items, k, true, zone)}`);
      // HiveResult sorts a map's entries by their text.
      return `{${parts.sort().join(",")}}`;
    }
    default:
      return slotText(v, i, HIVE, zone);
  }
}

export function rowsText(batches: readonly Batch[], zone: ZoneRules): string[] {
  // A value spanning lines (SHOW CREATE TABLE's statement) prints as several lines, as the suite's output does.
  return rowStrings(batches, zone).flatMap((row) => row.split("\n"));
}

/** Each row's HiveResult text, tab-separated values. */
function rowStrings(batches: readonly Batch[], zone: ZoneRules): string[] {
  const out: string[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) out.push(b.columns.map((c) => hiveText(c, i, false, zone)).join("\t"));
  }
  return out;
}

/**
 * HiveResult's formatDescribeTableOutput, used for DESCRIBE of a table or query (the result with
 * columns col_name, data_type, comment): each value left-aligned in 20 characters, a null comment
 * empty, tab-separated; rows keep their order.
 */
function describeText(batches: readonly Batch[], zone: ZoneRules): string[] {
  const out: string[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) out.push(b.columns.map((c) => (isValid(c, i) ? hiveText(c, i, false, zone) : "").padEnd(20)).join("\t"));
  }
  return out;
}

function isDescribeTable(query: string, schema: string): boolean {
  return /^\s*DESC(RIBE)?\b/i.test(query) && schema === "struct<col_name:string,data_type:string,comment:string>";
}

/**
 * SQLQueryTestHelper's replaceNotIncludedMsg for the lines it masks: a location under the warehouse,
 * creation times, last access and creator.
 */
function maskNotIncluded(line: string, warehouse: string): string {
  const dir = warehouse.replace(/\/$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return line
    .replace(new RegExp(`Location.*${dir}/`), "Location [not included in comparison]/{warehouse_dir}/")
    .replace(/Created By.*/, "Created By [not included in comparison]")
    .replace(/Created Time.*/, "Created Time [not included in comparison]")
    .replace(/Last Access.*/, "Last Access [not included in comparison]");
}

/** Whether the query's outermost clause is ORDER BY (then row order is compared). */
export function isSorted(query: string): boolean {
  let depth = 0;
  let flat = "";
  for (const ch of query.replace(/--.*$/gm, "")) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0) flat += ch;
  }
  return /\border\s+by\b/i.test(flat);
}

async function runEntry(spark: SparkSession, e: GoldenEntry): Promise<{ pass: boolean; why: string }> {
  let batches: Batch[];
  let schema: string;
  try {
    const df = spark.sql(e.query);
    schema = catalogString(df.schema);
    batches = await df.collectBatches();
  } catch (err) {
    if (e.isError) return { pass: true, why: "error expected and raised" };
    return { pass: false, why: `raised: ${(err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 200)}` };
  }
  if (e.isError) return { pass: false, why: `Spark raised ${e.output[0]}; sluice returned a result` };
  if (e.schema !== null && e.schema !== schema) return { pass: false, why: `schema ${schema}, expected ${e.schema}` };
  const zone = requireZone(spark.conf.sessionTimeZone());
  const describe = isDescribeTable(e.query, schema);
  const sorted = describe || isSorted(e.query);
  const warehouse = spark.conf.get("spark.sql.warehouse.dir") ?? "";
  let rows = (describe ? describeText(batches, zone) : rowStrings(batches, zone)).map((row) => row.split("\n").map((l) => maskNotIncluded(l, warehouse)).join("\n"));
  // HiveResult prints only the name column of SHOW TABLES (not EXTENDED) and SHOW VIEWS, as Hive does.
  if (/^\s*SHOW\s+(TABLES|VIEWS)\b/i.test(e.query)) rows = rows.map((row) => row.split("\t")[1] ?? row);
  // The suite sorts the rows of an unordered result, then writes the block with its trailing
  // whitespace (blank lines too) trimmed.
  if (!sorted) rows = [...rows].sort();
  const block = rows.join("\n").replace(/[ \t\n\v\f\r]+$/, "");
  let actual = rows.length > 1 || block !== "" ? block.split("\n") : rows;
  let expected = [...e.output];
  // The golden format prints one empty-string row and no rows alike (an empty output block).
  if (expected.length === 0 && actual.length === 1 && actual[0] === "") expected = [""];
  if (!sorted) {
    actual = [...actual].sort();
    expected = expected.sort();
  }
  if (actual.length !== expected.length) return { pass: false, why: `${actual.length} rows, expected ${expected.length}` };
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return { pass: false, why: `row ${i + 1}: ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}` };
  }
  return { pass: true, why: "" };
}

interface KnownDifference {
  readonly file: string;
  readonly query: number;
  readonly reason: string;
}

const KNOWN: readonly KnownDifference[] = (
  JSON.parse(readFileSync(join(import.meta.dirname, "known-differences.json"), "utf8")) as { differences: KnownDifference[] }
).differences;

/**
 * The tables SQLQueryTestSuite creates before every file (SQLQueryTestHelper.createTestTables):
 * `testdata` (key 1..100, value its text), `arraydata` and `mapdata`, as Parquet tables of the
 * session's warehouse. (Its PostgreSQL tables aggtest, onek and tenk1 are loaded from data files
 * that are not among the fixtures, so the queries over them fail here.)
 */
async function createTestTables(spark: SparkSession): Promise<void> {
  spark.createDataFrame(Array.from({ length: 100 }, (_, i) => ({ key: i + 1, value: String(i + 1) })), "key INT, value STRING").createOrReplaceTempView("__testdata");
  spark.sql("CREATE TABLE testdata USING parquet AS SELECT * FROM __testdata");
  spark.sql("CREATE TABLE arraydata USING parquet AS SELECT * FROM VALUES (array(1, 2, 3), array(array(1, 2, 3))), (array(2, 3, 4), array(array(2, 3, 4))) AS t(arraycol, nestedarraycol)");
  const maps = [
    [[1, "a1"], [2, "b1"], [3, "c1"], [4, "d1"], [5, "e1"]],
    [[1, "a2"], [2, "b2"], [3, "c2"], [4, "d2"]],
    [[1, "a3"], [2, "b3"], [3, "c3"]],
    [[1, "a4"], [2, "b4"]],
    [[1, "a5"]],
  ];
  spark.createDataFrame(maps.map((m) => ({ mapcol: new Map(m as [number, string][]) })), "mapcol MAP<INT, STRING>").createOrReplaceTempView("__mapdata");
  spark.sql("CREATE TABLE mapdata USING parquet AS SELECT * FROM __mapdata");
  await spark.sql("SELECT 1").collect();
  spark.catalog.dropTempView("__testdata");
  spark.catalog.dropTempView("__mapdata");
}

/** Runs every query of `file` (a path relative to `results/`) and prints one JSON line per query. */
async function runFile(file: string): Promise<void> {
  const entries = parseGolden(readFileSync(join(SQL_TESTS, "results", file), "utf8"));
  const warehouse = mkdtempSync(join(tmpdir(), "sluice-golden-"));
  const spark = new SparkSession(`golden:${file}`, {
    "spark.sql.session.timeZone": "America/Los_Angeles",
    "sluice.exec.workers": "0",
    "spark.sql.warehouse.dir": warehouse,
  });
  await createTestTables(spark);
  // SQLQueryTestSuite runs the PostgreSQL files with legacy (calendar) interval literals.
  if (file.startsWith("postgreSQL/")) spark.conf.set("spark.sql.legacy.interval.enabled", "true");
  // …and the timestampNTZ files with spark.sql.timestampType=TIMESTAMP_NTZ.
  if (file.startsWith("timestampNTZ/")) spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ");
  for (const [k, v] of fileSettings(join(SQL_TESTS, "inputs", file.replace(/\.out$/, "")))) {
    try {
      spark.conf.set(k, v);
    } catch {
      // A setting sluice checks and refuses: the queries run without it.
    }
  }
  for (const [index, e] of entries.entries()) {
    process.stdout.write(JSON.stringify({ file, index, start: true }) + "\n");
    const r = await runEntry(spark, e);
    const known = KNOWN.find((k) => k.file === file && k.query === index + 1);
    if (!r.pass && known !== undefined) r.why = `known difference (${known.reason}): ${r.why}`;
    process.stdout.write(JSON.stringify({ file, index, pass: r.pass, why: r.why }) + "\n");
  }
  rmSync(warehouse, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && /golden-worker\.ts$/.test(process.argv[1])) {
  for (const file of process.argv.slice(2)) await runFile(file);
}
