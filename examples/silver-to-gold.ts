// The seed's second job (Silver → Gold), translated line by line from PySpark: the Silver Delta
// table read as a stream, counted per user, and the whole Gold table replaced on every trigger.
//   SILVER=/data/silver GOLD=/data/gold/booking_summary CHECKPOINT=/data/_checkpoints/silver_to_gold \
//   npx sluice run examples/silver-to-gold.ts
// With GLUE_DATABASE set, Gold is also kept registered in the AWS Glue Data Catalog as
// GLUE_DATABASE.booking_summary (or GLUE_TABLE), for Athena. SILVER_FORMAT / GOLD_FORMAT=iceberg
// read and write Iceberg tables instead of Delta (the seed names both).
import { SparkSession } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("silver_to_gold").getOrCreate();

const silverFormat = process.env.SILVER_FORMAT ?? "delta";
// Each format's own name for the per-trigger file limit.
const maxFilesOption = silverFormat === "iceberg" ? "streaming-max-files-per-micro-batch" : "maxFilesPerTrigger";
const silverDf = spark.readStream.format(silverFormat).option(maxFilesOption, process.env.MAX_FILES ?? "1000").load(env("SILVER"));

const goldDf = silverDf.groupBy("user_id").count();

const writer = goldDf.writeStream.format(process.env.GOLD_FORMAT ?? "delta");
if (process.env.GLUE_DATABASE) {
  writer.option("catalog", "glue").option("database", process.env.GLUE_DATABASE).option("table", process.env.GLUE_TABLE ?? "booking_summary");
}

const query = writer
  .option("path", env("GOLD"))
  .option("checkpointLocation", env("CHECKPOINT"))
  .outputMode("complete") // overwrite aggregates
  // The seed runs every minute forever; TRIGGER=availableNow processes what is there and stops.
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
