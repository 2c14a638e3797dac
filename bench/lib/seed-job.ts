/**
 * The seed's Bronze → Silver query as a job file a user would run with `sluice run` (it imports
 * `sluice`; LANDING, SILVER and CHECKPOINT come from the environment), one landing file per
 * batch, for the benchmarks and tests that run whole processes.
 */
import { writeFileSync } from "node:fs";

export interface SeedJobOptions {
  /** The `.trigger(...)` argument, as TypeScript source (e.g. `{ availableNow: true }`). */
  readonly trigger: string;
  /** `queryName(...)`, if any. */
  readonly queryName?: string;
  /** Add an event-time column and deduplicate within a 10-minute watermark (state and a watermark to show). */
  readonly watermark?: boolean;
  /** Await the query and print `QUERY_MS=<start() to termination>` on stdout. */
  readonly timed?: boolean;
}

/** Writes the job to `path`; returns `path`. */
export function writeSeedJob(path: string, o: SeedJobOptions): string {
  const dedup = o.watermark === true
    ? `.withColumn("event_time", col("timestamp").divide(1000).cast("timestamp"))
  .withWatermark("event_time", "10 minutes")
  .dropDuplicates(["event_id", "event_time"])`
    : `.dropDuplicates(["event_id"])`;
  const name = o.queryName === undefined ? "" : `.queryName(${JSON.stringify(o.queryName)})`;
  writeFileSync(
    path,
    `import { SparkSession, col, from_json } from "sluice";
const spark = SparkSession.builder.getOrCreate();
const schema = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";
const t0 = performance.now();
const q = spark.readStream.format("text").option("maxFilesPerTrigger", 1).load(process.env.LANDING ?? "")
  .select(from_json(col("value"), schema).alias("d")).select("d.*")
  .filter(col("event_id").isNotNull())
  ${dedup}
  .writeStream.format("parquet")${name}.option("compression", "zstd")
  .option("path", process.env.SILVER ?? "").option("checkpointLocation", process.env.CHECKPOINT ?? "")
  .trigger(${o.trigger}).start();
${o.timed === true ? "await q.awaitTermination();\nprocess.stdout.write(`QUERY_MS=${performance.now() - t0}\\n`);" : "void t0;"}
`,
  );
  return path;
}
