import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeltaTable, SparkSession, AnalysisError, ConfigError, col, upper } from "../../../src/index.js";
import { LocalStorage } from "../../../src/storage/local.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { LongType, StringType, StructField, StructType } from "../../../src/types/data-types.js";
import { appendToTable } from "../../../src/tables/delta/append.js";
import { readHistory } from "../../../src/tables/delta/history.js";
import { duckRows, normalize } from "../tables/delta/delta-table-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-table-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });
const spark = SparkSession.builder.appName("delta-table-test").config("sluice.exec.workers", "0").getOrCreate();

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType())]);

async function table(name: string): Promise<string> {
  for (let i = 0; i < 3; i++) {
    await appendToTable(storage, name, [batchFromRows(SCHEMA, [{ id: BigInt(i), name: `n${i}` }])], { schema: SCHEMA });
  }
  return join(dir, name);
}

test("forPath does no I/O; the first operation on a path without a table fails as Delta", async () => {
  const missing = join(dir, "missing");
  const t = DeltaTable.forPath(spark, missing);
  assert.equal(await DeltaTable.isDeltaTable(spark, missing), false);
  await assert.rejects(t.history(), (e: unknown) => e instanceof AnalysisError && e.message.includes(`\`${missing}\` is not a Delta table.`));
  await assert.rejects(t.vacuum(), AnalysisError);
  await assert.rejects(t.optimize().executeCompaction(), AnalysisError);
});

test("merge through the API, as PySpark: dt.alias('t').merge(updates.alias('s'), 't.id = s.id'), Column and SQL values, Delta 3's result row", async () => {
  const path = await table("api-merge");
  assert.equal(await DeltaTable.isDeltaTable(spark, path), true);
  const updates = spark.createDataFrame(
    [
      { id: 1n, name: "one" },
      { id: 2n, name: "drop" },
      { id: 9n, name: "nine" },
    ],
    "id BIGINT, name STRING",
  );
  const result = await DeltaTable.forPath(spark, path)
    .alias("t")
    .merge(updates.alias("s"), "t.id = s.id")
    .whenMatchedDelete("s.name = 'drop'")
    .whenMatchedUpdate({ set: { name: upper(col("s.name")) } })
    .whenNotMatchedInsert({ values: { id: "s.id", name: "concat(s.name, '?')" } })
    .execute();
  assert.deepEqual(await result.collect(), [{ num_affected_rows: 3n, num_updated_rows: 1n, num_deleted_rows: 1n, num_inserted_rows: 1n }]);
  assert.deepEqual(normalize(await duckRows(path), ["id", "name"]), normalize([{ id: 0, name: "n0" }, { id: 1, name: "ONE" }, { id: 9, name: "nine?" }], ["id", "name"]));
  // toDF reads the table back.
  const back = await DeltaTable.forPath(spark, path).toDF().collect();
  assert.deepEqual(normalize(back, ["id", "name"]), normalize([{ id: 0, name: "n0" }, { id: 1, name: "ONE" }, { id: 9, name: "nine?" }], ["id", "name"]));
});

test("merge source names: a filtered aliased source, bare names when unambiguous, the sourceAlias fallback, conflicts", async () => {
  const path = await table("api-merge-alias");
  const updates = spark.createDataFrame(
    [
      { id: 1n, name: "one", note: "a" },
      { id: 7n, name: "seven", note: "b" },
      { id: 8n, name: "skipped", note: "c" },
    ],
    "id BIGINT, name STRING, note STRING",
  );
  // The alias survives a filter on the source; `note` is only in the source, so it resolves bare.
  const r = await DeltaTable.forPath(spark, path)
    .as("target_rows")
    .merge(updates.alias("u").filter("u.id < 8"), "target_rows.id = u.id")
    .whenMatchedUpdate({ set: { name: "concat(u.name, note)" } })
    .whenNotMatchedInsert({ values: { id: col("u.id"), name: "note" } })
    .execute();
  assert.deepEqual(await r.collect(), [{ num_affected_rows: 2n, num_updated_rows: 1n, num_deleted_rows: 0n, num_inserted_rows: 1n }]);
  const first = normalize([{ id: 0, name: "n0" }, { id: 1, name: "onea" }, { id: 2, name: "n2" }, { id: 7, name: "b" }], ["id", "name"]);
  assert.deepEqual(normalize(await duckRows(path), ["id", "name"]), first);
  // The fallback option still names an unaliased source; an option that disagrees with the alias is refused.
  const again = await DeltaTable.forPath(spark, path)
    .alias("t")
    .merge(updates, "t.id = s.id", { sourceAlias: "s" })
    .whenMatchedUpdate({ set: { name: "upper(s.name)" } })
    .execute();
  assert.deepEqual((await again.collect())[0].num_updated_rows, 2n);
  const want = normalize([{ id: 0, name: "n0" }, { id: 1, name: "ONE" }, { id: 2, name: "n2" }, { id: 7, name: "SEVEN" }], ["id", "name"]);
  assert.deepEqual(normalize(await duckRows(path), ["id", "name"]), want);
  assert.throws(
    () => DeltaTable.forPath(spark, path).alias("t").merge(updates.alias("u"), "t.id = s.id", { sourceAlias: "s" }),
    (e: unknown) => e instanceof AnalysisError && /source DataFrame is aliased 'u' but options.sourceAlias is 's'/.test(e.message),
  );
  // A bare name both sides have is ambiguous; an unknown qualifier gets a did-you-mean; same aliases are refused.
  const run = (condition: string, source = updates.alias("s")): Promise<unknown> =>
    DeltaTable.forPath(spark, path).alias("t").merge(source, condition).whenMatchedDelete().execute();
  await assert.rejects(run("id = s.id"), (e: unknown) => e instanceof AnalysisError && /column reference 'id' is ambiguous: it matches 2 columns \[t.id, s.id\]/.test(e.message));
  await assert.rejects(run("t.id = ss.id"), (e: unknown) => e instanceof AnalysisError && /cannot resolve column 'ss.id'.*did you mean 's.id'\?/.test(e.message));
  await assert.rejects(run("t.id = t.id", updates.alias("t")), (e: unknown) => e instanceof AnalysisError && /same alias 't'/.test(e.message));
  assert.deepEqual(normalize(await duckRows(path), ["id", "name"]), want);
});

test("history: newest first, Spark's columns, limit", async () => {
  const path = await table("api-history");
  const t = DeltaTable.forPath(spark, path);
  await t.optimize().executeCompaction();
  const df = await t.history();
  assert.deepEqual(df.columns, [
    "version",
    "timestamp",
    "userId",
    "userName",
    "operation",
    "operationParameters",
    "clusterId",
    "readVersion",
    "isolationLevel",
    "isBlindAppend",
    "operationMetrics",
    "userMetadata",
    "engineInfo",
  ]);
  const rows = await df.collect();
  assert.deepEqual(
    rows.map((r) => [r.version, r.operation, r.readVersion, r.isBlindAppend]),
    [
      [3n, "OPTIMIZE", 2n, false],
      [2n, "WRITE", 1n, true],
      [1n, "WRITE", 0n, true],
      [0n, "WRITE", null, true],
    ],
  );
  const first = rows[0];
  assert.ok(first.timestamp instanceof Date);
  assert.ok((rows[1].timestamp as Date).getTime() < (first.timestamp as Date).getTime());
  assert.equal(first.isolationLevel, "Serializable");
  assert.match(String(first.engineInfo), /^sluice\//);
  assert.ok(first.operationMetrics instanceof Map);
  assert.equal((first.operationMetrics as Map<string, string>).get("numRemovedFiles"), "3");
  assert.equal((rows[3].operationParameters as Map<string, string>).get("mode"), "Append");
  assert.deepEqual(
    (await (await t.history(1)).collect()).map((r) => r.version),
    [3n],
  );
  const entries = await readHistory(storage, "api-history", 2);
  assert.deepEqual(
    entries.map((e) => [e.version, e.operation]),
    [
      [3, "OPTIMIZE"],
      [2, "WRITE"],
    ],
  );
});

test("optimize and vacuum through the API: metrics row, retention check from the session conf", async () => {
  const path = await table("api-maint");
  const t = DeltaTable.forPath(spark, path);
  const [row] = await (await t.optimize().executeCompaction()).collect();
  assert.equal(row.path, path);
  const metrics = row.metrics as Record<string, unknown>;
  assert.deepEqual([metrics.numFilesAdded, metrics.numFilesRemoved], [1n, 3n]);
  assert.equal((metrics.filesRemoved as Record<string, unknown>).totalFiles, 3n);
  await assert.rejects(t.vacuum(0), ConfigError);
  spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
  try {
    assert.deepEqual(await (await t.vacuum(0)).collect(), [{ path }]);
  } finally {
    spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled");
  }
  // The three compacted files are gone (retention 0); the rows are not.
  assert.deepEqual(normalize(await duckRows(path), ["id", "name"]), normalize([0, 1, 2].map((i) => ({ id: i, name: `n${i}` })), ["id", "name"]));
  const ops = (await (await t.history()).collect()).map((r) => r.operation);
  assert.deepEqual(ops.slice(0, 3), ["VACUUM END", "VACUUM START", "OPTIMIZE"]);
});
