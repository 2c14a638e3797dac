/**
 * `runQuery` (what `sluice query` runs) over Delta tables written by sluice: the rewritten
 * ``delta.`path` `` must give exactly the table's live rows with typed partition columns, compared
 * with the rows written and with aggregates computed here.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runQuery } from "../../../src/cli/query-command.js";
import type { QueryResult } from "../../../src/cli/query-command.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { SparkSession, MemoryStream } from "../../../src/index.js";
import { writeParquet } from "../../../src/formats/parquet/parquet-writer.js";
import { toSchema } from "../../../src/sql/ddl.js";
import { AnalysisError, ConfigError, NotFoundError } from "../../../src/errors.js";
import { fixtureFolder } from "../../support/fixtures.js";
import { LocalStorage } from "../../../src/storage/local.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { appendToTable } from "../../../src/tables/delta/append.js";
import { optimizeTable } from "../../../src/tables/delta/optimize.js";
import { BooleanType, DateType, DoubleType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from "../../../src/types/data-types.js";

const icebergFixtures = fixtureFolder("iceberg/icebird/hyperparam-iceberg");

let dir = "";
let storage: LocalStorage;

const SALES = StructType([
  StructField("id", LongType()),
  StructField("day", DateType()),
  StructField("city", StringType()),
  StructField("amount", DoubleType()),
]);

type Sale = {
  id: bigint;
  day: number;
  city: string | null;
  amount: number;
};

function sales(from: number, n: number): Sale[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { id: BigInt(i), day: 19_700 + (i % 3), city: i % 7 === 0 ? null : `c'${i % 3}`, amount: i * 0.5 };
  });
}

const written: Sale[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sluice-cli-query-"));
  storage = new LocalStorage(dir, { fsync: false });
  for (const [from, n] of [
    [0, 40],
    [40, 25],
    [65, 10],
  ]) {
    const rows = sales(from, n);
    written.push(...rows);
    await appendToTable(storage, "sales", [batchFromRows(SALES, rows)], { schema: SALES, partitionBy: ["day", "city"] });
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

const table = (name: string) => `delta.\`${join(dir, name)}\``;

function rowsOf(r: QueryResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

function isoDay(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

test("a partitioned table reads back as the rows written, partition columns typed and in schema order", async () => {
  const r = await runQuery(`SELECT * FROM ${table("sales")} ORDER BY id`);
  assert.deepEqual(
    r.columns.map((c) => c.name),
    ["id", "day", "city", "amount"],
  );
  assert.deepEqual(
    rowsOf(r),
    written.map((s) => ({ id: String(s.id), day: isoDay(s.day), city: s.city, amount: s.amount })),
  );
  const types = await runQuery(`SELECT typeof(id) AS a, typeof(day) AS b, typeof(city) AS c, typeof(amount) AS d FROM ${table("sales")} LIMIT 1`);
  assert.deepEqual(types.rows[0], ["BIGINT", "DATE", "VARCHAR", "DOUBLE"]);
});

test("aggregates per partition equal the ones computed from the rows written", async () => {
  const r = await runQuery(`SELECT day, city, count(*) AS n, sum(amount) AS total FROM ${table("sales")} GROUP BY day, city ORDER BY day, city NULLS FIRST`);
  const expected = new Map<string, { day: string; city: string | null; n: number; total: number }>();
  for (const s of written) {
    const key = `${s.day}|${s.city ?? ""}`;
    const e = expected.get(key) ?? { day: isoDay(s.day), city: s.city, n: 0, total: 0 };
    e.n++;
    e.total += s.amount;
    expected.set(key, e);
  }
  const sorted = [...expected.values()].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.city === null ? -1 : b.city === null ? 1 : a.city < b.city ? -1 : 1));
  assert.deepEqual(
    rowsOf(r),
    sorted.map((e) => ({ day: e.day, city: e.city, n: String(e.n), total: e.total })),
  );
  // A filter on a partition column with a quote in its values.
  const c1 = await runQuery(`SELECT count(*) AS n FROM ${table("sales")} WHERE city = 'c''1'`);
  assert.equal(c1.rows[0][0], String(written.filter((s) => s.city === "c'1").length));
});

test("only live files count: after OPTIMIZE the removed files stay on disk but are not read", async () => {
  const before = await runQuery(`SELECT count(*) AS n, sum(id) AS s FROM ${table("sales")}`);
  const { version } = await optimizeTable(storage, "sales");
  assert.notEqual(version, null, "optimize compacted something");
  const afterOptimize = await runQuery(`SELECT count(*) AS n, sum(id) AS s FROM ${table("sales")}`);
  assert.deepEqual(afterOptimize.rows, before.rows);
  assert.equal(afterOptimize.rows[0][0], String(written.length));
});

test("timestamp, integer and boolean partition values become typed constants; a null partition is NULL", async () => {
  const schema = StructType([
    StructField("v", StringType()),
    StructField("ts", TimestampType()),
    StructField("n", IntegerType()),
    StructField("flag", BooleanType()),
  ]);
  const rows = [
    { v: "a", ts: 1_700_000_000_123_456n, n: 1, flag: true },
    { v: "b", ts: 1_700_000_000_123_456n, n: 2, flag: false },
    { v: "c", ts: null, n: null, flag: null },
  ];
  await appendToTable(storage, "typed", [batchFromRows(schema, rows)], { schema, partitionBy: ["ts", "n", "flag"] });
  const r = await runQuery(`SELECT v, epoch_us(ts) AS us, n, flag, typeof(ts) AS t, typeof(n) AS tn FROM ${table("typed")} ORDER BY v`);
  assert.deepEqual(rowsOf(r), [
    { v: "a", us: "1700000000123456", n: 1, flag: true, t: "TIMESTAMP WITH TIME ZONE", tn: "INTEGER" },
    { v: "b", us: "1700000000123456", n: 2, flag: false, t: "TIMESTAMP WITH TIME ZONE", tn: "INTEGER" },
    { v: "c", us: null, n: null, flag: null, t: "TIMESTAMP WITH TIME ZONE", tn: "INTEGER" },
  ]);
});

test("a table without files is an empty relation with the table's columns and types", async () => {
  await appendToTable(storage, "empty", [], { schema: SALES, partitionBy: ["day"] });
  const r = await runQuery(`SELECT * FROM ${table("empty")}`);
  assert.deepEqual(r.rows, []);
  assert.deepEqual(
    r.columns.map((c) => c.name),
    ["id", "day", "city", "amount"],
  );
  const d = await runQuery(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${table("empty")})`);
  assert.deepEqual(d.rows, [
    ["id", "BIGINT"],
    ["day", "DATE"],
    ["city", "VARCHAR"],
    ["amount", "DOUBLE"],
  ]);
});

test("parquet and json references read files; a folder means the files below it", async () => {
  const landing = join(dir, "landing");
  mkdirSync(landing, { recursive: true });
  writeFileSync(join(landing, "a.json"), '{"k":1}\n{"k":2}\n');
  writeFileSync(join(landing, "b.json"), '{"k":3}\n');
  const j = await runQuery(`SELECT sum(k) AS s, count(*) AS n FROM json.\`${landing}\``);
  assert.deepEqual(j.rows, [["6", "3"]]);
  const p = await runQuery(`SELECT count(*) AS n FROM parquet.\`${join(dir, "sales")}/*/*/*.parquet\``);
  assert.ok(Number(p.rows[0][0]) >= written.length, "every data file on disk, removed ones included");
});

/** Writes `blocks` through a streaming `format` file sink into `out` (one batch per block), partitioned by `p`. */
async function sinkFolder(format: "parquet" | "json", out: string, blocks: Record<string, unknown>[][], checkpoint = join(dir, `ck-${format}`)): Promise<void> {
  const spark = SparkSession.builder.getOrCreate();
  const ms = new MemoryStream("id STRING, n BIGINT, p STRING", `query_sink_${format}_${process.pid}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .writeStream.format(format).partitionBy("p").option("path", out).option("checkpointLocation", checkpoint).start();
  for (const b of blocks) {
    ms.addData(b);
    await q.processAllAvailable();
  }
  await q.stop();
  assert.equal(q.exception, null);
}

test("a file sink's folder reads exactly the files of its _spark_metadata log; orphans of uncommitted batches are not read", async () => {
  const blocks = [
    [
      { id: "a", n: 1n, p: "x" },
      { id: "b", n: 2n, p: "y" },
    ],
    [{ id: "c", n: 3n, p: "x" }],
  ];
  const silver = join(dir, "sink-parquet");
  await sinkFolder("parquet", silver, blocks);
  // What a batch killed before its log entry leaves: a data file the log does not list.
  const schema = toSchema("id STRING, n BIGINT");
  writeFileSync(join(silver, "p=x", "part-00000-orphan.c000.snappy.parquet"), await writeParquet(schema, [batchFromRows(schema, [{ id: "orphan", n: 99n }])]));
  const p = await runQuery(`SELECT id, n, p FROM parquet.\`${silver}\` ORDER BY id`);
  assert.deepEqual(rowsOf(p), [
    { id: "a", n: "1", p: "x" },
    { id: "b", n: "2", p: "y" },
    { id: "c", n: "3", p: "x" },
  ]);
  // A glob never consults the log (as in Spark): the orphan is there on disk.
  const glob = await runQuery(`SELECT count(*) AS n FROM parquet.\`${silver}/*/*.parquet\``);
  assert.deepEqual(glob.rows, [["4"]]);

  const bronze = join(dir, "sink-json");
  await sinkFolder("json", bronze, blocks);
  writeFileSync(join(bronze, "p=y", "part-00000-orphan.c000.json"), '{"id":"orphan","n":99}\n');
  const j = await runQuery(`SELECT id, n, p FROM json.\`${bronze}\` ORDER BY id`);
  assert.deepEqual(rowsOf(j), [
    { id: "a", n: "1", p: "x" },
    { id: "b", n: "2", p: "y" },
    { id: "c", n: "3", p: "x" },
  ]);

  // A sink that has not committed a batch yet has nothing to read.
  const empty = join(dir, "sink-empty");
  mkdirSync(join(empty, "_spark_metadata"), { recursive: true });
  writeFileSync(join(empty, "_spark_metadata", ".sluice-sink"), "sluice file sink\n");
  writeFileSync(join(empty, "part-00000-orphan.c000.json"), '{"id":"orphan"}\n');
  await assert.rejects(runQuery(`SELECT * FROM json.\`${empty}\``), (e: unknown) => e instanceof ConfigError && /no committed batch yet/.test(e.message));
});

test("the lock: every way out of the named tables is refused with a sluice error naming --unsafe", async () => {
  const landing = join(dir, "lock-landing");
  mkdirSync(landing, { recursive: true });
  writeFileSync(join(landing, "a.json"), '{"k":1}\n');
  const secret = join(dir, "secret.csv");
  writeFileSync(secret, "user,password\nroot,hunter2\n");
  const named = `json.\`${landing}\``;
  const escapes: [string, RegExp][] = [
    [`SELECT * FROM read_csv('${secret}')`, /refused by the lock: Permission Error: Cannot access file ".*secret\.csv"/],
    [`SELECT * FROM read_csv('/etc/passwd')`, /refused by the lock: .*\/etc\/passwd/],
    [`SELECT * FROM ${named}, read_text('${secret}')`, /refused by the lock: .*secret\.csv/],
    [`SELECT * FROM read_text('${landing}/../secret.csv')`, /refused by the lock/],
    [`SELECT * FROM glob('${dir}/*')`, /refused by the lock/],
    [`SELECT * FROM read_parquet('https://example.com/t.parquet')`, /refused by the lock: .*https:\/\/example\.com/],
    [`COPY (SELECT 1 AS x) TO '${join(dir, "out.csv")}'`, /refused by the lock/],
    [`SELECT * FROM ${named}; COPY (SELECT 1 AS x) TO '${join(landing, "out.csv")}'`, /query: COPY is not allowed \(statement 2 of 2\)/],
    [`EXPORT DATABASE '${join(dir, "export")}'`, /refused by the lock/],
    [`ATTACH '${join(dir, "other.duckdb")}' AS other`, /query: ATTACH is not allowed/],
    [`ATTACH ':memory:' AS other`, /query: ATTACH is not allowed/],
    [`DETACH memory`, /query: DETACH is not allowed/],
    ["INSTALL httpfs", /query: INSTALL and LOAD are not allowed/],
    ["LOAD httpfs", /query: INSTALL and LOAD are not allowed/],
    ["UPDATE EXTENSIONS", /query: UPDATE EXTENSIONS is not allowed/],
    ["SET enable_external_access = true", /query: SET, RESET and PRAGMA settings are not allowed/],
    ["RESET lock_configuration", /query: SET, RESET and PRAGMA settings are not allowed/],
    [`PRAGMA profile_output = '${join(dir, "profile.json")}'`, /query: SET, RESET and PRAGMA settings are not allowed/],
  ];
  for (const [sql, message] of escapes) {
    await assert.rejects(runQuery(sql), (e: unknown) => {
      assert.ok(e instanceof AnalysisError, `${sql}: ${String(e)}`);
      assert.match(e.message, message, sql);
      assert.match(e.message, /^query: /, sql);
      assert.match(e.message, /run with --unsafe to lift the lock$/, sql);
      return true;
    });
  }
  for (const name of ["out.csv", "export", "other.duckdb", "profile.json"]) assert.equal(existsSync(join(dir, name)), false, `${name} was written`);
  assert.equal(existsSync(join(landing, "out.csv")), false, "nothing written inside a named table's folder either");

  // What the lock leaves: the named tables, in-memory work, several statements.
  const ok = await runQuery(`CREATE TABLE t AS SELECT k FROM ${named}; SELECT count(*) AS n, current_setting('enable_external_access') AS ext FROM t`);
  assert.deepEqual(ok.rows, [["1", false]]);
});

test("--unsafe lifts the lock: DuckDB reads any file", async () => {
  const csv = join(dir, "unsafe.csv");
  writeFileSync(csv, "a,b\n1,x\n2,y\n");
  const r = await runQuery(`SELECT sum(a) AS s FROM read_csv('${csv}')`, { unsafe: true });
  assert.deepEqual(r.rows, [["3"]]);
  await assert.rejects(runQuery(`SELECT sum(a) AS s FROM read_csv('${csv}')`), /refused by the lock/);
});

test("errors: not a Delta table, a bad column, not an Iceberg table", async () => {
  await assert.rejects(runQuery(`SELECT * FROM ${table("nope")}`), (e: unknown) => e instanceof AnalysisError && /is not a Delta table/.test(e.message));
  await assert.rejects(runQuery(`SELECT nope FROM ${table("sales")}`), (e: unknown) => e instanceof AnalysisError && /nope/.test(e.message));
  await assert.rejects(runQuery("SELECT * FROM iceberg.`/x`"), (e: unknown) => e instanceof NotFoundError && /no Iceberg table at file:\/\/\/x/.test(e.message));
});

test("iceberg.`path` reads the table's current snapshot with its deletes applied", { skip: icebergFixtures.skip }, async () => {
  const r = await runQuery(`SELECT count(*) AS n, min("Popularity Rank") AS lo FROM iceberg.\`${icebergFixtures.dir}/java/bunnies\``);
  assert.deepEqual(r.rows, [["15", "0"]]);
});

test("tables outside the local file system are read from local copies that are removed afterwards", async () => {
  const mem = MemoryStorage.fresh("query-remote");
  await appendToTable(mem, "lake/sales", [batchFromRows(SALES, sales(0, 30))], { schema: SALES, partitionBy: ["day"] });
  const schema = toSchema("id STRING, n BIGINT");
  await mem.put("lake/plain/p=x/a.parquet", await writeParquet(schema, [batchFromRows(schema, [{ id: "a", n: 1n }])]));
  await mem.put("lake/plain/p=y/b.parquet", await writeParquet(schema, [batchFromRows(schema, [{ id: "b", n: 2n }])]));
  await mem.put("lake/plain/_hidden/c.parquet", await writeParquet(schema, [batchFromRows(schema, [{ id: "c", n: 3n }])]));
  await sinkFolder("json", `${mem.root}/lake/sink`, [[{ id: "s", n: 5n, p: "z" }]], `${mem.root}/lake/_checkpoint`);
  const tmp = mkdtempSync(join(tmpdir(), "sluice-query-tmp-"));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const d = await runQuery(`SELECT count(*) AS n, sum(id) AS s, count(DISTINCT day) AS days FROM delta.\`${mem.root}/lake/sales\``);
    assert.deepEqual(d.rows, [["30", "435", "3"]]);
    const p = await runQuery(`SELECT id, n, p FROM parquet.\`${mem.root}/lake/plain\` ORDER BY id`);
    assert.deepEqual(rowsOf(p), [
      { id: "a", n: "1", p: "x" },
      { id: "b", n: "2", p: "y" },
    ]);
    const j = await runQuery(`SELECT id, p FROM json.\`${mem.root}/lake/sink\``);
    assert.deepEqual(rowsOf(j), [{ id: "s", p: "z" }]);
    await assert.rejects(runQuery(`SELECT 1 FROM parquet.\`${mem.root}/lake/plain/*\``), /globs are supported in local paths only/);
    assert.deepEqual(readdirSync(tmp), [], "the local copies are removed");
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
});
