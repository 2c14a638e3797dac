// Bookings joined with their payments, two streams matched within an hour of event time, as the
// Structured Streaming guide's stream–stream join (ad impressions and clicks) is written. Each
// stream has a 10-minute watermark, so each side's state is dropped once no later row of the
// other side can match it. Bookings and payments are JSON files dropped into two folders:
//   BOOKINGS=/data/bookings PAYMENTS=/data/payments OUTPUT=/data/paid CHECKPOINT=/data/_checkpoints/paid \
//   npx sluice run examples/bookings-payments-join.ts
import { SparkSession, expr } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("bookings_payments").getOrCreate();
const maxFiles = process.env.MAX_FILES ?? "1";

const bookings = spark.readStream
  .format("json")
  .schema("booking_id STRING, hotel STRING, booking_time TIMESTAMP")
  .option("maxFilesPerTrigger", maxFiles)
  .load(env("BOOKINGS"))
  .withWatermark("booking_time", "10 minutes");

const payments = spark.readStream
  .format("json")
  .schema("payment_booking_id STRING, amount DOUBLE, payment_time TIMESTAMP")
  .option("maxFilesPerTrigger", maxFiles)
  .load(env("PAYMENTS"))
  .withWatermark("payment_time", "10 minutes");

// Spark's guide writes the range as `payment_time <= booking_time + interval 1 hour`; the CAST form
// says the same, and Spark derives the same state cleanup from it.
const paid = bookings.join(
  payments,
  expr(`booking_id = payment_booking_id AND
    CAST(payment_time AS LONG) >= CAST(booking_time AS LONG) AND
    CAST(payment_time AS LONG) <= CAST(booking_time AS LONG) + 3600`),
);

const query = paid
  .select("booking_id", "hotel", "booking_time", "amount", "payment_time")
  .writeStream.format("json")
  .option("path", env("OUTPUT"))
  .option("checkpointLocation", env("CHECKPOINT"))
  .outputMode("append")
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
