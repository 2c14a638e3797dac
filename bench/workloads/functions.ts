/**
 * Ten common built-in functions over 1 M in-memory rows, each next to DuckDB's equivalent over the
 * same rows in the same process, interleaved: `SELECT max(<f(x)>) FROM t`. The `max` keeps both
 * engines from skipping the work and leaves one value, which must be equal in both (a function whose
 * answers differ is reported as a mismatch, not timed as a pass). A `max(x)` over the argument
 * column alone is timed too, so the function's own cost can be read as the difference.
 *
 * sluice reads the rows from memory (a local relation of the batches its Parquet reader produced),
 * DuckDB from its own table: both time evaluation, not I/O. The session time zone is UTC (DuckDB's
 * TIMESTAMP has no zone).
 *
 * Run: node --import tsx bench/workloads/functions.ts   (BENCH_ROWS, BENCH_RUNS, BENCH_ONLY=name,…)
 * Prints one JSON object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession } from "../../src/index.js";
import { DataFrame } from "../../src/api/dataframe.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(",");

interface Case {
  readonly name: string;
  /** The argument column alone (the baseline's expression). */
  readonly column: string;
  readonly sluice: string;
  readonly duckdb: string;
}

const CASES: readonly Case[] = [
  { name: "date_format", column: "ts", sluice: "date_format(ts, 'yyyy-MM-dd HH:mm')", duckdb: "strftime(ts, '%Y-%m-%d %H:%M')" },
  {
    name: "to_timestamp",
    column: "ts_text",
    sluice: "CAST(to_timestamp(ts_text, 'yyyy-MM-dd HH:mm:ss') AS STRING)",
    duckdb: "CAST(strptime(ts_text, '%Y-%m-%d %H:%M:%S') AS VARCHAR)",
  },
  { name: "regexp_extract", column: "s", sluice: "regexp_extract(s, 'user-(\\\\d+)-', 1)", duckdb: "regexp_extract(s, 'user-(\\d+)-', 1)" },
  { name: "lpad", column: "s", sluice: "lpad(s, 24, '*')", duckdb: "lpad(s, 24, '*')" },
  { name: "split", column: "s", sluice: "element_at(split(s, '-'), 2)", duckdb: "string_split(s, '-')[2]" },
  { name: "get_json_object", column: "js", sluice: "get_json_object(js, '$.a.b')", duckdb: "json_extract_string(js, '$.a.b')" },
  { name: "concat_ws", column: "s", sluice: "concat_ws('|', s, ts_text)", duckdb: "concat_ws('|', s, ts_text)" },
  { name: "date_add", column: "d", sluice: "CAST(date_add(d, 30) AS STRING)", duckdb: "CAST(d + 30 AS VARCHAR)" },
  { name: "sha2", column: "s", sluice: "sha2(s, 256)", duckdb: "sha256(s)" },
  { name: "transform", column: "arr", sluice: "element_at(transform(arr, x -> x + 1), 1)", duckdb: "list_transform(arr, x -> x + 1)[1]" },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-functions-"));
const db = await DuckDBInstance.create(":memory:");
const duck = await db.connect();
await duck.run("SET threads = 2");
await duck.run(`CREATE TABLE t AS SELECT
    TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 37) AS ts,
    strftime(TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 53), '%Y-%m-%d %H:%M:%S') AS ts_text,
    'user-' || (i * 7919 % 100000) || '-' || (i % 97) AS s,
    '{"a":{"b":' || (i % 1000) || ',"c":"x"},"d":[1,2]}' AS js,
    DATE '2020-01-01' + CAST(i % 2000 AS INTEGER) AS d,
    [CAST(i % 100 AS INTEGER), 2, 3] AS arr
  FROM range(${ROWS}) r(i)`);
const file = join(dir, "t.parquet");
await duck.run(`COPY t TO '${file}' (FORMAT parquet)`);

const spark = SparkSession.builder.appName("bench-functions").config("spark.sql.session.timeZone", "UTC").config("sluice.exec.workers", "0").getOrCreate();
const loaded = spark.read.parquet(file);
const batches = await loaded.collectBatches();
DataFrame.of(spark, { kind: "localRelation", schema: loaded.schema, batches, isStreaming: false }).createOrReplaceTempView("t");

async function sluiceRun(expr: string): Promise<{ ms: number; value: string }> {
  const t0 = performance.now();
  const rows = await spark.sql(`SELECT CAST(max(${expr}) AS STRING) AS v FROM t`).collect();
  return { ms: performance.now() - t0, value: String(rows[0].v) };
}

async function duckRun(expr: string): Promise<{ ms: number; value: string }> {
  const t0 = performance.now();
  const r = await duck.runAndReadAll(`SELECT CAST(max(${expr}) AS VARCHAR) AS v FROM t`);
  return { ms: performance.now() - t0, value: String(r.getRows()[0][0]) };
}

const results: Record<string, unknown>[] = [];
for (const c of CASES) {
  if (ONLY !== undefined && !ONLY.includes(c.name)) continue;
  const times = { sluice: [] as number[], duckdb: [] as number[], baseline: [] as number[] };
  let check: { sluice: string; duckdb: string } | null = null;
  let error: string | null = null;
  try {
    for (let r = 0; r <= RUNS; r++) {
      const s = await sluiceRun(c.sluice);
      const d = await duckRun(c.duckdb);
      const b = await sluiceRun(c.column === "arr" ? "element_at(arr, 1)" : c.column);
      check = { sluice: s.value, duckdb: d.value };
      if (r === 0) continue; // warm-up
      times.sluice.push(s.ms);
      times.duckdb.push(d.ms);
      times.baseline.push(b.ms);
    }
  } catch (e) {
    error = (e instanceof Error ? e.message : String(e)).split("\n")[0];
  }
  if (error !== null) {
    results.push({ name: c.name, error });
    continue;
  }
  const sluiceMs = median(times.sluice);
  const duckMs = median(times.duckdb);
  results.push({
    name: c.name,
    sluiceMs: Math.round(sluiceMs),
    duckdbMs: Math.round(duckMs),
    sluiceOverDuckdb: Number((sluiceMs / duckMs).toFixed(2)),
    sluiceColumnAloneMs: Math.round(median(times.baseline)),
    sluiceRowsPerSecond: Math.round(ROWS / (sluiceMs / 1000)),
    equal: check?.sluice === check?.duckdb,
    ...(check?.sluice === check?.duckdb ? {} : { values: check }),
  });
}

rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ rows: ROWS, runs: RUNS, node: process.version, results }, null, 2));
