import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { SparkSession, ConfigError } from "../../../../src/index.js";
import { fileSourceConnector, TEXT_SCHEMA } from "../../../../src/connectors/file/create-file-source.js";
import { StructType, StructField, StringType, LongType } from "../../../../src/types/data-types.js";

test("a source folder that does not exist fails at load(), naming the path (as Spark)", () => {
  const spark = SparkSession.builder.getOrCreate();
  const missing = join(mkdtempSync(join(tmpdir(), "sluice-missing-")), "landng");
  assert.throws(
    () => spark.readStream.format("text").load(missing),
    (e: unknown) => e instanceof ConfigError && e.message === `text source: path does not exist: ${missing}`,
  );
  // A glob path may match nothing yet: it is not checked.
  assert.doesNotThrow(() => spark.readStream.format("text").load(join(missing, "*.json")));
});

test("a local path is checked where load() runs; S3 and parquet inference need the blocking call", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-static-"));
  writeFileSync(join(dir, "a.json"), "{}\n");
  const user = StructType([StructField("id", LongType(), true), StructField("s", StringType(), true)]);
  const ctx = { streaming: true };
  // Local storage answers existsNow: the schema is known without a worker.
  assert.deepEqual(fileSourceConnector("text").staticSchema({ path: dir }, null, ctx), TEXT_SCHEMA);
  assert.deepEqual(fileSourceConnector("json").staticSchema({ path: dir }, user, ctx), user);
  assert.throws(
    () => fileSourceConnector("json").staticSchema({ path: join(dir, "nope") }, user, ctx),
    (e: unknown) => e instanceof ConfigError && /json source: path does not exist: .*nope$/.test(e.message),
  );
  // Parquet without a schema infers it from footers, and S3 has no existsNow: resolveSchema runs.
  assert.equal(fileSourceConnector("parquet").staticSchema({ path: dir }, null, ctx), null);
  assert.equal(fileSourceConnector("text").staticSchema({ path: "s3://bucket/landing/" }, null, ctx), null);
});
