// The seed's Glue job (Bronze → Silver) reading Kafka, translated line by line from PySpark.
// Source: the `booking_events` topic; sink: Delta (or Parquet with SILVER_FORMAT=parquet) with a
// checkpoint that gives exactly-once. Settings come from the environment:
//   BOOTSTRAP=b-1.msk-cluster:9092 SILVER=/data/silver CHECKPOINT=/data/_checkpoints/bronze_to_silver \
//   npx sluice run examples/kafka-bronze-to-silver.ts
// Optional: TOPIC (booking_events), STARTING_OFFSETS (latest, as the seed; earliest replays the
// backlog), MAX_OFFSETS (maxOffsetsPerTrigger), SECURITY_PROTOCOL (e.g. SSL for MSK),
// TRIGGER=availableNow (process what is there and stop; default: every minute, forever).
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
  .format("kafka")
  .option("kafka.bootstrap.servers", env("BOOTSTRAP"))
  .option("subscribe", process.env.TOPIC ?? "booking_events")
  .option("startingOffsets", process.env.STARTING_OFFSETS ?? "latest");
if (process.env.MAX_OFFSETS !== undefined) reader = reader.option("maxOffsetsPerTrigger", process.env.MAX_OFFSETS);
if (process.env.SECURITY_PROTOCOL !== undefined) reader = reader.option("kafka.security.protocol", process.env.SECURITY_PROTOCOL);
const rawStream = reader.load();

const parsed = rawStream
  .selectExpr("CAST(value AS STRING)")
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
