// The seed's Glue job (Bronze → Silver) reading a Kinesis stream instead of Kafka, translated line
// by line from PySpark. Sink: Delta (or Parquet with SILVER_FORMAT=parquet) with a checkpoint that
// gives exactly-once. Settings come from the environment:
//   STREAM=booking_events REGION=eu-west-1 SILVER=/data/silver CHECKPOINT=/data/_checkpoints/b2s \
//   npx sluice run examples/kinesis-bronze-to-silver.ts
// Optional: STARTING_POSITION (LATEST, as Glue; TRIM_HORIZON replays the stream), ENDPOINT_URL
// (an endpoint other than AWS's), MAX_RECORDS (maxFetchRecordsPerShard), TRIGGER=availableNow
// (process what is there and stop; default: every minute, forever). Credentials come from the
// standard AWS chain (environment, profile, instance role).
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

let reader = spark.readStream
  .format("kinesis")
  .option("streamName", env("STREAM"))
  .option("region", env("REGION"))
  .option("startingPosition", process.env.STARTING_POSITION ?? "LATEST");
if (process.env.ENDPOINT_URL !== undefined) reader = reader.option("endpointUrl", process.env.ENDPOINT_URL);
if (process.env.MAX_RECORDS !== undefined) reader = reader.option("maxFetchRecordsPerShard", process.env.MAX_RECORDS);
const rawStream = reader.load();

const parsed = rawStream
  .selectExpr("CAST(data AS STRING) AS value")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*");

const cleaned = parsed.filter(col("event_id").isNotNull()).dropDuplicates(["event_id"]);

const query = cleaned.writeStream
  .format(process.env.SILVER_FORMAT ?? "delta")
  .option("path", env("SILVER"))
  .option("checkpointLocation", env("CHECKPOINT"))
  .outputMode("append")
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
