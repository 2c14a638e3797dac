// The seed's Bronze → Silver job with its data-quality step made explicit: records that do not
// parse, and events without an id, go to a quarantine table (Delta) with the reason, instead of
// vanishing; Silver gets the rest, deduplicated. Counts per rule are in every batch's progress.
//   LANDING=/data/landing SILVER=/data/silver QUARANTINE=/data/quarantine \
//   CHECKPOINT=/data/_checkpoints/bronze_to_silver npx sluice run examples/bronze-to-silver-quality.ts
// Then: npx sluice quarantine show $QUARANTINE
import { SparkSession, col, from_json } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("bronze_to_silver_quality").getOrCreate();

// Spark's corrupt-record column keeps the text of a line that does not parse (or does not fit).
const schema = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING, _corrupt_record STRING";

const parsed = spark.readStream
  .format("text")
  .option("maxFilesPerTrigger", process.env.MAX_FILES ?? "100")
  .load(env("LANDING"))
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*");

const silver = parsed
  .expectOrQuarantine("parsed", col("_corrupt_record").isNull())
  .expectOrQuarantine("valid_id", col("event_id").isNotNull())
  .expect("known_type", "event_type IN ('booking_created', 'booking_modified', 'booking_cancelled', 'payment_captured', 'payment_failed', 'search_performed')")
  .drop("_corrupt_record")
  .dropDuplicates(["event_id"]);

const query = silver.writeStream
  .format("delta")
  .option("path", env("SILVER"))
  .option("quarantinePath", env("QUARANTINE"))
  .option("checkpointLocation", env("CHECKPOINT"))
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
