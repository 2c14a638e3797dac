/**
 * The delta source's exactly-once contract, end to end through the public API: OPTIMIZE output and
 * empty commits are never read as new data, a batch that split a version is re-run with the same
 * files after a crash, a query behind a log cleanup fails instead of skipping versions, data
 * skipping never changes offsets or drops rows, and every DataFrame reads with the schema it was
 * analysed with.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, SourceError, col } from "../../../../src/index.js";
import type { DataFrame, StreamingQuery } from "../../../../src/index.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { IntegerType, LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { resolveLocation } from "../../../../src/storage/resolve.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { commitActions } from "../../../../src/tables/delta/transaction.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { optimizeTable } from "../../../../src/tables/delta/optimize.js";
import { writeCheckpoint } from "../../../../src/tables/delta/checkpoint-writer.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-offsets-"));
after(() => rmSync(base, { recursive: true, force: true }));

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType())]);
let tables = 0;
let queries = 0;

function newTablePath(): string {
  return join(base, `t${++tables}`);
}

function rows(from: number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), name: `n${from + k}` }));
}

async function append(path: string, r: Record<string, unknown>[], opts: { maxRecordsPerFile?: number; schema?: StructType } = {}): Promise<number> {
  const { storage, key } = resolveLocation(path);
  const schema = opts.schema ?? SCHEMA;
  const res = await appendToTable(storage, key, [batchFromRows(schema, r)], { schema, maxRecordsPerFile: opts.maxRecordsPerFile });
  return res.version ?? -1;
}

function ids(batchRows: readonly Record<string, unknown>[]): number[] {
  return batchRows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function runDf(df: DataFrame, checkpoint: string, trigger: { availableNow: true } | { once: true } = { availableNow: true }): Promise<{ q: StreamingQuery; rows: Record<string, unknown>[] }> {
  const name = `delta_offsets_${++queries}`;
  const q = df.writeStream.format("memory").queryName(name).option("checkpointLocation", checkpoint).trigger(trigger).start();
  await q.awaitTermination().catch(() => undefined);
  return { q, rows: await spark.table(name).collect() };
}

function runStream(path: string, checkpoint: string, options: Record<string, string> = {}): Promise<{ q: StreamingQuery; rows: Record<string, unknown>[] }> {
  return runDf(spark.readStream.format("delta").options(options).load(path), checkpoint);
}

function offsetLines(checkpoint: string): [number, number, boolean][] {
  const dir = join(checkpoint, "offsets");
  return readdirSync(dir)
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => {
      const o = JSON.parse(readFileSync(join(dir, n), "utf8").split("\n")[2]) as { reservoirVersion: number; index: number; isStartingVersion: boolean };
      return [o.reservoirVersion, o.index, o.isStartingVersion];
    });
}

test("OPTIMIZE output (dataChange=false adds) and commits with no adds are never read as new data", async () => {
  const p = newTablePath();
  await append(p, rows(0, 4), { maxRecordsPerFile: 1 }); // v0: 4 files
  const ck = join(base, "ck-optimize");
  const first = await runStream(p, ck);
  assert.deepEqual(ids(first.rows), [0, 1, 2, 3]);
  const { storage, key } = resolveLocation(p);
  const opt = await optimizeTable(storage, key, { minFileSize: 1 << 30 }); // v1: 4 removes + 1 add, dataChange=false
  assert.equal(opt.version, 1);
  const snap = await loadSnapshot(storage, key);
  const m = snap.metadata;
  // v2: a metaData-only commit (SET TBLPROPERTIES), same schema.
  await commitActions(storage, key, snap.version, [
    { kind: "metaData", metadata: { id: m.id, schemaString: schemaToJson(m.schema), partitionColumns: m.partitionColumns, configuration: { ...m.configuration, "x.y": "1" }, createdTime: m.createdTime } },
  ], { operation: "SET TBLPROPERTIES", isBlindAppend: false });
  const second = await runStream(p, ck);
  assert.equal(second.q.exception, null);
  assert.deepEqual(second.rows, [], "compaction and property changes are not new rows");
  await append(p, rows(4, 1)); // v3
  const third = await runStream(p, ck);
  assert.deepEqual(ids(third.rows), [4], "only the real append after them");
  assert.deepEqual(offsetLines(ck).at(-1), [4, -1, false]);
});

test("a batch that split a version is re-run with exactly the same files after a crash, then the version continues", async () => {
  const p = newTablePath();
  await append(p, rows(0, 1)); // v0
  const ck = join(base, "ck-split-crash");
  assert.deepEqual(ids((await runStream(p, ck, { maxFilesPerTrigger: "2" })).rows), [0]);
  await append(p, rows(1, 5), { maxRecordsPerFile: 1 }); // v1: 5 files
  await append(p, rows(6, 1)); // v2
  const all = await runStream(p, ck, { maxFilesPerTrigger: "2" });
  assert.deepEqual(ids(all.rows), [1, 2, 3, 4, 5, 6]);
  // The third batch takes the last file of version 1 and the file of version 2.
  assert.deepEqual(offsetLines(ck), [[0, 0, true], [1, 1, false], [1, 3, false], [3, -1, false]]);
  // Crash after offsets/2 (the middle of version 1) was written, before its commit.
  for (const n of ["2", "3"]) rmSync(join(ck, "commits", n));
  rmSync(join(ck, "offsets", "3"));
  await append(p, rows(7, 1)); // v3 arrives meanwhile: must not change the re-run batch
  const rerun = await runStream(p, ck, { maxFilesPerTrigger: "2" });
  assert.equal(rerun.q.exception, null);
  const progress = rerun.q.recentProgress.map((x) => x.numInputRows);
  assert.equal(progress[0], 2, "the re-run batch reads the same 2 files");
  assert.deepEqual(ids(rerun.rows), [3, 4, 5, 6, 7]);
  assert.deepEqual(offsetLines(ck).slice(2), [[1, 3, false], [3, -1, false], [4, -1, false]]);
});

test("a query behind a log cleanup fails naming what is missing; it never skips to the checkpoint", async () => {
  const p = newTablePath();
  await append(p, rows(0, 1)); // v0
  const ck = join(base, "ck-cleanup");
  await runStream(p, ck);
  await append(p, rows(1, 1)); // v1
  await runStream(p, ck);
  const snapshotCk = join(base, "ck-cleanup-snapshot");
  await runStream(p, snapshotCk); // stopped at the end of its initial snapshot of version 1
  assert.deepEqual(offsetLines(ck).at(-1), [2, -1, false]);
  assert.deepEqual(offsetLines(snapshotCk).at(-1), [1, 1, true]);
  for (let v = 2; v <= 11; v++) await append(p, rows(v, 1)); // v2..v11
  const { storage, key } = resolveLocation(p);
  await writeCheckpoint(storage, key, await loadSnapshot(storage, key, { version: 10 }));
  const log = join(p, "_delta_log");
  for (let v = 0; v < 10; v++) rmSync(join(log, `${String(v).padStart(20, "0")}.json`));
  const behind = await runStream(p, ck);
  assert.ok(behind.q.exception instanceof SourceError, String(behind.q.exception));
  assert.match(behind.q.exception.message, /commit file of version 2 is missing/);
  assert.deepEqual(behind.rows, []);
  const inSnapshot = await runStream(p, snapshotCk);
  assert.ok(inSnapshot.q.exception instanceof SourceError, String(inSnapshot.q.exception));
  assert.match(inSnapshot.q.exception.message, /^delta source: cannot rebuild the snapshot of version 1 .*new checkpoint directory/);
  assert.deepEqual(inSnapshot.rows, []);
});

test("data skipping in a streaming read changes neither offsets nor the rows that match", async () => {
  const p = newTablePath();
  await append(p, rows(0, 6), { maxRecordsPerFile: 2 }); // v0: files [0,1] [2,3] [4,5]
  await append(p, rows(6, 4), { maxRecordsPerFile: 2 }); // v1: files [6,7] [8,9]
  const plain = join(base, "ck-skip-plain");
  const filtered = join(base, "ck-skip-filtered");
  const a = await runStream(p, plain, { maxFilesPerTrigger: "1" });
  const df = spark.readStream.format("delta").option("maxFilesPerTrigger", "1").load(p).filter(col("id").geq(3).and(col("id").lt(8)));
  const b = await runDf(df, filtered);
  assert.equal(b.q.exception, null);
  assert.deepEqual(ids(b.rows), [3, 4, 5, 6, 7]);
  assert.deepEqual(offsetLines(filtered), offsetLines(plain));
  assert.deepEqual(ids(a.rows), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("each DataFrame reads with the schema it was analysed with, whatever was loaded since", async () => {
  const p = newTablePath();
  await append(p, rows(0, 2));
  const narrow = spark.readStream.format("delta").load(p);
  assert.deepEqual(narrow.columns, ["id", "name"]);
  // The table gains a column; a DataFrame loaded now (same options) sees it.
  const { storage, key } = resolveLocation(p);
  const snap = await loadSnapshot(storage, key);
  const wider = StructType([...SCHEMA.fields, StructField("extra", IntegerType())]);
  const m = snap.metadata;
  await commitActions(storage, key, snap.version, [
    { kind: "metaData", metadata: { id: m.id, schemaString: schemaToJson(wider), partitionColumns: m.partitionColumns, configuration: m.configuration, createdTime: m.createdTime } },
  ], { operation: "ADD COLUMNS", isBlindAppend: false });
  await append(p, [{ id: 2n, name: "n2", extra: 7 }], { schema: wider });
  const wide = spark.readStream.format("delta").load(p);
  assert.deepEqual(wide.columns, ["id", "name", "extra"]);
  // The first DataFrame still has two columns, and so do the rows it produces.
  const r = await runDf(narrow, join(base, "ck-narrow"));
  assert.equal(r.q.exception, null);
  assert.deepEqual(r.rows.map((x) => Object.keys(x)), [["id", "name"], ["id", "name"], ["id", "name"]]);
  assert.deepEqual(ids(r.rows), [0, 1, 2]);
  const w = await runDf(wide, join(base, "ck-wide"));
  assert.deepEqual(w.rows.map((x) => x.extra ?? null).sort(), [7, null, null]);
});
