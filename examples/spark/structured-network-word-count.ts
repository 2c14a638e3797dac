// Spark's examples/src/main/python/sql/streaming/structured_network_wordcount.py, ported to
// TypeScript with only syntax changes, reading lines from files dropped into a folder instead of a
// socket (sluice has no socket source):
//   INPUT=/data/lines npx sluice run examples/spark/structured-network-word-count.ts
// Prints the running word counts to the console after each batch (complete mode), as Spark does.
import { SparkSession, explode, split } from "sluice";

const input = process.env.INPUT;
if (input === undefined || input === "") throw new Error("set INPUT to the folder of text files to count");

const spark = SparkSession.builder.appName("StructuredNetworkWordCount").getOrCreate();

// Create DataFrame representing the stream of input lines
const lines = spark.readStream.format("text").load(input);

// Split the lines into words
const words = lines.select(explode(split(lines.col("value"), " ")).alias("word"));

// Generate running word count
const wordCounts = words.groupBy("word").count();

// Start running the query that prints the running counts to the console
const query = wordCounts.writeStream
  .outputMode("complete")
  .format("console")
  .option("checkpointLocation", process.env.CHECKPOINT ?? `${input}/../_checkpoints/word_count`)
  // Spark's example runs until stopped; TRIGGER=availableNow counts what is there and stops.
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "0 seconds" })
  .start();

await query.awaitTermination();
