/**
 * Acceptance of the SQL and relational issue, run as a user runs them (`sluice run JOB.ts` in a
 * child process, paths in environment variables): our ports of public Spark, Delta and Glue jobs
 * under `examples/spark/`, each changed only in syntax, must give Spark's results. Outputs are
 * read back by independent readers: DuckDB for JSON and Parquet, the Delta log replayed by
 * `bench/lib/delta-log.ts` with DuckDB over its live files.
 *
 * What Spark gives, per job (the inputs are small and written here):
 * - word count: the complete-mode console table of Spark's example;
 * - basic operations: the selected devices, counts per device type, and SQL's count(*) over a
 *   streaming temp view;
 * - stream–static join: the inner and left outer joins of readings with a static type table;
 * - Delta's streaming example: 8 seeded rows, then the rate stream's rows, read back by a stream,
 *   and per-key counts merged into the table by foreachBatch with DeltaTable.merge;
 * - the upsert: the latest change per key (row_number over a window) applied with MERGE INTO,
 *   across two runs;
 * - the windowed word count: the complete-mode console table of counts per sliding window;
 * - the programming guide's watermark example: the guide's words arriving over three triggers,
 *   the late "donkey" dropped, each window written once when the watermark passes it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { queryRows, readParquetSql, sqlString } from "../support/duckdb.js";
import { runJobOk, runSluice } from "../support/sluice-cli.js";

const base = mkdtempSync(join(tmpdir(), "sluice-spark-jobs-"));
test.after(() => rmSync(base, { recursive: true, force: true }));
const duck = await (await DuckDBInstance.create(":memory:")).connect();

function folder(...parts: string[]): string {
  const p = join(base, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(".json")).map((n) => join(dir, n));
}

test("structured network word count (over a folder) prints Spark's complete-mode counts", async () => {
  const input = folder("words", "lines");
  writeFileSync(join(input, "a.txt"), "apache spark\napache hadoop\n");
  writeFileSync(join(input, "b.txt"), "spark streaming spark\n");
  const r = await runSluice(["run", "examples/spark/structured-network-word-count.ts"], { env: { INPUT: input, TRIGGER: "availableNow", CHECKPOINT: join(base, "words", "ck") }, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const counts = Object.fromEntries([...r.stdout.matchAll(/^\|\s*(\w+)\|\s*(\d+)\|$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(counts, { apache: 2, spark: 3, hadoop: 1, streaming: 1 });
});

test("basic operations: selection, aggregation and spark.sql over a streaming temp view", async () => {
  const input = folder("basic", "devices");
  writeFileSync(
    join(input, "1.json"),
    [
      { device: "d1", deviceType: "thermo", signal: 12.5, time: "2024-05-01 10:00:00" },
      { device: "d2", deviceType: "thermo", signal: 8.0, time: "2024-05-01 10:00:01" },
      { device: "d3", deviceType: "camera", signal: 30.0, time: "2024-05-01 10:00:02" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n"),
  );
  const out = join(base, "basic", "out");
  await runJobOk("examples/spark/basic-operations-sql.ts", { INPUT: input, OUTPUT: out, CHECKPOINTS: join(base, "basic", "ck") });
  const read = (dir: string, columns: string, order = "1") => queryRows(`SELECT ${columns} FROM read_json_auto([${jsonFiles(join(out, dir)).map(sqlString).join(", ")}]) ORDER BY ${order}`);
  assert.deepEqual((await read("signal", "device")).map((r) => r.device), ["d1", "d3"]);
  assert.deepEqual((await read("by_type", "deviceType, count")).map((r) => `${r.deviceType}=${r.count}`), ["camera=1", "thermo=2"]);
  assert.deepEqual((await read("total", '"count(1)" AS n')).map((r) => Number(r.n)), [3]);
});

test("stream–static joins, inner and left outer, as the programming guide writes them", async () => {
  const types = join(folder("join"), "types.json");
  writeFileSync(types, '{"type":"thermo","description":"thermometer"}\n{"type":"camera","description":"camera"}\n');
  const input = folder("join", "readings");
  writeFileSync(join(input, "1.json"), '{"device":"d1","type":"thermo","value":1.0}\n{"device":"d9","type":"radar","value":2.0}\n{"device":"d3","type":"camera","value":3.0}\n');
  const out = join(base, "join", "out");
  await runJobOk("examples/spark/stream-static-join.ts", { TYPES: types, INPUT: input, OUTPUT: out, CHECKPOINTS: join(base, "join", "ck") });
  const parquet = (dir: string) => readdirSync(join(out, dir)).filter((n) => n.endsWith(".parquet")).map((n) => join(out, dir, n));
  const inner = await queryRows(`SELECT type, device, description FROM ${readParquetSql(parquet("inner"))} ORDER BY device`);
  assert.deepEqual(inner.map((r) => `${r.device}:${r.type}:${r.description}`), ["d1:thermo:thermometer", "d3:camera:camera"]);
  const outer = await queryRows(`SELECT type, device, description FROM ${readParquetSql(parquet("left_outer"))} ORDER BY device`);
  assert.deepEqual(outer.map((r) => `${r.device}:${r.type}:${r.description}`), ["d1:thermo:thermometer", "d3:camera:camera", "d9:radar:null"]);
});

test("Delta's streaming example: batch write, stream write and read, foreachBatch merge", async () => {
  const table = join(base, "delta", "table");
  const r = await runSluice(["run", "examples/spark/delta-streaming.ts"], { env: { TABLE: table, CHECKPOINTS: join(base, "delta", "ck"), ROWS: "20" }, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /read back 28 rows/);
  const upserted = Number(/upserted (\d+) rate rows/.exec(r.stdout)?.[1]);
  assert.ok(upserted >= 20, `the merge stream counted ${upserted} rows`);
  const state = await readDeltaLog(table, duck);
  const rows = await queryRows(`SELECT id, value FROM ${readParquetSql(state.files)} ORDER BY id, value`);
  // The 8 seeded ids and the 20 streamed ids; ids 0–9 then hold the count of rate values ≡ id (mod 10).
  assert.equal(rows.length, 28);
  const keyed = rows.filter((x) => Number(x.id) < 10);
  const perKey = new Map(keyed.map((x) => [Number(x.id), Number(x.value)]));
  assert.deepEqual([...perKey.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(keyed.every((x) => Number(x.value) === perKey.get(Number(x.id))), "every row of a key got the merged count");
  assert.equal([...perKey.values()].reduce((a, b) => a + b, 0), upserted, "the counts add up to the rows the merge stream read");
  assert.ok(rows.filter((x) => Number(x.id) >= 10).every((x) => x.value === null), "the streamed rows above 9 have no value");
});

test("foreachBatch upsert: latest change per key by row_number, applied with MERGE INTO over two runs", async () => {
  const input = folder("upsert", "changes");
  const table = join(base, "upsert", "customers");
  const env = { INPUT: input, TABLE: table, CHECKPOINT: join(base, "upsert", "ck"), TRIGGER: "availableNow" };
  const lines = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join("\n");
  writeFileSync(
    join(input, "1.json"),
    lines([
      { id: 1, name: "Ann", city: "Oslo", updated_at: "2024-05-01 10:00:00", op: "upsert" },
      { id: 2, name: "Bob", city: "Rome", updated_at: "2024-05-01 10:00:00", op: "upsert" },
      { id: 1, name: "Ann", city: "Bergen", updated_at: "2024-05-01 11:00:00", op: "upsert" },
    ]),
  );
  await runJobOk("examples/spark/foreach-batch-upsert.ts", env);
  const read = async () => {
    const state = await readDeltaLog(table, duck);
    return (await queryRows(`SELECT id, city FROM ${readParquetSql(state.files)} ORDER BY id`)).map((r) => `${r.id}:${r.city}`);
  };
  assert.deepEqual(await read(), ["1:Bergen", "2:Rome"]);
  writeFileSync(
    join(input, "2.json"),
    lines([
      { id: 2, name: "Bob", city: "Milan", updated_at: "2024-05-01 09:00:00", op: "upsert" },
      { id: 3, name: "Cy", city: "Lyon", updated_at: "2024-05-01 12:00:00", op: "upsert" },
      { id: 1, name: "Ann", city: "Bergen", updated_at: "2024-05-01 13:00:00", op: "delete" },
    ]),
  );
  await runJobOk("examples/spark/foreach-batch-upsert.ts", env);
  assert.deepEqual(await read(), ["2:Rome", "3:Lyon"]);
});

test("windowed word count prints Spark's counts per sliding window", async () => {
  const input = folder("windowed", "lines");
  writeFileSync(
    join(input, "a.json"),
    '{"value":"apache spark","timestamp":"2024-05-01 10:00:03"}\n{"value":"apache hadoop","timestamp":"2024-05-01 10:00:07"}\n{"value":"spark","timestamp":"2024-05-01 10:00:12"}\n',
  );
  const r = await runSluice(["run", "examples/spark/structured-network-word-count-windowed.ts"], {
    env: { INPUT: input, TRIGGER: "availableNow", CHECKPOINT: join(base, "windowed", "ck") },
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const rows = [...r.stdout.matchAll(/^\|\{(\S+ \S+), (\S+ \S+)\}\|(\w+)\s*\|(\d+)\s*\|$/gm)].map((m) => `${m[1].slice(11)}-${m[2].slice(11)} ${m[3]}=${m[4]}`);
  assert.deepEqual(rows.sort(), [
    "09:59:55-10:00:05 apache=1",
    "09:59:55-10:00:05 spark=1",
    "10:00:00-10:00:10 apache=2",
    "10:00:00-10:00:10 hadoop=1",
    "10:00:00-10:00:10 spark=1",
    "10:00:05-10:00:15 apache=1",
    "10:00:05-10:00:15 hadoop=1",
    "10:00:05-10:00:15 spark=1",
    "10:00:10-10:00:20 spark=1",
  ]);
  // Ordered by window, as the example's orderBy("window").
  const starts = [...r.stdout.matchAll(/^\|\{(\S+ \S+),/gm)].map((m) => m[1]);
  assert.deepEqual(starts, [...starts].sort());
});

test("the programming guide's watermark example: late words dropped, each window written once", async () => {
  const input = folder("watermark", "words");
  const out = join(base, "watermark", "out");
  const env = { INPUT: input, OUTPUT: out, TRIGGER: "availableNow", CHECKPOINT: join(base, "watermark", "ck") };
  const words = (pairs: [string, string][]) => pairs.map(([t, w]) => JSON.stringify({ timestamp: `2024-05-01 ${t}:00`, word: w })).join("\n");
  // The guide's figure: three triggers; by the third the watermark is 12:11, so 12:04's donkey is late.
  writeFileSync(join(input, "1.json"), words([["12:07", "dog"], ["12:08", "owl"]]));
  await runJobOk("examples/spark/watermarked-word-count.ts", env);
  writeFileSync(join(input, "2.json"), words([["12:14", "dog"], ["12:09", "cat"], ["12:15", "cat"], ["12:08", "dog"], ["12:13", "owl"], ["12:21", "owl"]]));
  await runJobOk("examples/spark/watermarked-word-count.ts", env);
  writeFileSync(join(input, "3.json"), words([["12:17", "owl"], ["12:04", "donkey"]]));
  await runJobOk("examples/spark/watermarked-word-count.ts", env);
  const rows = await queryRows(`SELECT strftime(CAST("start" AS TIMESTAMP), '%H:%M') AS s, strftime(CAST("end" AS TIMESTAMP), '%H:%M') AS e, word, "count" FROM read_json_auto([${jsonFiles(out).map(sqlString).join(", ")}]) ORDER BY s, word`);
  assert.deepEqual(rows.map((r) => `${r.s}-${r.e} ${r.word}=${r.count}`), ["12:00-12:10 cat=1", "12:00-12:10 dog=2", "12:00-12:10 owl=1"]);
});
