// The seed's Glue job (Bronze → Silver), translated line by line from PySpark.
// Source: a landing folder of NDJSON files (as Firehose writes them); sink: Parquet (or Delta with
// SILVER_FORMAT=delta, as the seed's second job expects) with a checkpoint that gives exactly-once.
// Paths come from the environment:
//   LANDING=/data/landing SILVER=/data/silver CHECKPOINT=/data/_checkpoints/bronze_to_silver \
//   npx sluice run examples/bronze-to-silver.ts
import { SparkSession, col, from_json, StructType, StructField, StringType, LongType } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("bronze_to_silver").getOrCreate();

const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
  StructField("event_type", StringType(), true),
  StructField("payload", StringType(), true),
]);

const raw = spark.readStream.format("text").option("maxFilesPerTrigger", process.env.MAX_FILES ?? "100").load(env("LANDING"));

const parsed = raw
  .selectExpr("CAST(value AS STRING)")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*");

const cleaned = parsed.filter(col("event_id").isNotNull()).dropDuplicates(["event_id"]);

const query = cleaned.writeStream
  .format(process.env.SILVER_FORMAT ?? "parquet") // the seed: could also be "delta" or "iceberg"
  .option("path", env("SILVER"))
  .option("checkpointLocation", env("CHECKPOINT"))
  .outputMode("append")
  // The seed runs every minute forever; TRIGGER=availableNow processes what has landed and stops.
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
