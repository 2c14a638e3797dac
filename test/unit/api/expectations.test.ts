/**
 * Expectations (DLT's expect / expect_or_drop / expect_or_fail): which rows go on, what each rule
 * counts per micro-batch in the progress, and how a failing row stops a query.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, ExpectationError, MemoryStream, col, sum } from "../../../src/index.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("expectations-test").getOrCreate();
const rows = [
  { id: "a", amount: 10 },
  { id: null, amount: 5 },
  { id: "c", amount: -1 },
  { id: "d", amount: null },
  { id: "e", amount: 7 },
];
const df = spark.createDataFrame(rows, "id STRING, amount INT");

test("expect keeps every row; expectOrDrop keeps exactly the rows filter keeps (null fails a rule)", async () => {
  assert.deepEqual(await df.expect("positive", "amount > 0").collect(), rows);
  const dropped = await df.expectOrDrop("positive", "amount > 0").collect();
  assert.deepEqual(dropped, await df.filter("amount > 0").collect());
  assert.deepEqual(
    dropped.map((r) => r.id),
    ["a", null, "e"],
  );
  // Several drop rules: a row failing any one of them is dropped; Column conditions work too.
  const both = await df.expectAllOrDrop({ has_id: col("id").isNotNull(), positive: "amount > 0" }).collect();
  assert.deepEqual(
    both.map((r) => r.id),
    ["a", "e"],
  );
});

test("expectOrFail stops at the first failing row, naming the rule, the condition and the row", async () => {
  assert.deepEqual(await df.filter("id IS NOT NULL").expectOrFail("has_id", "id IS NOT NULL").count(), 4);
  await assert.rejects(df.expectOrFail("has_id", "id IS NOT NULL").collect(), (e: unknown) => {
    assert.ok(e instanceof ExpectationError, String(e));
    assert.equal(e.code, "SLUICE_EXPECTATION_FAILED");
    assert.equal(e.context.expectation, "has_id");
    assert.equal(e.context.row, 1);
    assert.match(e.message, /expectation 'has_id' failed/);
    assert.match(e.message, /\(id IS NOT NULL\)/);
    assert.match(e.message, /"id":null,"amount":5/);
    return true;
  });
});

test("rule names are unique in a query, and a rule is checked row by row (no aggregates)", () => {
  assert.throws(() => df.expect("r", "amount > 0").expectOrDrop("r", "id IS NOT NULL"), (e: unknown) => e instanceof AnalysisError && /'r' is used twice/.test(e.message));
  assert.throws(() => df.expect("", "amount > 0"), (e: unknown) => e instanceof AnalysisError && /non-empty name/.test(e.message));
  assert.throws(() => df.expect("total", sum("amount").gt(0)), (e: unknown) => e instanceof AnalysisError && /aggregate/.test(e.message));
  assert.throws(() => df.expect("typo", "amout > 0"), AnalysisError);
});

test("a stream's progress carries each rule's counts for its own micro-batch", async () => {
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-expect"));
  const name = uniqueName("expected");
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .expect("positive", "amount > 0")
    .expectOrDrop("has_id", "id IS NOT NULL")
    .writeStream.format("memory")
    .queryName(name)
    .option("checkpointLocation", tempPath("expect-checkpoint"))
    .start();
  try {
    input.addData(rows);
    await q.processAllAvailable();
    const first = q.lastProgress;
    assert.deepEqual(first?.dataQuality?.expectations, [
      { name: "positive", action: "warn", condition: "(amount > 0)", passedRecords: 3, failedRecords: 2 },
      { name: "has_id", action: "drop", condition: "(id IS NOT NULL)", passedRecords: 4, failedRecords: 1 },
    ]);
    assert.deepEqual(first?.observedMetrics, { expectations: { "positive.passed": 3, "positive.failed": 2, "has_id.passed": 4, "has_id.failed": 1 } });
    assert.equal(first?.sink.numOutputRows, 4);
    input.addData([{ id: null, amount: 1 }]);
    await q.processAllAvailable();
    assert.deepEqual(q.lastProgress?.observedMetrics, { expectations: { "positive.passed": 1, "positive.failed": 0, "has_id.passed": 0, "has_id.failed": 1 } });
    assert.deepEqual(
      (await spark.table(name).collect()).map((r) => r.id),
      ["a", "c", "d", "e"],
    );
  } finally {
    await q.stop();
  }
});

test("a stream with expectOrFail stops with the ExpectationError and does not commit the batch", async () => {
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-expect-fail"));
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .expectOrFail("has_id", "id IS NOT NULL")
    .writeStream.format("memory")
    .queryName(uniqueName("expect-fail"))
    .option("checkpointLocation", tempPath("expect-fail-checkpoint"))
    .start();
  input.addData([{ id: "a", amount: 1 }]);
  await q.processAllAvailable();
  input.addData([{ id: "b", amount: 2 }, { id: null, amount: 3 }]);
  await assert.rejects(q.awaitTermination(), (e: unknown) => e instanceof ExpectationError && /micro-batch 1, row 1/.test(e.message));
  assert.ok(q.exception instanceof ExpectationError);
  assert.equal(q.lastProgress?.batchId, 0, "the failing batch made no progress report");
});
