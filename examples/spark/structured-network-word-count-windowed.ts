// Spark's examples/src/main/python/sql/streaming/structured_network_wordcount_windowed.py, ported
// to TypeScript with only syntax changes. Spark reads lines from a socket with
// includeTimestamp=true, which gives each line a `timestamp`; sluice has no socket source, so the
// lines come from JSON files dropped into a folder, each `{"value": "...", "timestamp": "..."}`:
//   INPUT=/data/lines npx sluice run examples/spark/structured-network-word-count-windowed.ts
// WINDOW_SECONDS (default 10) and SLIDE_SECONDS (default half of it) are Spark's windowDuration and
// slideDuration arguments. Prints the windowed counts to the console after each batch.
import { SparkSession, explode, split, window } from "sluice";

const input = process.env.INPUT;
if (input === undefined || input === "") throw new Error("set INPUT to the folder of JSON line files to count");
const windowSize = Number(process.env.WINDOW_SECONDS ?? "10");
const slideSize = Number(process.env.SLIDE_SECONDS ?? String(windowSize / 2));
if (slideSize > windowSize) throw new Error("<slide duration> must be less than or equal to <window duration>");
const windowDuration = `${windowSize} seconds`;
const slideDuration = `${slideSize} seconds`;

const spark = SparkSession.builder.appName("StructuredNetworkWordCountWindowed").getOrCreate();

// Create DataFrame representing the stream of input lines, with the time each line was received
const lines = spark.readStream.format("json").schema("value STRING, timestamp TIMESTAMP").load(input);

// Split the lines into words, retaining timestamps
// split() splits each line into an array, and explode() turns the array into multiple rows
const words = lines.select(explode(split(lines.col("value"), " ")).alias("word"), lines.col("timestamp"));

// Group the data by window and word and compute the count of each group
const windowedCounts = words.groupBy(window(words.col("timestamp"), windowDuration, slideDuration), words.col("word")).count().orderBy("window");

// Start running the query that prints the windowed word counts to the console
const query = windowedCounts.writeStream
  .outputMode("complete")
  .format("console")
  .option("truncate", "false")
  .option("checkpointLocation", process.env.CHECKPOINT ?? `${input}/../_checkpoints/word_count_windowed`)
  // Spark's example runs until stopped; TRIGGER=availableNow counts what is there and stops.
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "0 seconds" })
  .start();

await query.awaitTermination();
