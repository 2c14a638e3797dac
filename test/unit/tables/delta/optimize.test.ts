import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import type { PutOptions, Storage } from "../../../../src/storage/storage.js";
import { ForwardingStorage } from "../../../../src/storage/forwarding.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { LongType, StringType, StructField, StructType, TimestampType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { binPack, optimizeTable } from "../../../../src/tables/delta/optimize.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaFile } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { commitActions } from "../../../../src/tables/delta/transaction.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { AnalysisError, CommitConflictError, StorageError } from "../../../../src/errors.js";
import { commitOf, duckRows, liveAdds, normalize } from "./delta-table-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-optimize-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const local = new LocalStorage(dir, { fsync: false });

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("city", StringType())]);
const COLS = ["id", "name", "city"];

function rows(from: number, n: number, city: string | null): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), name: `n${from + k}`, city }));
}

/** `n` appends of 5 rows, alternating the two cities (null partition included). */
async function smallFiles(storage: Storage, table: string, n: number, partitionBy?: string[]): Promise<void> {
  for (let i = 0; i < n; i++) await appendToTable(storage, table, [batchFromRows(SCHEMA, rows(i * 5, 5, i % 2 === 0 ? "a b" : null))], { schema: SCHEMA, partitionBy });
}

test("optimize: one file per partition, rows identical by DuckDB, dataChange=false actions with stats", async () => {
  await smallFiles(local, "o1", 6, ["city"]);
  const tableDir = join(dir, "o1");
  const before = normalize(await duckRows(tableDir), COLS);
  assert.equal(liveAdds(tableDir).size, 6);
  const r = await optimizeTable(local, "o1");
  assert.equal(r.version, 6);
  assert.equal(r.metrics.numFilesRemoved, 6);
  assert.equal(r.metrics.numFilesAdded, 2);
  assert.equal(r.metrics.partitionsOptimized, 2);
  const live = liveAdds(tableDir);
  assert.equal(live.size, 2);
  assert.deepEqual(normalize(await duckRows(tableDir), COLS), before);
  assert.deepEqual(normalize((await readDeltaTable(local, "o1")).batches.flatMap(batchToRows), COLS), before);
  const actions = commitOf(tableDir, 6);
  const info = actions[0].commitInfo;
  assert.equal(info.operation, "OPTIMIZE");
  assert.equal(info.isBlindAppend, false);
  const metrics = info.operationMetrics as Record<string, string>;
  assert.deepEqual([metrics.numRemovedFiles, metrics.numAddedFiles], ["6", "2"]);
  assert.equal((info.operationParameters as Record<string, string>).predicate, "[]");
  for (const a of actions.filter((x) => x.remove !== undefined)) assert.equal(a.remove.dataChange, false);
  for (const a of actions.filter((x) => x.add !== undefined)) {
    assert.equal(a.add.dataChange, false);
    assert.match(String(a.add.stats), /"numRecords":15/);
  }
  // Nothing left to compact: no commit.
  const again = await optimizeTable(local, "o1");
  assert.equal(again.version, null);
  assert.equal((await loadSnapshot(local, "o1")).version, 6);
});

test("optimize: maxFileSize bins, minFileSize leaves big files alone, single-file bins are skipped", async () => {
  await smallFiles(local, "o2", 5);
  const snap = await loadSnapshot(local, "o2");
  const size = Math.max(...snap.files.map((f) => f.size));
  // Bins of two files at most: 5 files → bins [2, 2, 1]; the single-file bin stays.
  const r = await optimizeTable(local, "o2", { maxFileSize: size * 2 + 1 });
  assert.equal(r.metrics.numFilesRemoved, 4);
  assert.equal(r.metrics.numFilesAdded, 2);
  assert.equal(liveAdds(join(dir, "o2")).size, 3);
  assert.deepEqual(normalize(await duckRows(join(dir, "o2")), COLS), normalize(Array.from({ length: 5 }, (_, i) => rows(i * 5, 5, i % 2 === 0 ? "a b" : null)).flat(), COLS));
  // minFileSize below every file: nothing is a candidate.
  assert.equal((await optimizeTable(local, "o2", { minFileSize: 1 })).version, null);
});

test("binPack: sorted by size within a partition, bins never exceed the limit", () => {
  const f = (path: string, size: number, p: string): DeltaFile => ({ path, rawPath: path, size, partitionValues: { p }, modificationTime: 0, dataChange: true });
  const bins = binPack([f("a", 50, "1"), f("b", 10, "1"), f("c", 30, "1"), f("d", 5, "2"), f("e", 70, "1")], 90);
  assert.deepEqual(
    bins.map((b) => b.map((x) => x.path)),
    [["b", "c", "a"]],
  );
});

test("optimize().where: only matching partitions; a data column is refused", async () => {
  await smallFiles(local, "o3", 6, ["city"]);
  const r = await optimizeTable(local, "o3", { where: [parseExpression("city = 'a b'")] });
  assert.equal(r.metrics.numFilesRemoved, 3);
  const live = [...liveAdds(join(dir, "o3")).values()];
  assert.equal(live.filter((a) => a.partitionValues.city === "a b").length, 1);
  assert.equal(live.filter((a) => a.partitionValues.city === null).length, 3);
  assert.match(String((commitOf(join(dir, "o3"), 6)[0].commitInfo.operationParameters as Record<string, string>).predicate), /city/);
  await assert.rejects(
    optimizeTable(local, "o3", { where: [parseExpression("id > 3")] }),
    (e: unknown) => e instanceof AnalysisError && /non-partition column 'id'/.test(e.message),
  );
});

/** Local storage that runs `hook` once, just before the first put-if-absent of a commit file. */
class HookedStorage extends ForwardingStorage {
  private fired = false;
  constructor(
    inner: Storage,
    private readonly hook: () => Promise<void>,
  ) {
    super(inner);
  }
  override async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    if (!this.fired && options?.ifNotExists === true && path.includes("_delta_log/")) {
      this.fired = true;
      await this.hook();
    }
    return this.inner.put(path, data, options);
  }
}

test("optimize concurrent with an append: both commit, no row lost", async () => {
  await smallFiles(local, "o4", 4);
  const hooked = new HookedStorage(local, async () => {
    await appendToTable(local, "o4", [batchFromRows(SCHEMA, rows(100, 5, "late"))], { schema: SCHEMA });
  });
  const r = await optimizeTable(hooked, "o4");
  assert.equal(r.version, 5); // the append won version 4
  const tableDir = join(dir, "o4");
  assert.equal(commitOf(tableDir, 4)[0].commitInfo.operation, "WRITE");
  assert.equal(commitOf(tableDir, 5)[0].commitInfo.operation, "OPTIMIZE");
  assert.equal(liveAdds(tableDir).size, 2);
  const want = [...Array.from({ length: 4 }, (_, i) => rows(i * 5, 5, i % 2 === 0 ? "a b" : null)).flat(), ...rows(100, 5, "late")];
  assert.deepEqual(normalize(await duckRows(tableDir), COLS), normalize(want, COLS));
});

test("optimize concurrent with a delete of a compacted file: CommitConflictError, table unchanged", async () => {
  await smallFiles(local, "o5", 3);
  const victim = (await loadSnapshot(local, "o5")).files[0];
  const hooked = new HookedStorage(local, async () => {
    await commitActions(local, "o5", 2, [{ kind: "remove", remove: { path: victim.rawPath, deletionTimestamp: Date.now(), dataChange: true } }], {
      operation: "DELETE",
      isBlindAppend: false,
    });
  });
  await assert.rejects(optimizeTable(hooked, "o5"), (e: unknown) => e instanceof CommitConflictError && /removed the file/.test(e.message));
  const snap = await loadSnapshot(local, "o5");
  assert.equal(snap.version, 3);
  assert.equal(snap.files.length, 2);
});

/** Storage whose first commit put lands but reports a failure, as a lost response does. */
class LostResponseStorage extends HookedStorage {
  private failed = false;
  override async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    await super.put(path, data, options);
    if (!this.failed && options?.ifNotExists === true && path.includes("_delta_log/")) {
      this.failed = true;
      throw new StorageError(`test storage: connection reset after writing ${path}`);
    }
  }
}

test("optimize whose commit may have landed (an error other than a conflict) keeps the files it wrote", async () => {
  await smallFiles(local, "o6", 4);
  const tableDir = join(dir, "o6");
  const want = normalize(await duckRows(tableDir), COLS);
  await assert.rejects(optimizeTable(new LostResponseStorage(local, async () => undefined), "o6"), StorageError);
  const snap = await loadSnapshot(local, "o6");
  assert.equal(snap.version, 4, "the OPTIMIZE commit landed");
  // Every live file exists and the rows are unchanged.
  assert.deepEqual(normalize(await duckRows(tableDir), COLS), want);
});

test("optimize keeps a bin's partition strings as the log has them (a Spark-written zone-less timestamp stays zone-less)", async () => {
  const schema = StructType([StructField("id", LongType()), StructField("ts", TimestampType())]);
  const table = "o-ts";
  await appendToTable(local, table, [batchFromRows(schema, [{ id: 1n, ts: 1631124671000000n }])], { schema, partitionBy: ["ts"] });
  // Two more files in the same partition, committed with the zone-less form Spark writes in its
  // session time zone (here: the same wall-clock string a Pacific session would write).
  const sparkValue = "2021-09-08 11:11:11";
  let snapshot = await loadSnapshot(local, table);
  for (const id of [2n, 3n]) {
    const [add] = (await appendToTable(local, `${table}-scratch-${id}`, [batchFromRows(schema, [{ id, ts: 1631124671000000n }])], { schema, partitionBy: ["ts"] })).files;
    const fileKey = `${table}-scratch-${id}/${decodeURI(add.path)}`;
    const target = `${table}/spark-${id}.parquet`;
    await local.put(target, await local.get(fileKey));
    await commitActions(local, table, snapshot.version, [{ kind: "add", add: { ...add, path: `spark-${id}.parquet`, partitionValues: { ts: sparkValue } } }], { operation: "WRITE", isBlindAppend: true });
    snapshot = await loadSnapshot(local, table);
  }
  await optimizeTable(local, table, {});
  const after = await loadSnapshot(local, table);
  const values = after.files.map((f) => f.partitionValues.ts).sort();
  assert.ok(values.includes(sparkValue), `the Spark partition string survives: ${values.join(", ")}`);
  assert.equal(after.files.length, 2, "the two Spark files are compacted into one; the ISO-partition file stays");
});
