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
