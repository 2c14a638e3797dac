/**
 * overwriteTable: one commit replacing every live file (removes with tombstone metadata + adds),
 * empty overwrites, txn skipping, overwriteSchema, and retries after a concurrent append. Every
 * table is read back by log replay and by DuckDB over its live files.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../../../../src/columnar/build.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { overwriteTable } from "../../../../src/tables/delta/overwrite.js";
import { commitActions } from "../../../../src/tables/delta/transaction.js";
import { AnalysisError, CommitConflictError } from "../../../../src/errors.js";
import { readBack } from "./written-table.js";

const base = mkdtempSync(join(tmpdir(), "sluice-delta-overwrite-"));
after(() => rmSync(base, { recursive: true, force: true }));
const storage = localFileSystem();
const key = (name: string) => join(base, name).slice(1);

const SCHEMA = StructType([StructField("id", LongType()), StructField("city", StringType())]);
const batch = (ids: number[], city = "x"): Batch => batchFromRows(SCHEMA, ids.map((i) => ({ id: BigInt(i), city })));
const rowsOf = (ids: number[], city = "x") => ids.map((i) => JSON.stringify([String(i), city])).sort();

function commitLines(table: string, version: number): Record<string, Record<string, unknown>>[] {
  const text = readFileSync(join(base, table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

test("overwrite replaces every live file in one commit: removes carry tombstone metadata, old files stay on disk", async () => {
  const t = "replace";
  const first = await overwriteTable(storage, key(t), [batch([1, 2, 3], "a"), batch([4], "b")], { schema: SCHEMA, partitionBy: ["city"] });
  assert.equal(first.version, 0);
  assert.equal(first.files.length, 2, "one file per partition");
  assert.deepEqual(first.removed, []);
  const before = await readBack(join(base, t));
  assert.deepEqual(before.rows, [...rowsOf([1, 2, 3], "a"), ...rowsOf([4], "b")].sort());

  const second = await overwriteTable(storage, key(t), [batch([10, 11], "c")], { schema: SCHEMA, now: 1_700_000_000_000 });
  assert.equal(second.version, 1);
  const after = await readBack(join(base, t));
  assert.deepEqual(after.rows, rowsOf([10, 11], "c"));
  assert.deepEqual(after.snapshot.metadata.partitionColumns, ["city"], "partitioning kept");

  const lines = commitLines(t, 1);
  const info = lines[0].commitInfo;
  assert.equal(info.operation, "WRITE");
  assert.deepEqual(info.operationParameters, { mode: "Overwrite", partitionBy: '["city"]' });
  assert.equal(info.isBlindAppend, false);
  assert.equal(info.readVersion, 0);
  const removes = lines.filter((l) => l.remove !== undefined).map((l) => l.remove);
  const adds = lines.filter((l) => l.add !== undefined).map((l) => l.add);
  assert.equal(adds.length, 1);
  assert.deepEqual(
    removes.map((r) => r.path).sort(),
    before.snapshot.files.map((f) => f.rawPath).sort(),
  );
  for (const r of removes) {
    const f = before.snapshot.files.find((x) => x.rawPath === r.path);
    assert.deepEqual(r, { path: f?.rawPath, deletionTimestamp: 1_700_000_000_000, dataChange: true, extendedFileMetadata: true, partitionValues: f?.partitionValues, size: f?.size });
    assert.ok(existsSync(join(base, t, decodeURIComponent(String(r.path)))), "removed files are left for VACUUM");
  }
  assert.deepEqual(after.snapshot.tombstones.map((x) => x.rawPath).sort(), before.snapshot.files.map((f) => f.rawPath).sort());
});

test("an empty overwrite still commits and empties the table", async () => {
  const t = "empty";
  await appendToTable(storage, key(t), [batch([1, 2])], { schema: SCHEMA });
  const r = await overwriteTable(storage, key(t), [], { schema: SCHEMA });
  assert.equal(r.version, 1);
  assert.equal(r.numRows, 0);
  assert.equal(r.removed.length, 1);
  const back = await readBack(join(base, t));
  assert.deepEqual(back.rows, []);
  assert.equal(back.snapshot.files.length, 0);
  assert.equal(back.snapshot.tombstones.length, 1);
  // And on a table that does not exist yet: created empty.
  const created = await overwriteTable(storage, key("empty-new"), [], { schema: SCHEMA });
  assert.equal(created.version, 0);
  const fresh = await readBack(join(base, "empty-new"));
  assert.deepEqual(fresh.rows, []);
  assert.deepEqual(fresh.snapshot.metadata.schema, SCHEMA);
});

test("a txn already recorded skips the overwrite and writes no file", async () => {
  const t = "txn";
  const txn = { appId: "query-1", version: 5 };
  const r1 = await overwriteTable(storage, key(t), [batch([1])], { schema: SCHEMA, txn });
  assert.equal(r1.version, 0);
  const r2 = await overwriteTable(storage, key(t), [batch([2])], { schema: SCHEMA, txn });
  assert.deepEqual(r2, { version: null, skipped: true, files: [], removed: [], numRows: 0, configuration: null });
  const r3 = await overwriteTable(storage, key(t), [batch([3])], { schema: SCHEMA, txn: { appId: "query-1", version: 6 } });
  assert.equal(r3.version, 1);
  const back = await readBack(join(base, t));
  assert.deepEqual(back.rows, rowsOf([3]));
  assert.equal(back.snapshot.txns.get("query-1")?.version, 6);
});

test("overwriteSchema replaces schema and partitioning (same table id); without it a type change is refused", async () => {
  const t = "schema";
  await overwriteTable(storage, key(t), [batch([1], "a")], { schema: SCHEMA, partitionBy: ["city"] });
  const id = (await readBack(join(base, t))).snapshot.metadata.id;
  const OTHER = StructType([StructField("id", StringType()), StructField("n", LongType())]);
  const other = batchFromRows(OTHER, [{ id: "k", n: 7n }]);
  await assert.rejects(
    overwriteTable(storage, key(t), [other], { schema: OTHER }),
    (e: unknown) => e instanceof AnalysisError && /column 'id' has type bigint in the table but string in the data/.test(e.message),
  );
  const r = await overwriteTable(storage, key(t), [other], { schema: OTHER, overwriteSchema: true });
  const lines = commitLines(t, r.version ?? -1);
  const meta = lines.find((l) => l.metaData !== undefined)?.metaData;
  assert.equal(meta?.id, id);
  assert.deepEqual(meta?.partitionColumns, [], "city is gone, so the table is no longer partitioned");
  const back = await readBack(join(base, t));
  assert.deepEqual(back.snapshot.metadata.schema, OTHER);
  assert.deepEqual(back.rows, [JSON.stringify(["k", "7"])]);
  // overwriteSchema with partitionBy repartitions.
  await overwriteTable(storage, key(t), [other], { schema: OTHER, overwriteSchema: true, partitionBy: ["id"] });
  const again = await readBack(join(base, t));
  assert.deepEqual(again.snapshot.metadata.partitionColumns, ["id"]);
  assert.deepEqual(again.snapshot.files.map((f) => f.partitionValues), [{ id: "k" }]);
});

test("commitActions with readWholeTable conflicts with a concurrent data add", async () => {
  const t = "conflict";
  await appendToTable(storage, key(t), [batch([1])], { schema: SCHEMA });
  await appendToTable(storage, key(t), [batch([2])], { schema: SCHEMA });
  await assert.rejects(
    commitActions(storage, key(t), 0, [], { operation: "WRITE", isBlindAppend: false, readWholeTable: true }),
    (e: unknown) => e instanceof CommitConflictError && /commit 1 added the file .* while this transaction depends on the whole table/.test(e.message),
  );
});

test("a concurrent append landing while the overwrite writes its files is replaced too (re-planned commit)", async () => {
  const t = "race";
  await appendToTable(storage, key(t), [batch([1])], { schema: SCHEMA });
  async function* data(): AsyncGenerator<Batch> {
    // Another writer commits after the overwrite read the table and before it commits.
    await appendToTable(storage, key(t), [batch([2])], { schema: SCHEMA });
    yield batch([100]);
  }
  const r = await overwriteTable(storage, key(t), data(), { schema: SCHEMA });
  assert.equal(r.version, 2);
  assert.equal(r.removed.length, 2, "both the old file and the concurrently appended one are removed");
  const back = await readBack(join(base, t));
  assert.deepEqual(back.rows, rowsOf([100]));
});

test("an overwrite that loses to a concurrent schema change deletes the data files it wrote", async () => {
  const t = "lost";
  await appendToTable(storage, key(t), [batch([1])], { schema: SCHEMA });
  const WIDER = StructType([...SCHEMA.fields, StructField("extra", StringType())]);
  async function* data(): AsyncGenerator<Batch> {
    // Another writer adds a column while the overwrite writes its files: they no longer fit.
    await appendToTable(storage, key(t), [batchFromRows(WIDER, [{ id: 2n, city: "y", extra: "e" }])], { schema: WIDER, mergeSchema: true });
    yield batch([100]);
  }
  await assert.rejects(overwriteTable(storage, key(t), data(), { schema: SCHEMA }), CommitConflictError);
  const logged = new Set<string>();
  for (const v of [0, 1]) for (const l of commitLines(t, v)) if (l.add !== undefined) logged.add(decodeURIComponent(String(l.add.path)));
  const onDisk = readdirSync(join(base, t), { recursive: true, encoding: "utf8" }).filter((p) => p.endsWith(".parquet") && !p.startsWith("_delta_log"));
  assert.deepEqual(onDisk.sort(), [...logged].sort(), "no orphan data file of the failed overwrite");
  const back = await readBack(join(base, t));
  assert.equal(back.rows.length, 2);
});
