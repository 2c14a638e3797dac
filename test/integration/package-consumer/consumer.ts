// A consumer of the installed package, using the public API as the README shows it. The package
// test (../package.test.ts) type-checks it with tsconfig.json here, the strictest settings a
// consumer may use, in a project with no @types/node: sluice's declarations must not need it.
// It is compiled, not run.
import {
  SparkSession,
  DeltaTable,
  col,
  from_json,
  StructType,
  StructField,
  StringType,
  LongType,
  SluiceError,
} from "sluice";
import type { DataFrame, Row, StreamingQuery, StreamingQueryProgress } from "sluice";

const spark = SparkSession.builder.appName("bronze_to_silver").getOrCreate();
const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
  StructField("event_type", StringType(), true),
  StructField("payload", StringType(), true),
]);

const raw: DataFrame = spark.readStream.format("text").option("maxFilesPerTrigger", 100).load("/data/landing");
const parsed = raw
  .selectExpr("CAST(value AS STRING)")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*");
const cleaned = parsed.filter(col("event_id").isNotNull()).dropDuplicates(["event_id"]);

const query: StreamingQuery = cleaned.writeStream
  .format("delta")
  .option("path", "/data/silver")
  .option("checkpointLocation", "/data/_checkpoints/b2s")
  .outputMode("append")
  .trigger({ processingTime: "1 minute" })
  .start();
const seen: unknown[] = [];
const progress: StreamingQueryProgress | null = query.lastProgress;
seen.push(progress?.numInputRows);
await query.awaitTermination();

const typed = spark.readStream.format("json").schema("event_id STRING, n BIGINT").load("/data/json");
const gold = typed.groupBy("event_id").count();
gold.writeStream.format("delta").option("path", "/data/gold").option("checkpointLocation", "/data/_checkpoints/gold").outputMode("complete").start();

const table = DeltaTable.forPath(spark, "/data/silver");
const history = await table.history();
const rows: Row[] = await history.collect();
const first = rows[0];
if (first !== undefined) seen.push(first["version"]);
await table.optimize().executeCompaction();
await table.vacuum(168);
const batch = spark.read.format("delta").load("/data/silver");
await table.alias("t").merge(batch.alias("s"), "t.event_id = s.event_id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();

try {
  spark.readStream.format("nope").load();
} catch (e) {
  if (e instanceof SluiceError) seen.push(e.code, e.retryable);
}

// The Glue layer, as a ported Glue streaming script uses it.
import { ApplyMapping, DynamicFrame, GlueContext, Job, SparkContext, getResolvedOptions } from "sluice/glue";
import type { GlueOptions, Mapping } from "sluice/glue";

const args: Record<string, string> = getResolvedOptions(["script.py", "--JOB_NAME", "j"], ["JOB_NAME"]);
const glueContext = new GlueContext(new SparkContext());
const glueJob = new Job(glueContext);
glueJob.init(args["JOB_NAME"] ?? "j", args);
const options: GlueOptions = { startingPosition: "TRIM_HORIZON", inferSchema: "false" };
const streamDf: DataFrame = glueContext.create_data_frame.from_catalog({ database: "demo", table_name: "events", additional_options: options });
const mappings: Mapping[] = [["event_id", "string", "id", "string"]];
const forEach: Promise<void> = glueContext.forEachBatch({
  frame: streamDf,
  batch_function: async (batch: DataFrame, batchId: number) => {
    const mapped: DynamicFrame = ApplyMapping.apply({ frame: DynamicFrame.fromDF(batch, glueContext, "batch"), mappings });
    await glueContext.write_dynamic_frame.from_options({ frame: mapped, connection_type: "s3", connection_options: { path: `s3://b/out/${batchId}`, partitionKeys: [] }, format: "glueparquet" });
  },
  options: { windowSize: "100 seconds", checkpointLocation: "s3://b/tmp/checkpoint/" },
});
void forEach;
glueJob.commit();
