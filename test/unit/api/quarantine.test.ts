/**
 * expectOrQuarantine and the quarantine table: failing rows leave the output for a Delta table
 * written in step with the sink, exactly once per micro-batch, also when a batch runs again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, AnalysisError, ConfigError, MemoryStream, col, from_json } from "../../../src/index.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("quarantine-test").getOrCreate();

function query(input: MemoryStream, dir: string, options: Record<string, string> = { quarantinePath: join(dir, "quarantine") }) {
  let w = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .expectOrQuarantine("has_id", col("id").isNotNull())
    .expectAllOrQuarantine({ positive: "amount > 0" })
    .expectOrDrop("small", "amount < 1000")
    .writeStream.format("delta")
    .option("checkpointLocation", join(dir, "checkpoint"));
  for (const [k, v] of Object.entries(options)) w = w.option(k, v);
  return w.start(join(dir, "silver"));
}

const sorted = <T extends Record<string, unknown>>(rows: T[], key: keyof T) => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

test("failing rows go to the quarantine table with their reasons, batch and time; the sink gets the rest", async () => {
  const dir = tempPath("quarantine");
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-q"));
  const q = query(input, dir);
  try {
    input.addData([
      { id: "a", amount: 10 },
      { id: null, amount: 5 },
      { id: "c", amount: -1 },
      { id: null, amount: null },
      { id: "e", amount: 5000 },
    ]);
    await q.processAllAvailable();
    assert.deepEqual(q.lastProgress?.dataQuality?.quarantine, { path: join(dir, "quarantine"), numRecords: 3 });
    input.addData([{ id: "f", amount: 1 }]);
    await q.processAllAvailable();
    assert.deepEqual(q.lastProgress?.dataQuality?.quarantine?.numRecords, 0);
  } finally {
    await q.stop();
  }
  assert.deepEqual(
    (await spark.read.format("delta").load(join(dir, "silver")).collect()).map((r) => r.id).sort(),
    ["a", "f"],
  );
  const bad = sorted(await spark.read.format("delta").load(join(dir, "quarantine")).collect(), "_error");
  assert.deepEqual(
    bad.map((r) => ({ error: r._error, batch: r._batch_id, id: r.id, amount: r.amount })),
    [
      { error: "expectation failed: has_id (quarantine): (id IS NOT NULL)", batch: 0n, id: null, amount: 5 },
      {
        error: "expectation failed: has_id (quarantine): (id IS NOT NULL); positive (quarantine): (amount > 0); small (drop): (amount < 1000)",
        batch: 0n,
        id: null,
        amount: null,
      },
      { error: "expectation failed: positive (quarantine): (amount > 0)", batch: 0n, id: "c", amount: -1 },
    ],
  );
  assert.ok(bad.every((r) => r._ingested_at !== null));
  const columns = (await spark.read.format("delta").load(join(dir, "quarantine")).columns);
  assert.deepEqual(columns, ["_error", "_source", "_batch_id", "_ingested_at", "id", "amount"]);
  assert.ok(bad.every((r) => r._source === null), "memory-stream rows have no source file");
});

test("a batch run again after a crash quarantines its rows once", async () => {
  const dir = tempPath("quarantine-rerun");
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-q-rerun"));
  let q = query(input, dir);
  input.addData([{ id: "a", amount: 1 }, { id: null, amount: 2 }]);
  await q.processAllAvailable();
  await q.stop();
  // The sink and the quarantine table committed batch 0, the checkpoint did not: it runs again.
  rmSync(join(dir, "checkpoint", "commits", "0"));
  q = query(input, dir);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.read.format("delta").load(join(dir, "silver")).collect()).map((r) => r.id), ["a"]);
  assert.deepEqual((await spark.read.format("delta").load(join(dir, "quarantine")).collect()).map((r) => r.amount), [2]);
});

test("quarantine rules need a quarantinePath and a stream; quarantineTable is refused by name", async () => {
  const dir = tempPath("quarantine-refused");
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-q-refused"));
  assert.throws(() => query(input, dir, {}), (e: unknown) => e instanceof AnalysisError && /quarantinePath/.test(e.message));
  assert.throws(() => query(input, dir, { quarantineTable: "db.bad" }), (e: unknown) => e instanceof ConfigError && /quarantineTable/.test(e.message));
  const df = spark.createDataFrame([{ id: "a" }], "id STRING");
  await assert.rejects(df.expectOrQuarantine("has_id", "id IS NOT NULL").collect(), (e: unknown) => e instanceof AnalysisError && /streaming query/.test(e.message));
});

test("parse failures reach the quarantine with their text: from_json's corrupt-record column and a rule on it", async () => {
  const dir = tempPath("quarantine-parse");
  const landing = join(dir, "landing");
  mkdirSync(landing, { recursive: true });
  const lines = ['{"id":"a","n":1}', "not json", '{"id":"b","n":"x"}', '{"id":"c"', '{"id":"d","n":4}'];
  writeFileSync(join(landing, "events.json"), lines.join("\n") + "\n");
  const q = spark.readStream
    .format("text")
    .load(landing)
    .select(from_json(col("value"), "id STRING, n INT, _corrupt_record STRING").alias("d"))
    .select("d.*")
    .expectOrQuarantine("parsed", col("_corrupt_record").isNull())
    .drop("_corrupt_record")
    .writeStream.format("delta")
    .option("checkpointLocation", join(dir, "checkpoint"))
    .option("quarantinePath", join(dir, "quarantine"))
    .start(join(dir, "silver"));
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.read.format("delta").load(join(dir, "silver")).collect()).map((r) => r.id).sort(), ["a", "d"]);
  const bad = await spark.read.format("delta").load(join(dir, "quarantine")).select("_error", "_corrupt_record", "id").collect();
  assert.deepEqual(
    sorted(bad, "_corrupt_record").map((r) => [r._corrupt_record, r.id]),
    [
      ['{"id":"b","n":"x"}', "b"],
      ['{"id":"c"', null],
      ["not json", null],
    ],
  );
  assert.ok(bad.every((r) => r._error === "expectation failed: parsed (quarantine): (_corrupt_record IS NULL)"));
});

test("the quarantine table is a Delta table like any sink's: a checkpoint every 10 commits keeps its log bounded", async () => {
  const dir = tempPath("quarantine-checkpoint");
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-q-checkpoint"));
  const q = query(input, dir);
  try {
    for (let b = 0; b < 11; b++) {
      input.addData([{ id: `ok-${b}`, amount: 1 }, { id: null, amount: b + 1 }]);
      await q.processAllAvailable();
    }
  } finally {
    await q.stop();
  }
  assert.ok(existsSync(join(dir, "quarantine", "_delta_log", "00000000000000000010.checkpoint.parquet")), "checkpointed at version 10");
  assert.equal((await spark.read.format("delta").load(join(dir, "quarantine")).collect()).length, 11);
});
