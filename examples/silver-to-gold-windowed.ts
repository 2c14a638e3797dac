// A Gold job over event time: the Silver Delta table (as the seed's first job writes it) read as a
// stream, with a 5-minute watermark on the booking events' own time, into two Gold Delta tables:
// - bookings per event type per 10-minute window, each window written once, when the watermark
//   passes its end (append mode);
// - revenue per event type over the last hour, every 15 minutes (a sliding window), kept up to
//   date as events arrive (update mode: Delta merges the changed windows);
// - sessions per user (activity with gaps under 30 minutes), each written once it has closed.
//   SILVER=/data/silver GOLD=/data/gold CHECKPOINTS=/data/_checkpoints/gold_windowed \
//   npx sluice run examples/silver-to-gold-windowed.ts
import { SparkSession, col, count, get_json_object, session_window, sum, window } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("silver_to_gold_windowed").getOrCreate();

const events = spark.readStream
  .format("delta")
  .option("maxFilesPerTrigger", process.env.MAX_FILES ?? "1000")
  .load(env("SILVER"))
  .withColumn("event_time", (col("timestamp").divide(1000)).cast("timestamp"))
  .withWatermark("event_time", "5 minutes");

const bookingsPerType = events.groupBy(window("event_time", "10 minutes"), col("event_type")).count();

const revenue = events
  .groupBy(window("event_time", "1 hour", "15 minutes"), col("event_type"))
  .agg(sum(get_json_object(col("payload"), "$.price").cast("double")).alias("revenue"));

const sessions = events.groupBy(session_window("event_time", "30 minutes"), col("user_id")).agg(count("*").alias("events"));

const trigger = process.env.TRIGGER === "availableNow" ? { availableNow: true as const } : { processingTime: "1 minute" };

const counts = bookingsPerType.writeStream
  .format("delta")
  .option("path", `${env("GOLD")}/bookings_per_type`)
  .option("checkpointLocation", `${env("CHECKPOINTS")}/bookings_per_type`)
  .outputMode("append")
  .trigger(trigger)
  .start();

const sums = revenue.writeStream
  .format("delta")
  .option("path", `${env("GOLD")}/revenue`)
  .option("checkpointLocation", `${env("CHECKPOINTS")}/revenue`)
  .outputMode("update")
  .trigger(trigger)
  .start();

const userSessions = sessions.writeStream
  .format("delta")
  .option("path", `${env("GOLD")}/user_sessions`)
  .option("checkpointLocation", `${env("CHECKPOINTS")}/user_sessions`)
  .outputMode("append")
  .trigger(trigger)
  .start();

await Promise.all([counts.awaitTermination(), sums.awaitTermination(), userSessions.awaitTermination()]);
