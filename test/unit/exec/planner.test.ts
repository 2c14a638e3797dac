/**
 * Physical planning: the filter hint each source leaf gets (the predicates the plan applies right
 * on top of it, rewritten through projections) and its delivery to `SourceConnector.create` in
 * batch and streaming runs. The hint never changes results: the plan's filters still run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";
import { registerConnector } from "../../../src/connectors/registry.js";
import type { SourceHints } from "../../../src/connectors/registry.js";
import { memorySourceConnector } from "../../../src/connectors/memory/memory-stream.js";
import { planPhysical } from "../../../src/exec/planner.js";
import type { PhysicalSource } from "../../../src/exec/planner.js";
import { compileExpr } from "../../../src/exec/eval/compile.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { isValid } from "../../../src/columnar/vector.js";
import { uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("planner-test").getOrCreate();

/** Every `create()` call of the `hint-probe` source (the memory source, recording its hints). */
const created: SourceHints[] = [];
registerConnector({
  name: "hint-probe",
  source: {
    staticSchema: (options, schema, ctx) => memorySourceConnector.staticSchema(options, schema, ctx),
    create: (options, hints) => {
      created.push(hints);
      return memorySourceConnector.create(options, hints);
    },
  },
});

const ROWS = [
  { id: "a", n: 1 },
  { id: "a", n: 2 },
  { id: "b", n: 3 },
  { id: "c", n: null },
];

function input(): MemoryStream {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("planner"));
  ms.addData(ROWS);
  return ms;
}

function read(ms: MemoryStream): DataFrame {
  return spark.read.format("hint-probe").option("name", ms.name).load();
}

function sources(df: DataFrame): readonly PhysicalSource[] {
  return planPhysical(df.resolved, { outputMode: "append", stateFor: () => null }).sources;
}

/** The ids of ROWS for which the source's filter hint is true (all of them for no hint). */
function passing(s: PhysicalSource): string[] {
  if (s.filter === null) return ROWS.map((r) => r.id);
  const batch = batchFromRows(s.schema, ROWS);
  const r = compileExpr(s.filter)(batch);
  return ROWS.filter((_, i) => r.kind === "bool" && isValid(r, i) && r.values[i] === 1).map((x) => x.id);
}

test("a filter right over a source becomes the source's hint; none without a filter", () => {
  const ms = input();
  const [plain] = sources(read(ms));
  assert.equal(plain.filter, null);
  const [filtered] = sources(read(ms).filter("n >= 2"));
  assert.deepEqual(passing(filtered), ["a", "b"]);
});

test("filters through renaming projections are rewritten over the source's columns and combined", () => {
  const ms = input();
  const df = read(ms).filter("n > 1").selectExpr("id AS key", "n * 10 AS m").filter("key = 'a'").filter("m < 100");
  const [s] = sources(df);
  assert.deepEqual(passing(s), ["a"]);
  assert.ok(s.filter !== null);
  // Every reference in the hint is to a column of the source itself.
  const refs = JSON.stringify(s.filter).match(/"kind":"ref","ordinal":\d+,"name":"[a-z]+"/g) ?? [];
  assert.ok(refs.length >= 3);
  for (const r of refs) assert.match(r, /"ordinal":0,"name":"id"|"ordinal":1,"name":"n"/);
});

test("no hint through aggregates, deduplication, limits or unions; clock-dependent conjuncts are left out", () => {
  const ms = input();
  assert.equal(sources(read(ms).dropDuplicates(["id"]).filter("n > 1"))[0].filter, null);
  assert.equal(sources(read(ms).groupBy("id").count().filter("id = 'a'"))[0].filter, null);
  assert.equal(sources(read(ms).limit(2).filter("n > 1"))[0].filter, null);
  const union = sources(read(ms).union(read(ms)).filter("n > 1"));
  assert.deepEqual(
    union.map((s) => s.filter),
    [null, null],
  );
  const [s] = sources(read(ms).filter("current_timestamp() > TIMESTAMP'2000-01-01 00:00:00' AND n = 3"));
  assert.deepEqual(passing(s), ["b"]);
  assert.ok(!JSON.stringify(s.filter).includes("current_timestamp"));
  const [only] = sources(read(ms).filter("current_date() > DATE'2000-01-01'"));
  assert.equal(only.filter, null);
});

test("the hint reaches create() in a batch run, and results are those of the filter", async () => {
  const ms = input();
  created.length = 0;
  const rows = await read(ms).filter("n >= 2").selectExpr("id").collect();
  assert.deepEqual(rows, [{ id: "a" }, { id: "b" }]);
  assert.equal(created.length, 1);
  assert.equal(created[0].streaming, false);
  assert.ok(created[0].filter !== null && created[0].filter !== undefined);
  created.length = 0;
  assert.equal((await read(ms).collect()).length, ROWS.length);
  assert.equal(created[0].filter, null);
});

test("the hint reaches create() in a streaming run", async () => {
  const ms = input();
  created.length = 0;
  const name = uniqueName("hints");
  const q = spark.readStream.format("hint-probe").option("name", ms.name).load().filter("id = 'b'").writeStream.format("memory").queryName(name).start();
  try {
    await q.processAllAvailable();
    assert.deepEqual(await spark.table(name).collect(), [{ id: "b", n: 3 }]);
  } finally {
    await q.stop();
  }
  assert.equal(created.length, 1);
  assert.equal(created[0].streaming, true);
  const hint = created[0].filter;
  assert.ok(hint !== null && hint !== undefined);
  const r = compileExpr(hint)(batchFromRows(ms.schema, ROWS));
  assert.deepEqual(
    ROWS.filter((_, i) => r.kind === "bool" && isValid(r, i) && r.values[i] === 1).map((x) => x.id),
    ["b"],
  );
});

test("a source is told which of its columns the plan reads; results are unchanged", async () => {
  const ms = new MemoryStream("id STRING, n INT, ts TIMESTAMP, extra STRING", uniqueName("planner-cols"));
  const df = spark.read.format("hint-probe").option("name", ms.name).load();
  const columns = (d: DataFrame) => sources(d)[0].columns;
  assert.equal(columns(df), null, "every column reaches the sink");
  assert.deepEqual(columns(df.select("n")), [1]);
  assert.deepEqual(columns(df.filter("n > 1").select("id")), [0, 1]);
  assert.deepEqual(columns(df.groupBy("id").agg({ n: "sum" })), [0, 1]);
  assert.deepEqual(columns(df.selectExpr("upper(id) AS u").filter("u = 'A'")), [0]);
  assert.deepEqual(columns(df.dropDuplicates(["id"]).select("n")), [0, 1]);
  assert.deepEqual(columns(df.orderBy("ts").select("id")), [0, 2]);
  assert.equal(columns(df.dropDuplicates(["id"])), null);
  // Through a stream: a watermark's event time is read even when nothing above selects it.
  const stream = spark.readStream.format("hint-probe").option("name", ms.name).load();
  const windowed = stream.withWatermark("ts", "1 minute").groupBy("id").count();
  assert.deepEqual(planPhysical(windowed.resolved, { outputMode: "update", stateFor: () => null }).sources[0].columns, [0, 2]);
  // The hint reaches create(), and a query reading two of four columns gives the same rows.
  ms.addData([{ id: "a", n: 1, ts: null, extra: "x" }, { id: "b", n: 2, ts: null, extra: "y" }]);
  created.length = 0;
  assert.deepEqual((await df.filter("n > 1").select("id").collect()).map((r) => r.id), ["b"]);
  assert.deepEqual(created.map((h) => h.columns), [[0, 1]]);
});

test("a filter on the event time stays above withWatermark: the watermark must see every row", () => {
  const ms = new MemoryStream("id STRING, ts TIMESTAMP", uniqueName("planner-wm"));
  const stream = spark.readStream.format("hint-probe").option("name", ms.name).load();
  const onTime = stream.withWatermark("ts", "1 minute").filter("ts < TIMESTAMP '2024-01-01 00:00:00'").filter("id = 'a'");
  const [s] = planPhysical(onTime.resolved, { outputMode: "append", stateFor: () => null }).sources;
  assert.ok(s.filter !== null);
  assert.doesNotMatch(JSON.stringify(s.filter), /"name":"ts"/, "only the id conjunct reaches the source");
});
