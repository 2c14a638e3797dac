/**
 * The long-run scenario of the bounded-logs acceptance: a streaming query of many micro-batches,
 * one tiny landing file each (all present before the start, `maxFilesPerTrigger` 1, `availableNow`),
 * JSON → `dropDuplicates` → a Delta table or the Parquet file sink, with its checkpoint, on local
 * storage seen through a `CountingStorage` (`routeLocalStorage`). Each batch's storage calls and
 * listed entries are taken from the counting wrapper when the batch's progress is reported, so
 * they cover one whole trigger; listings of the landing folder are counted apart from listings of
 * logs and checkpoint folders. Used by `bench/workloads/long-run.ts` and by the integration test.
 *
 * Retention in the run: the checkpoint keeps Spark's default `minBatchesToRetain` (100); the file
 * source and file sink logs delete expired files at once (`cleanupDelay` 0); the Delta table is
 * created with `delta.logRetentionDuration` and `delta.checkpointRetentionDuration` of
 * `deltaRetentionSeconds` and cutoffs are not truncated (`sluice.delta.logCleanup.cutoffTruncation`
 * none), so log cleanup happens within the run.
 */
import { mkdir, readdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SparkSession } from "../../src/index.js";
import type { StreamingQueryListener } from "../../src/index.js";
import { CountingStorage } from "../../src/storage/forwarding.js";
import type { StorageCallCounts } from "../../src/storage/forwarding.js";
import { localFileSystem, routeLocalStorage } from "../../src/storage/resolve.js";
import { LocalStorage } from "../../src/storage/local.js";

/** The sink the scenario writes to. */
export type LongRunSink = "delta" | "parquet";

/** Options of {@link runLongRun}. */
export interface LongRunOptions {
  readonly sink: LongRunSink;
  /** Micro-batches (= landing files). */
  readonly batches: number;
  /** A fresh work folder (landing zone, output, checkpoint are created in it). */
  readonly dir: string;
  /** The Delta table's log and checkpoint retention, in seconds (default 2). */
  readonly deltaRetentionSeconds?: number;
  /**
   * fsync every write, as sluice does by default (default true). Off, the run measures the same
   * calls faster; triggerExecution then leaves out the disk's flush latency.
   */
  readonly fsync?: boolean;
}

/** What one micro-batch cost. */
export interface BatchCost {
  readonly batchId: number;
  /** Storage calls of every kind (get, head, list, put, createWriter, delete). */
  readonly calls: number;
  /** The calls by kind (`listedEntries` counts every listing, the landing folder's included). */
  readonly counts: StorageCallCounts;
  readonly lists: number;
  /** Entries returned by listings of the logs and checkpoint folders (everything but the landing folder). */
  readonly listedLogEntries: number;
  /** Entries returned by listings of the landing folder. */
  readonly listedLandingEntries: number;
  readonly deletes: number;
  /** Progress `durationMs.triggerExecution`. */
  readonly triggerMs: number;
}

/** Files in each bounded folder when the run ended. */
export interface FolderSizes {
  readonly offsets: number;
  readonly commits: number;
  readonly sourceLog: number;
  readonly state: number;
  /** `_delta_log/` (commits, checkpoints, `_last_checkpoint`) or `_spark_metadata/`. */
  readonly sinkLog: number;
}

/** What {@link runLongRun} measured. */
export interface LongRunResult {
  readonly sink: LongRunSink;
  readonly landing: string;
  readonly out: string;
  readonly checkpoint: string;
  readonly batches: readonly BatchCost[];
  readonly folders: FolderSizes;
  readonly seconds: number;
}

/** One event line per landing file; every 7th file repeats an earlier event (dropped by `dropDuplicates`). */
export function eventLine(i: number): string {
  const id = i % 7 === 6 ? i - 3 : i;
  return JSON.stringify({ event_id: `e${id}`, user_id: `u${id % 13}`, timestamp: 1_700_000_000 + id, event_type: "click", payload: "x" });
}

/** How many distinct events the first `n` landing files hold. */
export function distinctEvents(n: number): number {
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) ids.add((JSON.parse(eventLine(i)) as { event_id: string }).event_id);
  return ids.size;
}

/**
 * Runs the scenario to its end (the `availableNow` trigger stops after the last file) and returns
 * the per-batch costs and the folder sizes. Changes the session's settings for its duration.
 */
export async function runLongRun(options: LongRunOptions): Promise<LongRunResult> {
  const landing = join(options.dir, "landing");
  const out = join(options.dir, options.sink);
  const checkpoint = join(options.dir, `checkpoint-${options.sink}`);
  await writeLanding(landing, options.batches);

  const spark = SparkSession.builder.appName("long-run").getOrCreate();
  const settings: Record<string, string> = {
    "sluice.exec.workers": "0",
    "spark.sql.streaming.fileSource.log.cleanupDelay": "0",
    "spark.sql.streaming.fileSink.log.cleanupDelay": "0",
    "sluice.delta.logCleanup.cutoffTruncation": "none",
    "spark.sql.streaming.numRecentProgressUpdates": "10",
  };
  const previous = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(settings)) {
    previous.set(k, spark.conf.get(k));
    spark.conf.set(k, v);
  }
  const local = options.fsync === false ? new LocalStorage("/", { fsync: false }) : localFileSystem();
  const counting = new CountingStorage(local, true);
  const undo = routeLocalStorage(() => counting);
  const landingPrefix = landing.slice(1) + "/";
  const costs: BatchCost[] = [];
  const listener: StreamingQueryListener = {
    onQueryProgress: ({ progress }) => {
      let landingEntries = 0;
      for (const [prefix, n] of counting.listedByPrefix) if (prefix === landingPrefix) landingEntries += n;
      const c = counting.reset();
      costs.push({
        batchId: progress.batchId,
        calls: c.get + c.head + c.list + c.put + c.createWriter + c.delete,
        counts: c,
        lists: c.list,
        listedLogEntries: c.listedEntries - landingEntries,
        listedLandingEntries: landingEntries,
        deletes: c.delete,
        triggerMs: progress.durationMs.triggerExecution ?? 0,
      });
    },
  };
  spark.streams.addListener(listener);
  const started = performance.now();
  try {
    const retention = `interval ${options.deltaRetentionSeconds ?? 2} seconds`;
    const q = spark.readStream
      .format("json")
      .schema("event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING")
      .option("maxFilesPerTrigger", 1)
      .load(landing)
      .dropDuplicates(["event_id"])
      .writeStream.format(options.sink)
      .option("checkpointLocation", checkpoint)
      .options(options.sink === "delta" ? { "delta.logRetentionDuration": retention, "delta.checkpointRetentionDuration": retention } : {})
      .trigger({ availableNow: true })
      .start(out);
    await q.awaitTermination();
  } finally {
    spark.streams.removeListener(listener);
    undo();
    for (const [k, v] of previous) {
      if (v === undefined) spark.conf.unset(k);
      else spark.conf.set(k, v);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const folders: FolderSizes = {
    offsets: await count(join(checkpoint, "offsets")),
    commits: await count(join(checkpoint, "commits")),
    sourceLog: await count(join(checkpoint, "sources", "0")),
    state: await count(join(checkpoint, "state", "0", "0")),
    sinkLog: await count(join(out, options.sink === "delta" ? "_delta_log" : "_spark_metadata")),
  };
  return { sink: options.sink, landing, out, checkpoint, batches: costs, folders, seconds };
}

/** Mean of `pick` over the batches with ids in `[from, to)`. */
export function meanOver(batches: readonly BatchCost[], from: number, to: number, pick: (b: BatchCost) => number): number {
  const xs = batches.filter((b) => b.batchId >= from && b.batchId < to).map(pick);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Median of `pick` over the batches with ids in `[from, to)`. */
export function medianOver(batches: readonly BatchCost[], from: number, to: number, pick: (b: BatchCost) => number): number {
  const xs = batches.filter((b) => b.batchId >= from && b.batchId < to).map(pick).sort((a, b) => a - b);
  if (xs.length === 0) return 0;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** `n` landing files, one event each, with increasing modification times (the source's order). */
async function writeLanding(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const t0 = Date.now() / 1000 - n - 60;
  for (let i = 0; i < n; i++) {
    const file = join(dir, `part-${String(i).padStart(6, "0")}.json`);
    await writeFile(file, eventLine(i) + "\n");
    await utimes(file, t0 + i, t0 + i);
  }
}

async function count(dir: string): Promise<number> {
  try {
    const names = await readdir(dir);
    let n = 0;
    for (const name of names) if ((await stat(join(dir, name))).isFile() && !name.startsWith(".")) n++;
    return n;
  } catch {
    return 0;
  }
}
