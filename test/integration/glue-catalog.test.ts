/**
 * The Glue Data Catalog on moto's server: tables kept registered by streaming sinks (Delta as
 * Athena's `table_type=DELTA`, Parquet as a Hive table with partitions added as batches commit),
 * and optimistic updates with Glue's VersionId. moto does not enforce VersionId, so a conflict is
 * made by a proxy that answers the first UpdateTable with ConcurrentModificationException.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GetPartitionsCommand, GetTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { MemoryStream, SparkSession } from "../../src/index.js";
import { GlueCatalog, glueSettingsFrom } from "../../src/catalog/glue/glue-catalog.js";
import type { CatalogTableSpec } from "../../src/catalog/glue/glue-catalog.js";
import { LongType, StringType, StructField, StructType } from "../../src/types/data-types.js";
import { ConfigError } from "../../src/errors.js";
import { createBucket, MOTO_CREDENTIALS, motoCredentialsInEnvironment, motoForFile, motoS3Conf, motoSkip } from "../support/moto.js";
import { startFaultyS3 } from "../../bench/lib/s3-proxy.js";
import { runSluice } from "../support/sluice-cli.js";
import { GlueContext } from "../../src/glue/index.js";
import type { FaultyS3 } from "../../bench/lib/s3-proxy.js";

describe("the Glue Data Catalog", { skip: motoSkip }, () => {
  const moto = motoForFile();
  let proxy: FaultyS3;
  motoCredentialsInEnvironment({ before, after });
  before(async () => {
    proxy = await startFaultyS3(moto());
  });
  after(async () => {
    await proxy.close();
  });

  const glue = (): GlueClient => new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
  const schema = StructType([StructField("user_id", StringType()), StructField("count", LongType())]);

  test("ensureTable creates the database and the table, leaves an equal one alone, updates a changed one", async () => {
    const catalog = new GlueCatalog(glueSettingsFrom({ "sluice.glue.endpoint": moto() }, {}));
    const spec: CatalogTableSpec = { database: "ensure", table: "summary", location: "s3://b/gold/summary", format: "delta", schema, partitionColumns: [] };
    assert.equal(await catalog.ensureTable(spec), "created");
    assert.equal(await catalog.ensureTable(spec), "unchanged");
    const wider = { ...spec, schema: StructType([...schema.fields, StructField("last_seen", LongType())]) };
    assert.equal(await catalog.ensureTable(wider), "updated");
    const t = await catalog.getTable("ensure", "summary");
    assert.equal(t?.format, "delta");
    assert.equal(t?.location, "s3://b/gold/summary");
    assert.deepEqual(t?.columns.map((c) => c.name), ["user_id", "count", "last_seen"]);
    assert.equal(t?.parameters.table_type, "DELTA");
    assert.equal(await catalog.getTable("ensure", "missing"), null);
    assert.equal(await catalog.getTable("no_such_db", "t"), null);
  });

  test("a concurrent change (ConcurrentModificationException) makes the update be computed again from the new VersionId", async () => {
    const direct = new GlueCatalog(glueSettingsFrom({ "sluice.glue.endpoint": moto() }, {}));
    const spec: CatalogTableSpec = { database: "conflict", table: "t", location: "s3://b/t", format: "delta", schema, partitionColumns: [] };
    await direct.ensureTable(spec);
    const updates: { versionId: unknown }[] = [];
    proxy.policy = (r) => {
      if (r.headers["x-amz-target"] !== "AWSGlue.UpdateTable") return null;
      updates.push({ versionId: (JSON.parse(r.body.toString("utf8")) as { VersionId?: string }).VersionId });
      if (updates.length > 1) return null;
      return { status: 400, body: JSON.stringify({ __type: "ConcurrentModificationException", message: "Update table failed due to concurrent modifications." }) };
    };
    try {
      const viaProxy = new GlueCatalog(glueSettingsFrom({ "sluice.glue.endpoint": proxy.endpoint }, {}));
      const changed = { ...spec, location: "s3://b/t2" };
      assert.equal(await viaProxy.ensureTable(changed), "updated");
    } finally {
      proxy.policy = () => null;
    }
    assert.equal(updates.length, 2, "the update was sent again after the conflict");
    for (const u of updates) assert.equal(typeof u.versionId, "string", "each update carries the VersionId it was computed from");
    assert.equal((await direct.getTable("conflict", "t"))?.location, "s3://b/t2");
  });

  test("a partitioned Parquet stream on S3 keeps its Hive table and partitions registered as batches commit", async () => {
    const bucket = await createBucket(moto(), "glue-parquet");
    const spark = SparkSession.builder.appName("glue-parquet").getOrCreate();
    for (const [k, v] of Object.entries({ ...motoS3Conf(moto()), "sluice.glue.endpoint": moto() })) spark.conf.set(k, v);
    try {
      const ms = new MemoryStream("event_id STRING, event_type STRING, n BIGINT", `glue-${String(Date.now())}`);
      const start = () =>
        spark.readStream
          .format("memory")
          .option("name", ms.name)
          .load()
          .writeStream.format("parquet")
          .partitionBy("event_type")
          .option("path", `s3://${bucket}/silver/events`)
          .option("checkpointLocation", `s3://${bucket}/_checkpoints/events`)
          .option("catalog", "glue")
          .option("database", "lake")
          .option("table", "Events")
          .start();
      let q = start();
      ms.addData([
        { event_id: "a", event_type: "click", n: 1n },
        { event_id: "b", event_type: "view", n: 2n },
      ]);
      await q.processAllAvailable();
      ms.addData([{ event_id: "c", event_type: "buy/now", n: 3n }]);
      await q.processAllAvailable();
      await q.stop();
      // A restart registers nothing twice and adds what is new.
      q = start();
      ms.addData([
        { event_id: "d", event_type: "click", n: 4n },
        { event_id: "e", event_type: null, n: 5n },
      ]);
      await q.processAllAvailable();
      await q.stop();
      const client = glue();
      const t = (await client.send(new GetTableCommand({ DatabaseName: "lake", Name: "events" }))).Table;
      assert.equal(t?.Parameters?.classification, "parquet");
      assert.equal(t?.StorageDescriptor?.Location, `s3://${bucket}/silver/events`);
      assert.deepEqual(t?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type]), [
        ["event_id", "string"],
        ["n", "bigint"],
      ]);
      assert.deepEqual(t?.PartitionKeys?.map((c) => [c.Name, c.Type]), [["event_type", "string"]]);
      assert.match(t?.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? "", /ParquetHiveSerDe/);
      const parts = (await client.send(new GetPartitionsCommand({ DatabaseName: "lake", TableName: "events" }))).Partitions ?? [];
      client.destroy();
      const byValue = new Map(parts.map((p) => [p.Values?.[0] ?? "", p.StorageDescriptor?.Location ?? ""]));
      assert.deepEqual([...byValue.keys()].sort(), ["__HIVE_DEFAULT_PARTITION__", "buy/now", "click", "view"]);
      assert.equal(byValue.get("buy/now"), `s3://${bucket}/silver/events/event_type=buy%2Fnow/`);

      // With the catalog configured, spark.table finds the table by name.
      spark.conf.set("sluice.catalog", "glue");
      const rows = (await spark.table("lake.events").orderBy("event_id").collect()).map((r) => [r.event_id, r.event_type, r.n]);
      assert.deepEqual(rows, [
        ["a", "click", 1n],
        ["b", "view", 2n],
        ["c", "buy/now", 3n],
        ["d", "click", 4n],
        ["e", null, 5n],
      ]);
      // A Delta table registered by a sink reads through its log, batch and streaming.
      await spark.createDataFrame([{ id: 1n }, { id: 2n }], "id BIGINT").write.format("delta").save(`s3://${bucket}/gold/ids`);
      await new GlueCatalog(glueSettingsFrom({ "sluice.glue.endpoint": moto() })).ensureTable({
        database: "lake",
        table: "ids",
        location: `s3://${bucket}/gold/ids`,
        format: "delta",
        schema: StructType([StructField("id", LongType())]),
        partitionColumns: [],
      });
      assert.equal(await spark.read.table("`lake`.`ids`").count(), 2);
      assert.equal(spark.readStream.table("lake.ids").isStreaming, true);
      assert.throws(() => spark.table("lake.nothing"), /lake\.nothing is not in the Glue Data Catalog/);
    } finally {
      for (const k of [...Object.keys(motoS3Conf(moto())), "sluice.glue.endpoint", "sluice.catalog"]) spark.conf.unset(k);
    }
  });

  test("sluice table register: a Delta table and a partitioned Parquet folder on S3", async () => {
    const bucket = await createBucket(moto(), "glue-register");
    const spark = SparkSession.builder.getOrCreate();
    for (const [k, v] of Object.entries(motoS3Conf(moto()))) spark.conf.set(k, v);
    try {
      const df = spark.createDataFrame(
        [
          { id: 1n, day: "2026-12-01" },
          { id: 2n, day: "2026-12-02" },
          { id: 3n, day: "2026-12-02" },
        ],
        "id BIGINT, day STRING",
      );
      await df.write.format("delta").save(`s3://${bucket}/gold/ids`);
      await df.write.format("parquet").partitionBy("day").save(`s3://${bucket}/silver/days`);
    } finally {
      for (const k of Object.keys(motoS3Conf(moto()))) spark.conf.unset(k);
    }
    const env = {
      AWS_ENDPOINT_URL: moto(),
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
    };
    const delta = await runSluice(["table", "register", `s3://${bucket}/gold/ids`, "--database", "reg", "--table", "ids"], { env });
    assert.equal(delta.code, 0, delta.stderr);
    assert.match(delta.stdout, /register: delta table reg\.ids at s3:\/\/glue-register-[\w-]+\/gold\/ids created in the Glue Data Catalog/);
    const parquet = await runSluice(["table", "register", `s3://${bucket}/silver/days`, "--database", "reg", "--table", "days"], { env });
    assert.equal(parquet.code, 0, parquet.stderr);
    assert.match(parquet.stdout, /parquet table reg\.days .* created in the Glue Data Catalog; 2 new partitions of 2/);
    const again = await runSluice(["table", "register", `s3://${bucket}/silver/days`, "--database", "reg", "--table", "days"], { env });
    assert.match(again.stdout, /unchanged in the Glue Data Catalog; 0 new partitions of 2/);
    const client = glue();
    const t = (await client.send(new GetTableCommand({ DatabaseName: "reg", Name: "days" }))).Table;
    const parts = (await client.send(new GetPartitionsCommand({ DatabaseName: "reg", TableName: "days" }))).Partitions ?? [];
    client.destroy();
    assert.deepEqual(t?.StorageDescriptor?.Columns?.map((c) => c.Name), ["id"]);
    assert.deepEqual(t?.PartitionKeys?.map((c) => c.Name), ["day"]);
    assert.deepEqual(parts.map((p) => p.Values?.[0]).sort(), ["2026-12-01", "2026-12-02"]);
    // GlueContext reads S3 catalog tables: batch as DynamicFrames, streaming as DataFrames.
    const glueContext = new GlueContext(spark);
    for (const [k, v] of Object.entries({ ...motoS3Conf(moto()), "sluice.glue.endpoint": moto() })) spark.conf.set(k, v);
    try {
      const days = glueContext.create_dynamic_frame.from_catalog({ database: "reg", table_name: "days" });
      assert.equal(await days.count(), 3);
      assert.deepEqual(days.schema().fields.map((f) => f.name), ["id", "day"]);
      // Glue's positional order: database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options.
      assert.equal(await glueContext.create_dynamic_frame.from_catalog("reg", "days", "", "days_ctx", "", {}).count(), 3);
      assert.throws(() => glueContext.create_dynamic_frame.from_catalog("reg", "days", "", "", "day = '2026-12-01'"), /push_down_predicate is not supported yet/);
      assert.throws(() => glueContext.create_dynamic_frame.from_catalog({ database: "reg", table_name: "days", additonal_options: {} } as never), /unknown argument 'additonal_options'; did you mean 'additional_options'/);
      assert.throws(() => glueContext.create_dynamic_frame.from_catalog({ table_name: "days" }), /parameter name_space or database is missing/);
      const ids = glueContext.create_data_frame.from_catalog("reg", "ids");
      assert.equal(ids.isStreaming, true);
      assert.deepEqual(ids.schema.fields.map((f) => f.name), ["id", "day"]);
    } finally {
      for (const k of [...Object.keys(motoS3Conf(moto())), "sluice.glue.endpoint"]) spark.conf.unset(k);
    }
    const bad = await runSluice(["table", "register", `s3://${bucket}/gold/ids`, "--database", "reg"], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--database and --table are required/);
  });

  test("a CSV sink registers its separator, quote and header; spark.table reads it back with them; a format change drops the old one's parameters", async () => {
    const bucket = await createBucket(moto(), "glue-csv");
    const spark = SparkSession.builder.getOrCreate();
    for (const [k, v] of Object.entries({ ...motoS3Conf(moto()), "sluice.glue.endpoint": moto() })) spark.conf.set(k, v);
    try {
      const ms = new MemoryStream("id STRING, note STRING", `glue-csv-${String(Date.now())}`);
      const q = spark.readStream
        .format("memory")
        .option("name", ms.name)
        .load()
        .writeStream.format("csv")
        .option("path", `s3://${bucket}/out/notes`)
        .option("checkpointLocation", `s3://${bucket}/_checkpoints/notes`)
        .option("sep", "|")
        .option("header", "true")
        .option("catalog", "glue")
        .option("database", "csvdb")
        .option("table", "notes")
        .start();
      ms.addData([
        { id: "a", note: "x|y" },
        { id: "b", note: "plain" },
      ]);
      await q.processAllAvailable();
      await q.stop();
      const client = glue();
      const t = (await client.send(new GetTableCommand({ DatabaseName: "csvdb", Name: "notes" }))).Table;
      assert.equal(t?.Parameters?.["skip.header.line.count"], "1");
      assert.equal(t?.StorageDescriptor?.SerdeInfo?.Parameters?.separatorChar, "|");
      assert.match(t?.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? "", /OpenCSVSerde/);
      spark.conf.set("sluice.catalog", "glue");
      const rows = (await spark.table("csvdb.notes").orderBy("id").collect()).map((r) => [r.id, r.note]);
      assert.deepEqual(rows, [
        ["a", "x|y"],
        ["b", "plain"],
      ]);
      // The same name registered as Delta, then as Parquet: no Delta parameter is left behind.
      const catalog = new GlueCatalog(glueSettingsFrom({ "sluice.glue.endpoint": moto() }, {}));
      const base = { database: "csvdb", table: "moved", location: `s3://${bucket}/moved`, schema, partitionColumns: [] };
      await catalog.ensureTable({ ...base, format: "delta" });
      assert.equal(await catalog.ensureTable({ ...base, format: "parquet" }), "updated");
      const moved = await catalog.getTable("csvdb", "moved");
      assert.equal(moved?.format, "parquet");
      assert.equal(moved?.tableParameters.table_type, undefined);
      assert.equal(await catalog.ensureTable({ ...base, format: "parquet" }), "unchanged");
      await catalog.close();
      client.destroy();
    } finally {
      for (const k of [...Object.keys(motoS3Conf(moto())), "sluice.glue.endpoint", "sluice.catalog"]) spark.conf.unset(k);
    }
  });

  test("catalog options are checked when the query starts", () => {
    const spark = SparkSession.builder.getOrCreate();
    const ms = new MemoryStream("a STRING", `glue-options-${String(Date.now())}`);
    const w = () => spark.readStream.format("memory").option("name", ms.name).load().writeStream.option("checkpointLocation", "memory://glue-options/ck");
    assert.throws(() => w().format("parquet").option("path", "memory://x/y").option("database", "db").start(), /option 'database' names a catalog table; set option 'catalog' to "glue"/);
    assert.throws(() => w().format("parquet").option("path", "memory://x/y").option("catalog", "hive").start(), /option 'catalog' must be "glue"/);
    assert.throws(() => w().format("parquet").option("path", "memory://x/y").option("catalog", "glue").option("database", "db").start(), /option 'table' is required/);
    assert.throws(() => w().format("console").option("catalog", "glue").option("database", "db").option("table", "t").start(), /supported for the delta, iceberg, parquet, json and csv sinks/);
    assert.throws(() => glueSettingsFrom({ "sluice.glue.endpiont": "x" }), (e: unknown) => e instanceof ConfigError && /did you mean 'sluice.glue.endpoint'/.test(e.message));
  });
});
