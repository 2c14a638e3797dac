import { test } from "node:test";
import assert from "node:assert/strict";
import { HashAggregateOperator } from "../../../../src/exec/aggregate/hash-aggregate.js";
import type { AggregateColumnSpec } from "../../../../src/exec/aggregate/hash-aggregate.js";
import type { BatchContext } from "../../../../src/exec/operator.js";
import type { OutputMode } from "../../../../src/plan/logical.js";
import type { StateLocation } from "../../../../src/state/state-store.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import type { Row } from "../../../../src/columnar/values.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { AnalysisError } from "../../../../src/errors.js";
import type { DataType } from "../../../../src/types/data-types.js";
import { StructType, StructField, StringType, LongType, DoubleType, DecimalType, IntegerType } from "../../../../src/types/data-types.js";

const schema = StructType([
  StructField("k", StringType()),
  StructField("v", LongType()),
  StructField("d", DoubleType()),
  StructField("s", StringType()),
  StructField("m", DecimalType(10, 2)),
  StructField("i", IntegerType()),
]);
const ctx = (batchId: number, outputMode: OutputMode = "update"): BatchContext => ({ batchId, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs: 0, outputMode });

function agg(name: AggregateColumnSpec["name"], inputOrdinal: number | null, resultType: DataType, outputName: string, extra: Partial<AggregateColumnSpec> = {}): AggregateColumnSpec {
  return { name, inputOrdinal, distinct: false, ignoreNulls: false, resultType, outputName, ...extra };
}

function countByKey(outputMode: OutputMode, state: StateLocation | null) {
  return new HashAggregateOperator({
    inputSchema: schema,
    groupingOrdinals: [0],
    groupingNames: ["k"],
    aggregates: [agg("count", null, LongType(), "count"), agg("sum", 1, LongType(), "sum_v")],
    outputMode,
    state,
    operatorId: 0,
    stateOptions: { minDeltasForSnapshot: 2 },
  });
}

async function runBatch(op: HashAggregateOperator, batchId: number, chunks: Row[][], mode: OutputMode = "update", commit = true): Promise<Row[]> {
  await op.open(ctx(batchId, mode));
  for (const c of chunks) assert.equal(op.process(batchFromRows(schema, c)), null);
  const out = op.finish().flatMap((b) => batchToRows(b));
  if (commit) await op.commit();
  return out;
}

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => String(a.k).localeCompare(String(b.k)));

test("output schema is the grouping columns then the aggregates", () => {
  const op = countByKey("update", null);
  assert.deepEqual(op.schema.fields.map((f) => [f.name, f.dataType.typeName, f.nullable]), [
    ["k", "string", true],
    ["count", "long", false],
    ["sum_v", "long", true],
  ]);
});

test("update mode emits the groups touched in the batch; complete mode emits all", async () => {
  const update = countByKey("update", { storage: MemoryStorage.fresh("agg-update"), prefix: "ckpt/state/0/" });
  const complete = countByKey("complete", { storage: MemoryStorage.fresh("agg-complete"), prefix: "ckpt/state/0/" });
  const b0 = [[{ k: "a", v: 1n }, { k: "b", v: 2n }], [{ k: "a", v: 3n }]];
  const b1 = [[{ k: "b", v: 10n }, { k: "c", v: null }]];
  assert.deepEqual(sortRows(await runBatch(update, 0, b0)), [
    { k: "a", count: 2n, sum_v: 4n },
    { k: "b", count: 1n, sum_v: 2n },
  ]);
  assert.deepEqual(sortRows(await runBatch(update, 1, b1)), [
    { k: "b", count: 2n, sum_v: 12n },
    { k: "c", count: 1n, sum_v: null },
  ]);
  await runBatch(complete, 0, b0, "complete");
  assert.deepEqual(sortRows(await runBatch(complete, 1, b1, "complete")), [
    { k: "a", count: 2n, sum_v: 4n },
    { k: "b", count: 2n, sum_v: 12n },
    { k: "c", count: 1n, sum_v: null },
  ]);
  assert.equal(complete.stateMetrics()?.numRowsTotal, 3);
  assert.equal(update.stateMetrics()?.numRowsUpdated, 2);
});

test("null, NaN and -0.0 grouping keys", async () => {
  const op = new HashAggregateOperator({
    inputSchema: schema,
    groupingOrdinals: [2, 0],
    groupingNames: ["d", "k"],
    aggregates: [agg("count", null, LongType(), "n")],
    outputMode: "complete",
    state: null,
    operatorId: 0,
  });
  op.process(batchFromRows(schema, [
    { d: NaN, k: "x" }, { d: NaN, k: "x" }, { d: 0, k: "x" }, { d: -0, k: "x" }, { d: null, k: null }, { d: null, k: null }, { d: null, k: "x" },
  ]));
  const out = op.finish().flatMap((b) => batchToRows(b));
  assert.deepEqual(out, [
    { d: NaN, k: "x", n: 2n },
    { d: 0, k: "x", n: 2n },
    { d: null, k: null, n: 2n },
    { d: null, k: "x", n: 1n },
  ]);
});

test("every aggregate function, with nulls and all-null groups", async () => {
  const aggregates = [
    agg("count", null, LongType(), "count_star"),
    agg("count", 1, LongType(), "count_v"),
    agg("sum", 1, LongType(), "sum_v"),
    agg("sum", 2, DoubleType(), "sum_d"),
    agg("sum", 4, DecimalType(20, 2), "sum_m"),
    agg("sum", 5, LongType(), "sum_i"),
    agg("avg", 1, DoubleType(), "avg_v"),
    agg("avg", 4, DecimalType(14, 6), "avg_m"),
    agg("min", 1, LongType(), "min_v"),
    agg("max", 1, LongType(), "max_v"),
    agg("min", 3, StringType(), "min_s"),
    agg("max", 3, StringType(), "max_s"),
    agg("max", 2, DoubleType(), "max_d"),
    agg("min", 2, DoubleType(), "min_d"),
    agg("first", 3, StringType(), "first_s"),
    agg("first", 3, StringType(), "first_s_nn", { ignoreNulls: true }),
    agg("last", 3, StringType(), "last_s"),
    agg("last", 3, StringType(), "last_s_nn", { ignoreNulls: true }),
    agg("count_distinct", 3, LongType(), "cd_s"),
    agg("approx_count_distinct", 3, LongType(), "acd_s"),
    agg("sum", 1, LongType(), "sum_distinct_v", { distinct: true }),
  ];
  const op = new HashAggregateOperator({ inputSchema: schema, groupingOrdinals: [0], groupingNames: ["k"], aggregates, outputMode: "complete", state: null, operatorId: 0 });
  op.process(batchFromRows(schema, [
    { k: "g", v: 5n, d: 1.5, s: null, m: "1.10", i: 2147483647 },
    { k: "g", v: -2n, d: NaN, s: "b", m: "2.25", i: 2147483647 },
    { k: "g", v: 5n, d: 0.5, s: "é", m: null, i: 1 },
  ]));
  op.process(batchFromRows(schema, [
    { k: "g", v: null, d: null, s: "a", m: "0.01", i: null },
    { k: "g", v: 9n, d: -1, s: "b", m: null, i: null },
    { k: "g", v: 1n, d: 2, s: null, m: null, i: null },
    { k: "empty", v: null, d: null, s: null, m: null, i: null },
  ]));
  const [g, empty] = op.finish().flatMap((b) => batchToRows(b));
  assert.deepEqual(g, {
    k: "g",
    count_star: 6n,
    count_v: 5n,
    sum_v: 18n,
    sum_d: NaN,
    sum_m: "3.36",
    sum_i: 4294967295n,
    avg_v: 3.6,
    avg_m: "1.120000",
    min_v: -2n,
    max_v: 9n,
    min_s: "a",
    max_s: "é",
    max_d: NaN,
    min_d: -1,
    first_s: null,
    first_s_nn: "b",
    last_s: null,
    last_s_nn: "b",
    cd_s: 3n,
    acd_s: 3n,
    sum_distinct_v: 13n,
  });
  assert.deepEqual(empty, {
    k: "empty",
    count_star: 1n,
    count_v: 0n,
    sum_v: null,
    sum_d: null,
    sum_m: null,
    sum_i: null,
    avg_v: null,
    avg_m: null,
    min_v: null,
    max_v: null,
    min_s: null,
    max_s: null,
    max_d: null,
    min_d: null,
    first_s: null,
    first_s_nn: null,
    last_s: null,
    last_s_nn: null,
    cd_s: 0n,
    acd_s: 0n,
    sum_distinct_v: null,
  });
});

test("sum of long wraps on overflow (non-ANSI) and a global aggregate has one row over no input", async () => {
  const op = new HashAggregateOperator({
    inputSchema: schema,
    groupingOrdinals: [],
    groupingNames: [],
    aggregates: [agg("sum", 1, LongType(), "s"), agg("count", null, LongType(), "n")],
    outputMode: "complete",
    state: null,
    operatorId: 0,
  });
  assert.deepEqual(op.finish().flatMap((b) => batchToRows(b)), [{ s: null, n: 0n }]);
  op.process(batchFromRows(schema, [{ v: 9223372036854775807n }, { v: 2n }, { v: -1n }]));
  assert.deepEqual(op.finish().flatMap((b) => batchToRows(b)), [{ s: -9223372036854775808n, n: 3n }]);
});

test("a query restarted after every batch, and a crashed batch re-run, give the straight-through output", async () => {
  const aggregates = [
    agg("count", null, LongType(), "n"),
    agg("avg", 2, DoubleType(), "avg_d"),
    agg("max", 3, StringType(), "max_s"),
    agg("first", 1, LongType(), "first_v"),
    agg("last", 3, StringType(), "last_s"),
    agg("count_distinct", 3, LongType(), "cd"),
    agg("sum", 4, DecimalType(20, 2), "sum_m"),
  ];
  const make = (state: StateLocation) =>
    new HashAggregateOperator({ inputSchema: schema, groupingOrdinals: [0], groupingNames: ["k"], aggregates, outputMode: "update", state, operatorId: 0, stateOptions: { minDeltasForSnapshot: 2 } });
  const batches: Row[][][] = [];
  for (let b = 0; b < 5; b++) {
    const chunk: Row[] = [];
    for (let i = 0; i < 20; i++) chunk.push({ k: `k${(i * 7 + b) % 6}`, v: BigInt(b * 100 + i), d: i % 5 === 0 ? null : i / 4, s: `s${(i + b) % 4}`, m: `${b}.${i % 10}5` });
    batches.push([chunk.slice(0, 9), chunk.slice(9)]);
  }
  const straight = make({ storage: MemoryStorage.fresh("agg-straight"), prefix: "s/" });
  const expected: Row[][] = [];
  for (let b = 0; b < 5; b++) expected.push(sortRows(await runBatch(straight, b, batches[b])));

  const storage = MemoryStorage.fresh("agg-restart");
  const state = { storage, prefix: "ckpt/state/0/" };
  for (let b = 0; b < 5; b++) {
    if (b === 3) {
      // Crash after processing batch 3 without committing state, then run it again elsewhere.
      const crashed = make(state);
      await runBatch(crashed, 3, batches[3], "update", false);
    }
    const op = make(state);
    assert.deepEqual(sortRows(await runBatch(op, b, batches[b])), expected[b], `batch ${b}`);
  }
  const names = (await storage.list("ckpt/state/0/0/")).map((o) => o.path.split("/").pop());
  assert.deepEqual(names, ["1.delta", "2.delta", "2.snapshot", "3.delta", "4.delta", "4.snapshot", "5.delta"]);
});

test("append mode on a streaming aggregation is rejected", () => {
  assert.throws(() => countByKey("append", { storage: MemoryStorage.fresh("agg-append"), prefix: "x/" }), AnalysisError);
});
