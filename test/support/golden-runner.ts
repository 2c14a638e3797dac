/**
 * Runs a golden query (test/golden/<name>/query.ts). Used in the test process (straight through,
 * checkpointed every batch) and inside `sluice run` child processes (killed and restored), so all
 * three ways run the same code; `golden-output.ts` reads the output back. Loads no DuckDB (child
 * processes start faster).
 *
 * Output capture convention:
 * - append mode: the `parquet` sink at `<out>`; the output is every row of the files listed in
 *   `<out>/_spark_metadata`, read with DuckDB (files not in the log are invisible, as for Spark);
 * - update and complete mode: `foreachBatch` writes each batch's rows to `<out>/batch-<id>.json`
 *   (write to a temporary file, then rename: an idempotent overwrite when a batch is re-run).
 *   Complete mode: the output is the rows of the highest batch id (the final state), in the
 *   query's order when it is `ordered`, else sorted canonically. Update mode:
 *   the batches' rows merged in batch-id order, a later row replacing the earlier row with the same
 *   `keys` (the final value of every group that was ever updated).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SparkSession } from "sluice";
import type { DataFrame, DataStreamReader, OutputMode } from "sluice";
import { canonicalRow, canonicalRows } from "./canonical.js";

/** What a golden query's `build` receives. */
export interface GoldenContext {
  readonly spark: SparkSession;
  /** The landing root: input files of `input/<k>/<rel>` arrive at `<input>/<rel>`. */
  readonly input: string;
  /** `spark.readStream` with the run's rate limit (`maxFilesPerTrigger`) already set; use it for every source. */
  readStream(): DataStreamReader;
}

/** The default export of a golden `query.ts`. */
export interface GoldenQuery {
  readonly outputMode: OutputMode;
  /** Update mode: the grouping columns that identify a row when merging updates. */
  readonly keys?: readonly string[];
  /** Complete mode: the row order is part of the output (`orderBy`); rows are not sorted canonically. */
  readonly ordered?: boolean;
  /** Builds the streaming DataFrame. */
  build(ctx: GoldenContext): DataFrame;
}

/** One run of a golden query, until `availableNow` has processed everything present. */
export interface GoldenRun {
  readonly queryFile: string;
  readonly input: string;
  readonly out: string;
  readonly checkpoint: string;
  /** Rate limit for every source (one file per batch in the killed-and-restored runs). */
  readonly maxFilesPerTrigger?: number;
}

/** Imports a golden query module. */
export async function loadGoldenQuery(queryFile: string): Promise<GoldenQuery> {
  const mod = (await import(pathToFileURL(queryFile).href)) as { default?: GoldenQuery };
  if (mod.default === undefined) throw new Error(`golden: ${queryFile} has no default export`);
  return mod.default;
}

/** Starts the query with an `availableNow` trigger and waits for it to finish. */
export async function runGolden(run: GoldenRun): Promise<void> {
  const query = await loadGoldenQuery(run.queryFile);
  const spark = SparkSession.builder.appName("golden").getOrCreate();
  const ctx: GoldenContext = {
    spark,
    input: run.input,
    readStream() {
      const r = spark.readStream;
      return run.maxFilesPerTrigger === undefined ? r : r.option("maxFilesPerTrigger", run.maxFilesPerTrigger);
    },
  };
  const df = query.build(ctx);
  mkdirSync(run.out, { recursive: true });
  let writer = df.writeStream.outputMode(query.outputMode).option("checkpointLocation", run.checkpoint).trigger({ availableNow: true });
  if (query.outputMode === "append") {
    writer = writer.format("parquet").option("path", run.out);
  } else {
    writer = writer.foreachBatch(async (batch, batchId) => {
      const collected = await batch.collect();
      const rows = query.ordered === true ? collected.map(canonicalRow) : canonicalRows(collected);
      const file = join(run.out, `batch-${batchId}.json`);
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(rows));
      renameSync(tmp, file);
    });
  }
  await writer.start().awaitTermination();
}
