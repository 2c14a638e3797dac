/**
 * Reading `_spark_metadata` as Spark's MetadataLogFileIndex does: the live entries of a compacted
 * log, never the folder's other files; the synchronous (schema inference) and asynchronous readers
 * agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { hasSinkLog, liveSinkFiles, readSinkLogFiles } from "../../../../src/tables/parquet-log/sink-log.js";
import type { SinkFileStatus } from "../../../../src/tables/parquet-log/sink-log.js";
import { localFileSystem, resolveLocation } from "../../../../src/storage/resolve.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { CorruptCheckpointError, SourceError } from "../../../../src/errors.js";

function status(path: string, action: "add" | "delete" = "add", size = 10): SinkFileStatus {
  return { path, size, isDir: false, modificationTime: 1_732_600_000_000, blockReplication: 1, blockSize: 33_554_432, action };
}

function logFile(entries: SinkFileStatus[]): string {
  return ["v1", ...entries.map((e) => JSON.stringify(e))].join("\n");
}

async function sinkFolder(): Promise<{ dir: string; key: string; url: (name: string) => string }> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-sink-log-"));
  await mkdir(join(dir, "_spark_metadata"));
  return { dir, key: resolveLocation(dir).key, url: (name) => pathToFileURL(join(dir, name)).href };
}

test("a compacted log with deltas and a delete: exactly the live files, sync and async alike", async () => {
  const { dir, key, url } = await sinkFolder();
  const meta = join(dir, "_spark_metadata");
  // Batches 0..8 were compacted away into 9.compact (as Spark deletes old files); 10 and 11 are deltas.
  const compacted = Array.from({ length: 10 }, (_, i) => status(url(`part-${i}.parquet`)));
  await writeFile(join(meta, "9.compact"), logFile(compacted));
  // Stale pre-compaction files a reader must not need: batch 8 lists a file that is not live any more.
  await writeFile(join(meta, "8"), logFile([status(url("stale-8.parquet"))]));
  await writeFile(join(meta, "10"), logFile([status(url("part-10.parquet")), status(url("part-3.parquet"), "delete")]));
  // Hadoop's `file:/abs` form, as Spark writes it; a path listed twice counts once.
  await writeFile(join(meta, "11"), logFile([status(`file:${join(dir, "part-11.parquet")}`), status(url("part-10.parquet"))]));
  await writeFile(join(meta, ".11.tmp"), "in-progress garbage");
  await writeFile(join(dir, "orphan.parquet"), "never listed");

  const expected = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => url(`part-${i}.parquet`));
  const storage = localFileSystem();
  assert.equal(await hasSinkLog(storage, key), true);
  const files = await readSinkLogFiles(storage, key);
  assert.deepEqual(files.map((f) => f.url), expected);
  assert.ok(files.every((f) => f.storage === storage && f.size === 10 && f.key === resolveLocation(f.url).key));
});

test("no log, an empty log folder, a gap in the log, an unresolvable path", async () => {
  const storage = localFileSystem();
  const plain = await mkdtemp(join(tmpdir(), "sluice-sink-log-"));
  await writeFile(join(plain, "a.parquet"), "x");
  assert.equal(await hasSinkLog(storage, resolveLocation(plain).key), false);
  // An empty _spark_metadata folder does not count (object stores have no empty folders).
  await mkdir(join(plain, "_spark_metadata"));
  assert.equal(await hasSinkLog(storage, resolveLocation(plain).key), false);

  const { dir, key, url } = await sinkFolder();
  await writeFile(join(dir, "_spark_metadata", "0"), logFile([status(url("a.parquet"))]));
  await writeFile(join(dir, "_spark_metadata", "2"), logFile([status(url("c.parquet"))]));
  await assert.rejects(readSinkLogFiles(storage, key), (e: unknown) => e instanceof CorruptCheckpointError && /batch 1 is missing/.test(e.message));

  const mem = MemoryStorage.fresh("sink-log");
  await mem.put("out/_spark_metadata/0", new TextEncoder().encode(logFile([status("hdfs://namenode/out/a.parquet")])));
  await assert.rejects(
    readSinkLogFiles(mem, "out"),
    (e: unknown) => e instanceof SourceError && /sink log: cannot resolve path "hdfs:\/\/namenode\/out\/a\.parquet" listed in memory:\/\/sink-log-\d+\/out\/_spark_metadata\//.test(e.message),
  );
});

test("memory storage: entries resolve to the same storage", async () => {
  const mem = MemoryStorage.fresh("sink-log-mem");
  await mem.put("t/x.json", new Uint8Array([1]));
  await mem.put("t/_spark_metadata/0", new TextEncoder().encode(logFile([status(`memory://${mem.name}/t/x.json`)])));
  const files = await readSinkLogFiles(mem, "t");
  assert.deepEqual(files.map((f) => [f.url, f.key, f.storage === mem]), [[`memory://${mem.name}/t/x.json`, "t/x.json", true]]);
});

test("liveSinkFiles: a delete drops every entry of its path; directories are dropped", () => {
  const live = liveSinkFiles([status("a"), status("b"), { ...status("d"), isDir: true }, status("a", "delete"), status("c"), status("b")]);
  assert.deepEqual(live.map((e) => e.path), ["b", "c"]);
});
