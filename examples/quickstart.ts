// Quick start: writes a few booking events (with a duplicate, an event without an id and a
// malformed line) into a temporary landing folder, runs the seed's Bronze → Silver job with an
// availableNow trigger, and prints the Silver table.
//   npx sluice run examples/quickstart.ts
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, col, from_json, StructType, StructField, StringType, LongType } from "sluice";

const base = process.env.QUICKSTART_DIR ?? mkdtempSync(join(tmpdir(), "sluice-quickstart-"));
const landing = join(base, "landing");
mkdirSync(landing, { recursive: true });
writeFileSync(
  join(landing, "events-0001.json"),
  [
    `{"event_id":"e-1","user_id":"u-1","timestamp":1732600000000,"event_type":"booking_created","payload":"{\\"hotel\\":\\"H-12\\"}"}`,
    `{"event_id":"e-2","user_id":"u-2","timestamp":1732600001000,"event_type":"booking_created","payload":"{}"}`,
    `{"event_id":"e-1","user_id":"u-1","timestamp":1732600000000,"event_type":"booking_created","payload":"{\\"hotel\\":\\"H-12\\"}"}`,
    `{"user_id":"u-3","timestamp":1732600002000,"event_type":"booking_cancelled"}`,
    `{"event_id":"e-3","user_id":"u-1","timestamp":"not a number","event_type":"booking_paid"}`,
    `{"event_id":"e-4", "user_id": broken`,
    `{"event_id":"e-5","user_id":"u-2","timestamp":1732600004000,"event_type":"booking_paid","payload":{"amount":99.5}}`,
  ].join("\n") + "\n",
);

const spark = SparkSession.builder.appName("quickstart").getOrCreate();
const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
  StructField("event_type", StringType(), true),
  StructField("payload", StringType(), true),
]);

const cleaned = spark.readStream
  .format("text")
  .load(landing)
  .selectExpr("CAST(value AS STRING)")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*")
  .filter(col("event_id").isNotNull())
  .dropDuplicates(["event_id"]);

const query = cleaned.writeStream
  .format("parquet")
  .option("path", join(base, "silver"))
  .option("checkpointLocation", join(base, "_checkpoints", "bronze_to_silver"))
  .trigger({ availableNow: true })
  .start();
await query.awaitTermination();

console.log(`Silver at ${join(base, "silver")} (batch ${query.lastProgress?.batchId}, ${query.lastProgress?.numInputRows} input lines):`);
await spark.read.parquet(join(base, "silver")).orderBy("event_id").show(20, false);
