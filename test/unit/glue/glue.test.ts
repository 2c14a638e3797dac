import { test } from "node:test";
import assert from "node:assert/strict";
import { ApplyMapping, DropFields, DynamicFrame, GlueContext, Job, RenameField, SelectFields, SparkContext, getResolvedOptions, glueType } from "../../../src/glue/index.js";
import { setForEachBatchRetryUnit } from "../../../src/glue/glue-context.js";
import { MemoryStream } from "../../../src/index.js";
import { ConfigError } from "../../../src/errors.js";
import { catalogString } from "../../../src/types/print-schema.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { query } from "../formats/parquet/duckdb.js";
import { tempPath } from "../api/support.js";

const argv = (...rest: string[]): string[] => [process.execPath, "/jobs/script.ts", ...rest];

test("getResolvedOptions: --NAME value and --NAME=value, required names, Glue's own arguments", () => {
  const args = getResolvedOptions(argv("--JOB_NAME", "bookings", "--OUTPUT=s3://b/out", "--unrelated", "x", "--TempDir", "s3://b/tmp", "--job-bookmark-option", "job-bookmark-disable"), ["JOB_NAME", "OUTPUT"]);
  assert.deepEqual(args, { JOB_NAME: "bookings", OUTPUT: "s3://b/out", TempDir: "s3://b/tmp", RedshiftTempDir: "s3://b/tmp", job_bookmark_option: "job-bookmark-disable" });
  assert.equal(getResolvedOptions(["script.py", "--JOB_NAME", "j"], ["JOB_NAME"]).JOB_NAME, "j", "Python's sys.argv form");
  assert.equal(getResolvedOptions(argv("--JOB_NAME", "j"), ["JOB_NAME"]).job_bookmark_option, "job-bookmark-disable");
  assert.throws(() => getResolvedOptions(argv("--JOB_NAME", "j"), ["JOB_NAME", "OUTPUT", "DB"]), /the following arguments are required: --OUTPUT, --DB/);
  assert.throws(() => getResolvedOptions(argv(), ["job-bookmark-option"]), /using reserved arguments job-bookmark-option/);
  assert.throws(() => getResolvedOptions(argv("--JOB_NAME"), ["JOB_NAME"]), /argument --JOB_NAME: expected one argument/);
  assert.throws(() => getResolvedOptions(argv("--job-bookmark-option", "on"), []), /invalid choice: 'on'/);
  assert.equal(getResolvedOptions(argv("--continuation-option", "continuation-enabled"), []).job_bookmark_option, "job-bookmark-enable");
});

test("Job: init then commit; job bookmarks are refused by name", () => {
  const glueContext = new GlueContext(new SparkContext());
  const job = new Job(glueContext);
  assert.throws(() => job.commit(), /not initialized/);
  job.init("bookings", { job_bookmark_option: "job-bookmark-disable" });
  assert.equal(job.isInitialized(), true);
  job.commit();
  assert.equal(job.isCommitted, true);
  assert.throws(() => new Job(glueContext).init("b", { job_bookmark_option: "job-bookmark-enable" }), (e: unknown) => e instanceof ConfigError && /job-bookmark-option job-bookmark-enable is not supported/.test(e.message));
});

test("ApplyMapping: only the mapped fields, renamed, cast, nested both ways; errors name the path", async () => {
  const glueContext = new GlueContext();
  const spark = glueContext.spark_session;
  const df = spark.createDataFrame(
    [{ id: "7", ts: 1_765_000_000n, info: { city: "Oslo", stars: 4 }, extra: "x" }],
    "id STRING, ts BIGINT, info STRUCT<city: STRING, stars: INT>, extra STRING",
  );
  const frame = DynamicFrame.fromDF(df, glueContext, "in");
  const mapped = ApplyMapping.apply({
    frame,
    mappings: [
      ["id", "string", "id", "long"],
      ["ts", "long", "event.time", "timestamp"],
      ["info.city", "string", "event.city", "string"],
      ["info.stars", "int", "stars", "double"],
    ],
  });
  assert.equal(catalogString(mapped.schema()), "struct<id:bigint,event:struct<time:timestamp,city:string>,stars:double>");
  const [row] = await mapped.toDF().collect();
  assert.equal(row.id, 7n);
  assert.equal(row.stars, 4);
  assert.deepEqual(Object.keys(row.event as object), ["time", "city"]);
  assert.equal((row.event as { city: string }).city, "Oslo");
  assert.equal(ApplyMapping.apply(frame, [["ID", "string", "x", "string"]]).schema().fields[0].name, "x", "source names are case-insensitive, as Glue's default");
  assert.throws(() => ApplyMapping.apply(frame, [["missing", "string", "m", "string"]]), /no field "missing"; the frame has id, ts, info, extra/);
  assert.throws(() => ApplyMapping.apply(frame, [["id", "string", "id", "strng"]]), /unknown type "strng"/);
  assert.throws(() => ApplyMapping.apply(frame, [["id", "string", "a", "string"], ["ts", "long", "a", "long"]]), /mapped twice/);
  assert.equal(catalogString(glueType("decimal(10,2)")), "decimal(10,2)");
  assert.equal(catalogString(glueType("varchar(20)")), "string");

  assert.deepEqual(SelectFields.apply(frame, ["id", "info.city"]).schema().fields.map((f) => f.name), ["id", "city"]);
  assert.deepEqual(DropFields.apply({ frame, paths: ["extra", "info"] }).schema().fields.map((f) => f.name), ["id", "ts"]);
  assert.deepEqual(RenameField.apply(frame, "extra", "note").schema().fields.map((f) => f.name), ["id", "ts", "info", "note"]);
  assert.equal(await frame.count(), 1);
});

test("forEachBatch: non-empty batches only, retried up to batchMaxRetries, options checked by name", async () => {
  setForEachBatchRetryUnit(1);
  const glueContext = new GlueContext();
  const ms = new MemoryStream("n INT", `glue-feb-${String(Date.now())}`);
  const frame = glueContext.spark_session.readStream.format("memory").option("name", ms.name).load();
  const seen: number[] = [];
  let failures = 0;
  ms.addData([{ n: 1 }, { n: 2 }]);
  const done = glueContext.forEachBatch({
    frame,
    batch_function: async (df, batchId) => {
      if (batchId === 0 && failures < 2) {
        failures++;
        throw new Error("transient");
      }
      seen.push(await df.count());
    },
    options: { windowSize: "50 milliseconds", checkpointLocation: `memory://glue-feb/${String(Date.now())}/`, batchMaxRetries: 2 },
  });
  const q = glueContext.spark_session.streams.active.at(-1);
  assert.ok(q !== undefined);
  await q.processAllAvailable();
  ms.addData([{ n: 3 }]);
  await q.processAllAvailable();
  await q.stop();
  await done;
  assert.equal(failures, 2);
  assert.deepEqual(seen, [2, 1], "each non-empty batch once, after two failed attempts of the first");

  await assert.rejects(glueContext.forEachBatch(frame, () => undefined, { checkpointLocation: "memory://x/" }), /missing windowSize argument/);
  await assert.rejects(glueContext.forEachBatch(frame, () => undefined, { windowSize: "1 second" }), /missing checkpointLocation argument/);
  await assert.rejects(glueContext.forEachBatch(frame, () => undefined, { windowSize: "1 second", checkpointLocation: "memory://x/", batchMaxRetries: 101 }), /range of \[0, 100\]/);
  await assert.rejects(glueContext.forEachBatch(frame, () => undefined, { windowSize: "1 second", checkpointLocation: "memory://x/", windowsize: "1" }), /unknown option 'windowsize'; did you mean 'windowSize'/);
});

test("forEachBatch: a batch failing past batchMaxRetries fails the query, naming the batch and the attempts", async () => {
  setForEachBatchRetryUnit(1);
  const glueContext = new GlueContext();
  const ms = new MemoryStream("n INT", `glue-feb-fail-${String(Date.now())}`);
  ms.addData([{ n: 1 }]);
  const frame = glueContext.spark_session.readStream.format("memory").option("name", ms.name).load();
  await assert.rejects(
    glueContext.forEachBatch(frame, () => Promise.reject(new Error("always")), { windowSize: "50 milliseconds", checkpointLocation: `memory://glue-feb-fail/${String(Date.now())}/`, batchMaxRetries: 1 }),
    /forEachBatch: batch 0 failed after 2 attempts \(batchMaxRetries 1\): always/,
  );
});

test("from_options: Glue's connection options are checked, and what is not supported is named", () => {
  const glueContext = new GlueContext();
  const read = (o: Record<string, string>) => glueContext.create_data_frame.from_options("kafka", o);
  assert.throws(() => read({ topicName: "t" }), /gives no bootstrap servers/);
  assert.throws(() => read({ "bootstrap.servers": "h:9092" }), /exactly one of topicName, assign and subscribePattern/);
  assert.throws(() => read({ "bootstrap.servers": "h:9092", topicName: "t", classification: "csv", schema: "a STRING" }), /classification 'csv' is not supported yet/);
  assert.throws(() => read({ "bootstrap.servers": "h:9092", topicName: "t" }), (e: unknown) => e instanceof ConfigError && e.context.option === "inferSchema");
  // inferSchema: the records' text in Glue's column, to be parsed per batch by DynamicFrame.fromDF.
  assert.deepEqual(read({ "bootstrap.servers": "h:9092", topicName: "t", inferSchema: "true", addRecordTimestamp: "true" }).columns, ["$json$data_infer_schema$_temporary$", "__src_timestamp"]);
  assert.throws(() => read({ "bootstrap.servers": "h:9092", topicName: "t", schema: "a STRING", maxOffsetPerTrigger: "5" }), /unknown Glue connection option 'maxOffsetPerTrigger'.*did you mean 'maxOffsetsPerTrigger'/);
  assert.throws(() => read({ "bootstrap.servers": "h:9092", topicName: "t", schema: "a STRING", includeHeaders: "true" }), /'includeHeaders' is not supported yet/);
  assert.throws(() => glueContext.create_data_frame.from_options("jdbc", {}), /connection_type "jdbc" is not supported/);
});

test("write_dynamic_frame.from_options: parquet/glueparquet, json and csv (with Glue's header) under path, in partitionKeys folders", async () => {
  const glueContext = new GlueContext();
  const df = glueContext.spark_session.createDataFrame(
    [
      { id: "a", kind: "x", n: 1n },
      { id: "b", kind: "y", n: 2n },
    ],
    "id STRING, kind STRING, n BIGINT",
  );
  const frame = DynamicFrame.fromDF(df, glueContext, "out");
  for (const format of ["glueparquet", "json", "csv"] as const) {
    const path = tempPath(`glue-${format}`);
    await glueContext.write_dynamic_frame.from_options({ frame, connection_type: "s3", connection_options: { path, partitionKeys: ["kind"] }, format });
    // A second batch appends.
    await glueContext.write_dynamic_frame.from_options(frame, "s3", { path, partitionKeys: ["kind"] }, format);
    const reader = format === "glueparquet" ? `read_parquet('${path}/*/*.parquet', hive_partitioning = true)` : format === "json" ? `read_json_auto('${path}/*/*.json', hive_partitioning = true)` : `read_csv('${path}/*/*.csv', header = true, hive_partitioning = true)`;
    assert.deepEqual(await query(`SELECT id, kind, count(*) AS c FROM ${reader} GROUP BY ALL ORDER BY id`), [
      { id: "a", kind: "x", c: "2" },
      { id: "b", kind: "y", c: "2" },
    ], format);
  }
  const noHeader = tempPath("glue-csv-noheader");
  await glueContext.write_dynamic_frame.from_options(frame, "s3", { path: noHeader }, "csv", { writeHeader: false, separator: "|" });
  const csvFile = readdirSync(noHeader).find((f) => f.endsWith(".csv")) ?? "";
  assert.equal(readFileSync(join(noHeader, csvFile), "utf8"), "a|x|1\nb|y|2\n");
  await assert.rejects(glueContext.write_dynamic_frame.from_options(frame, "s3", { path: noHeader, bucketing: "x" }, "csv"), /connection option 'bucketing' is not supported/);
  await assert.rejects(glueContext.write_dynamic_frame.from_options(frame, "s3", { path: noHeader }, "avro"), /format "avro" is not supported/);
  await assert.rejects(glueContext.write_dynamic_frame.from_options(frame, "jdbc", { path: noHeader }), /connection_type "jdbc" is not supported; use s3/);
});

test("DynamicFrame.fromDF infers an inferSchema batch's schema from its records, as Glue does", async () => {
  const glueContext = new GlueContext();
  const batch = glueContext.spark_session.createDataFrame(
    [
      { raw: '{"event_id": "e1", "n": 1, "tags": ["a"]}', ts: 1n },
      { raw: '{"event_id": "e2", "n": 2.5, "extra": {"k": true}}', ts: 2n },
      { raw: "not json", ts: 3n },
    ],
    "raw STRING, ts BIGINT",
  );
  const raw = batch.withColumnRenamed("raw", "$json$data_infer_schema$_temporary$").withColumnRenamed("ts", "__src_timestamp");
  // A frame as forEachBatch hands it over: rows held in memory.
  const handed = glueContext.spark_session.createDataFrame(await raw.collect(), raw.schema);
  const frame = DynamicFrame.fromDF(handed, glueContext, "from_data_frame");
  assert.equal(catalogString(frame.schema()), "struct<event_id:string,extra:struct<k:boolean>,n:double,tags:array<string>,__src_timestamp:bigint>");
  const rows = await frame.toDF().orderBy("__src_timestamp").collect();
  assert.deepEqual(rows.map((r) => [r.event_id, r.n]), [
    ["e1", 1],
    ["e2", 2.5],
    [null, null],
  ]);
  assert.throws(() => DynamicFrame.fromDF(raw.filter("__src_timestamp > 0"), glueContext), /inferred from each batch's records; convert the batch DataFrame forEachBatch hands over/);
});
