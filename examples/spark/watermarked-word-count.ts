// The programming guide's "Handling Late Data and Watermarking" example (Structured Streaming
// Programming Guide, Spark 3.5), ported with only syntax changes: words with their event time,
// counted per 10-minute window sliding every 5 minutes, with a 10-minute watermark. Words come
// from JSON files dropped into a folder, each line `{"timestamp": "...", "word": "..."}`; the
// counts go to JSON files in OUTPUT, each window written once, when the watermark passes it
// (append mode, as the guide's second variant):
//   INPUT=/data/words OUTPUT=/data/counts npx sluice run examples/spark/watermarked-word-count.ts
import { SparkSession, window } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("WatermarkedWordCount").getOrCreate();

// streaming DataFrame of schema { timestamp: Timestamp, word: String }
const words = spark.readStream.format("json").schema("timestamp TIMESTAMP, word STRING").load(env("INPUT"));

// Group the data by window and word and compute the count of each group
const windowedCounts = words
  .withWatermark("timestamp", "10 minutes")
  .groupBy(window(words.col("timestamp"), "10 minutes", "5 minutes"), words.col("word"))
  .count();

const query = windowedCounts
  .select("window.start", "window.end", "word", "count")
  .writeStream.outputMode("append")
  .format("json")
  .option("path", env("OUTPUT"))
  .option("checkpointLocation", process.env.CHECKPOINT ?? `${env("OUTPUT")}/../_checkpoints/watermarked_word_count`)
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "0 seconds" })
  .start();

await query.awaitTermination();
