/**
 * The rate source: `timestamp TIMESTAMP, value BIGINT`, `rowsPerSecond` rows per second, values
 * dense from 0, timestamps `start + value / rowsPerSecond`, with the start time fixed in the
 * checkpoint so a re-run batch regenerates identical rows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, ConfigError } from "../../../../src/index.js";
import { RATE_SCHEMA, rateSourceConnector } from "../../../../src/connectors/rate/rate-source.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { sleep, uniqueName, tempPath, waitFor } from "../../api/support.js";

const spark = SparkSession.builder.appName("rate-test").getOrCreate();

test("schema is timestamp + value; options are validated at load()", () => {
  const df = spark.readStream.format("rate").option("rowsPerSecond", 10).load();
  assert.equal(df.isStreaming, true);
  assert.deepEqual(df.dtypes, [
    ["timestamp", "timestamp"],
    ["value", "bigint"],
  ]);
  assert.throws(() => spark.readStream.format("rate").option("rowsPerSecond", 0).load(), /rowsPerSecond' must be a positive integer/);
  assert.throws(() => spark.readStream.format("rate").option("rowsPerSec", 5).load(), /did you mean 'rowsPerSecond'/);
  assert.throws(() => spark.readStream.format("rate").option("rampUpTime", "5s").load(), ConfigError);
});

test("a running rate query produces dense values with timestamps 1/rowsPerSecond apart", async () => {
  const name = uniqueName("rate");
  const q = spark.readStream.format("rate").option("rowsPerSecond", 200).load().writeStream.format("memory").queryName(name).start();
  await waitFor(() => q.recentProgress.reduce((n, p) => n + p.numInputRows, 0) >= 10, 5000, "ten rows");
  await q.stop();
  const rows = await spark.table(name).orderBy("value").collect();
  assert.ok(rows.length >= 10, `expected some rows, got ${rows.length}`);
  rows.forEach((r, i) => assert.equal(r.value, BigInt(i)));
  const t0 = rows[0].timestamp;
  const t1 = rows[1].timestamp;
  assert.ok(t0 instanceof Date && t1 instanceof Date);
  assert.equal(t1.getTime() - t0.getTime(), 5);
  const total = q.recentProgress.reduce((n, p) => n + p.numInputRows, 0);
  assert.equal(total, rows.length);
  assert.match(q.lastProgress?.sources[0].description ?? "", /^RateStreamV2\[rowsPerSecond=200/);
});

test("the start time is kept in the checkpoint: a re-read range gives identical rows", async () => {
  const storage = MemoryStorage.fresh("rate-test");
  const ctx = { storage, metadataPrefix: "sources/0/" };
  const a = rateSourceConnector.create({ rowsPerSecond: "1000" }, { streaming: true, schema: RATE_SCHEMA });
  await a.open(ctx);
  await sleep(20);
  const end = await a.latestOffset(null, { kind: "default" });
  assert.ok(end !== null);
  const first: unknown[] = [];
  for await (const b of a.read(null, end)) first.push(...batchToRows(b));
  await sleep(10);
  // A new instance (a restarted query) over the same checkpoint regenerates the same rows.
  const b = rateSourceConnector.create({ rowsPerSecond: "1000" }, { streaming: true, schema: RATE_SCHEMA });
  await b.open(ctx);
  const again: unknown[] = [];
  for await (const batch of b.read(null, end)) again.push(...batchToRows(batch));
  assert.ok(first.length > 0);
  assert.deepEqual(again, first);
});

test("maxRowsPerBatch caps each batch; availableNow stops at what was due at start", async () => {
  const q = spark.readStream.format("rate").option("rowsPerSecond", 1000).option("maxRowsPerBatch", 10).load()
    .writeStream.format("memory").queryName(uniqueName("capped")).option("checkpointLocation", tempPath("ck")).start();
  await waitFor(() => q.recentProgress.length >= 3, 5000, "three batches");
  await q.stop();
  for (const p of q.recentProgress) assert.ok(p.numInputRows <= 10, `batch of ${p.numInputRows} rows`);
  const an = spark.readStream.format("rate").option("rowsPerSecond", 1000).load()
    .writeStream.format("memory").queryName(uniqueName("an")).trigger({ availableNow: true }).start();
  assert.equal(await an.awaitTermination(30), true);
});
