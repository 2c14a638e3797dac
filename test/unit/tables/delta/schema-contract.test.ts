/**
 * Schema contracts of the Delta writers (`schemaContract`): what a write does with columns the
 * table lacks: evolve (mergeSchema), freeze (refuse, the default), discard_value, discard_row;
 * for batch writes and for a stream, with the discarded counts in the stream's progress.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SparkSession, AnalysisError, ConfigError, MemoryStream } from "../../../../src/index.js";
import { tempPath, uniqueName } from "../../api/support.js";

const spark = SparkSession.builder.appName("schema-contract-test").getOrCreate();

async function tableWithId(): Promise<string> {
  const path = tempPath("contract");
  await spark.createDataFrame([{ id: "a" }], "id STRING").write.format("delta").save(path);
  return path;
}

const wider = spark.createDataFrame(
  [
    { id: "b", extra: null },
    { id: "c", extra: 7 },
  ],
  "id STRING, extra INT",
);

const read = async (path: string) => (await spark.read.format("delta").load(path).collect()).sort((x, y) => String(x.id).localeCompare(String(y.id)));

test("freeze (the default) refuses new columns, naming them and the contracts that take them", async () => {
  const path = await tableWithId();
  await assert.rejects(wider.write.format("delta").mode("append").save(path), (e: unknown) => e instanceof AnalysisError && /lacks: extra/.test(e.message) && /discard_value/.test(e.message));
  await assert.rejects(wider.write.format("delta").mode("append").option("schemaContract", "freeze").save(path), AnalysisError);
});

test("evolve adds them; discard_value writes the rows without them; discard_row drops the rows that have them", async () => {
  const evolve = await tableWithId();
  await wider.write.format("delta").mode("append").option("schemaContract", "evolve").save(evolve);
  assert.deepEqual(await read(evolve), [
    { id: "a", extra: null },
    { id: "b", extra: null },
    { id: "c", extra: 7 },
  ]);
  const values = await tableWithId();
  await wider.write.format("delta").mode("append").option("schemaContract", "discard_value").save(values);
  assert.deepEqual(await read(values), [{ id: "a" }, { id: "b" }, { id: "c" }]);
  const rows = await tableWithId();
  await wider.write.format("delta").mode("append").option("schemaContract", "discard_row").save(rows);
  assert.deepEqual(await read(rows), [{ id: "a" }, { id: "b" }], "the row with a value in the new column is dropped");
});

test("mergeSchema and a contract other than evolve contradict each other; unknown contracts are refused", async () => {
  const path = await tableWithId();
  await assert.rejects(wider.write.format("delta").mode("append").option("mergeSchema", "true").option("schemaContract", "discard_row").save(path), (e: unknown) => e instanceof ConfigError && /schemaContract/.test(e.message));
  await assert.rejects(wider.write.format("delta").mode("append").option("schemaContract", "loose").save(path), ConfigError);
});

test("a stream under discard_row reports what it dropped in the sink's progress metrics", async () => {
  const path = await tableWithId();
  const input = new MemoryStream("id STRING, extra INT", uniqueName("ms-contract"));
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .writeStream.format("delta")
    .option("checkpointLocation", join(path, "..", `${uniqueName("cp")}`))
    .option("schemaContract", "discard_row")
    .start(path);
  try {
    input.addData([
      { id: "s1", extra: null },
      { id: "s2", extra: 1 },
      { id: "s3", extra: 2 },
    ]);
    await q.processAllAvailable();
    assert.equal(q.lastProgress?.sink.metrics.numDiscardedRows, "2");
    assert.equal(q.lastProgress?.sink.numOutputRows, 1, "rows written");
  } finally {
    await q.stop();
  }
  assert.deepEqual((await read(path)).map((r) => r.id), ["a", "s1"]);
});
