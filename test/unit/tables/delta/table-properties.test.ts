/**
 * Table properties at creation: writer options named `delta.*` over the session's
 * `spark.databricks.delta.properties.defaults.*`, checked as Delta checks them, written into the
 * new table's `metaData.configuration` by the batch writer and the streaming sink, and ignored for
 * an existing table.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, MemoryStream, ConfigError } from "../../../../src/index.js";
import { newTableProperties, logRetentionMs, checkpointRetentionMs, expiredLogCleanupEnabled, splitTableProperties } from "../../../../src/tables/delta/table-properties.js";
import { resolveLocation } from "../../../../src/storage/resolve.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-properties-"));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

async function configurationOf(path: string): Promise<Readonly<Record<string, string>>> {
  const { storage, key } = resolveLocation(path);
  return (await loadSnapshot(storage, key)).metadata.configuration;
}

test("newTableProperties: session defaults become delta.* properties, writer options win, names take Delta's spelling", () => {
  const conf = {
    "spark.databricks.delta.properties.defaults.logRetentionDuration": "interval 7 days",
    "spark.databricks.delta.properties.defaults.checkpointInterval": "5",
    "spark.sql.shuffle.partitions": "4",
  };
  assert.deepEqual(newTableProperties({ "DELTA.CHECKPOINTINTERVAL": "20", "delta.enableExpiredLogCleanup": "false" }, conf), {
    "delta.logRetentionDuration": "interval 7 days",
    "delta.checkpointInterval": "20",
    "delta.enableExpiredLogCleanup": "false",
  });
  assert.deepEqual(newTableProperties({}, {}), {});
  assert.throws(
    () => newTableProperties({ "delta.logRetentionDurations": "interval 1 day" }, {}),
    (e: unknown) => e instanceof ConfigError && /table property 'delta\.logRetentionDurations' \(a writer option\) is not supported by sluice; did you mean 'delta\.logRetentionDuration'\?/.test(e.message),
  );
  assert.throws(
    () => newTableProperties({}, { "spark.databricks.delta.properties.defaults.enableChangeDataFeed": "true" }),
    /table property 'delta\.enableChangeDataFeed' \(from the session setting spark\.databricks\.delta\.properties\.defaults\.enableChangeDataFeed\) is not supported/,
  );
  assert.throws(() => newTableProperties({ "delta.logRetentionDuration": "interval 1 month" }, {}), /delta: delta\.logRetentionDuration cannot use months or years, got 'interval 1 month'/);
  assert.throws(() => newTableProperties({ "delta.checkpointInterval": "0" }, {}), /delta: delta\.checkpointInterval must be a positive integer, got '0'/);
  assert.throws(() => newTableProperties({ "delta.appendOnly": "yes" }, {}), /delta: delta\.appendOnly must be true or false, got 'yes'/);
  assert.deepEqual(splitTableProperties({ path: "/x", "delta.appendOnly": "true", mergeSchema: "true" }), {
    properties: { "delta.appendOnly": "true" },
    others: { path: "/x", mergeSchema: "true" },
  });
});

test("log retention properties: Delta's defaults and syntax", () => {
  assert.equal(logRetentionMs({}), 30 * 86_400_000);
  assert.equal(checkpointRetentionMs({}), 2 * 86_400_000);
  assert.equal(expiredLogCleanupEnabled({}), true);
  assert.equal(logRetentionMs({ "delta.logRetentionDuration": "interval 2 weeks" }), 14 * 86_400_000);
  assert.equal(checkpointRetentionMs({ "delta.checkpointRetentionDuration": "36 hours" }), 36 * 3_600_000);
  assert.equal(expiredLogCleanupEnabled({ "delta.enableExpiredLogCleanup": "FALSE" }), false);
});

test("df.write and writeStream create tables with the session's defaults and their delta.* options", async () => {
  const key = "spark.databricks.delta.properties.defaults.logRetentionDuration";
  spark.conf.set(key, "interval 3 days");
  try {
    const batchPath = join(base, `b${n++}`);
    await spark.createDataFrame([{ id: 1 }], "id INT").write.format("delta").option("delta.checkpointInterval", "3").save(batchPath);
    assert.deepEqual(await configurationOf(batchPath), { "delta.logRetentionDuration": "interval 3 days", "delta.checkpointInterval": "3" });
    // An existing table keeps its properties, as in Delta.
    await spark.createDataFrame([{ id: 2 }], "id INT").write.format("delta").mode("append").option("delta.checkpointInterval", "7").save(batchPath);
    assert.deepEqual(await configurationOf(batchPath), { "delta.logRetentionDuration": "interval 3 days", "delta.checkpointInterval": "3" });

    const ms = new MemoryStream("id INT", `props_${process.pid}`);
    const streamPath = join(base, `s${n++}`);
    const q = spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("delta")
      .option("checkpointLocation", join(base, `ck${n++}`)).option("delta.enableExpiredLogCleanup", "false").start(streamPath);
    ms.addData([{ id: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    assert.equal(q.exception, null);
    assert.deepEqual(await configurationOf(streamPath), { "delta.logRetentionDuration": "interval 3 days", "delta.enableExpiredLogCleanup": "false" });
    assert.throws(
      () => spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("delta")
        .option("checkpointLocation", join(base, `ck${n++}`)).option("delta.logRetention", "1 day").start(join(base, `s${n++}`)),
      /delta writer: table property 'delta\.logRetention' \(a writer option\) is not supported by sluice/,
    );
  } finally {
    spark.conf.unset(key);
  }
});
