/**
 * Data file rolling: a large batch is split into files of about `targetFileSize` encoded bytes
 * (the writer option, else the table's `delta.targetFileSize`), `maxRecordsPerFile` caps rows, and
 * small batches still make one file per partition. Tables are read back by log replay and DuckDB.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBatch } from "../../../../src/columnar/batch.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { commitActions } from "../../../../src/tables/delta/transaction.js";
import { ROLL_CHECK_ROWS } from "../../../../src/tables/files/data-file-writer.js";
import { query } from "../../formats/parquet/duckdb.js";
import { readBack } from "./written-table.js";

const base = mkdtempSync(join(tmpdir(), "sluice-delta-rolling-"));
after(() => rmSync(base, { recursive: true, force: true }));
const storage = localFileSystem();
const SCHEMA = StructType([StructField("id", LongType()), StructField("part", StringType())]);

/** `n` rows: id = from..from+n-1 (incompressible-ish longs), part = "p" + id % parts. */
function bigBatch(from: number, n: number, parts = 1): Batch {
  const ids = new BigInt64Array(n);
  const offsets = new Int32Array(n + 1);
  const data = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    ids[i] = BigInt(from + i) * 2654435761n % 1000000007n;
    data[2 * i] = 0x70; // "p"
    data[2 * i + 1] = 0x30 + ((from + i) % parts);
    offsets[i + 1] = 2 * (i + 1);
  }
  const id: Vector = { kind: "i64", type: LongType(), length: n, valid: null, values: ids };
  const part: Vector = { kind: "bytes", type: StringType(), length: n, valid: null, offsets, data };
  return makeBatch(SCHEMA, [id, part], n);
}

async function fileSizes(table: string): Promise<number[]> {
  const snapshot = await loadSnapshot(storage, table.slice(1));
  return snapshot.files.map((f) => {
    assert.equal(statSync(join(table, f.path)).size, f.size, "add.size is the file's size");
    return f.size;
  });
}

test("a 300k-row batch rolls into files of about targetFileSize; every row reads back", async () => {
  const table = join(base, "big");
  const target = 256 * 1024;
  const r = await appendToTable(storage, table.slice(1), [bigBatch(0, 300_000)], { schema: SCHEMA, targetFileSize: target });
  assert.ok(r.files.length >= 4, `several files, got ${r.files.length}`);
  const sizes = await fileSizes(table);
  // Every file but the last reached the target; none overshoots by more than one slice of rows (~9 bytes a row here).
  const sorted = [...sizes].sort((a, b) => a - b);
  for (const s of sorted.slice(1)) assert.ok(s >= target, `file of ${s} bytes is below the target`);
  for (const s of sorted) assert.ok(s <= target + ROLL_CHECK_ROWS * 12, `file of ${s} bytes overshoots`);
  const back = await readBack(table);
  assert.equal(back.rows.length, 300_000);
  const files = back.snapshot.files.map((f) => `'${join(table, f.path)}'`).join(", ");
  assert.deepEqual(await query(`SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM read_parquet([${files}])`), [{ n: 300_000, d: 300_000 }]);
});

test("compressible data also lands near the target (the size is predicted from the closed row groups)", async () => {
  const table = join(base, "compressible");
  const target = 128 * 1024;
  const words = ["alpha-alpha-alpha", "beta-beta-beta-beta", "gamma-gamma"];
  const rows = Array.from({ length: 120_000 }, (_, i) => ({ id: BigInt(i), part: `${words[i % 3]}-${Math.floor(i / 1000)}` }));
  const r = await appendToTable(storage, table.slice(1), [batchFromRows(SCHEMA, rows)], { schema: SCHEMA, targetFileSize: target });
  const sizes = (await fileSizes(table)).sort((a, b) => a - b);
  assert.ok(r.files.length >= 3, `several files, got ${r.files.length}: ${sizes.join(", ")}`);
  for (const s of sizes.slice(1)) assert.ok(s >= target * 0.7 && s <= target * 1.3, `file of ${s} bytes is far from ${target}: ${sizes.join(", ")}`);
  assert.equal((await readBack(table)).rows.length, 120_000);
});

test("the table property delta.targetFileSize is honoured ('200kb'); the writer option overrides it", async () => {
  const table = join(base, "prop");
  const key = table.slice(1);
  await appendToTable(storage, key, [bigBatch(0, 10)], { schema: SCHEMA });
  const snap = await loadSnapshot(storage, key);
  const m = snap.metadata;
  await commitActions(storage, key, snap.version, [
    { kind: "metaData", metadata: { id: m.id, schemaString: m.schemaString, partitionColumns: m.partitionColumns, configuration: { "delta.targetFileSize": "200kb" } } },
  ], { operation: "SET TBLPROPERTIES", isBlindAppend: false });
  const viaProperty = await appendToTable(storage, key, [bigBatch(10, 200_000)], { schema: SCHEMA });
  assert.ok(viaProperty.files.length >= 4, `rolled by the property, got ${viaProperty.files.length} files`);
  assert.ok(viaProperty.files.slice(0, -1).every((f) => f.size >= 200 * 1024));
  const viaOption = await appendToTable(storage, key, [bigBatch(300_000, 200_000)], { schema: SCHEMA, targetFileSize: 64 * 1024 * 1024 });
  assert.equal(viaOption.files.length, 1, "the option wins over the property");
  assert.equal((await readBack(table)).rows.length, 400_010);
});

test("small batches make one file per partition; maxRecordsPerFile caps rows per file", async () => {
  const table = join(base, "small");
  const batches = Array.from({ length: 20 }, (_, i) => bigBatch(i * 50, 50, 3));
  const r = await appendToTable(storage, table.slice(1), batches, { schema: SCHEMA, partitionBy: ["part"] });
  assert.equal(r.files.length, 3);
  assert.deepEqual(r.files.map((f) => f.partitionValues.part).sort(), ["p0", "p1", "p2"]);
  const capped = await appendToTable(storage, table.slice(1), [batchFromRows(SCHEMA, Array.from({ length: 25 }, (_, i) => ({ id: BigInt(i), part: "p9" })))], {
    schema: SCHEMA,
    maxRecordsPerFile: 10,
  });
  assert.deepEqual(capped.files.map((f) => JSON.parse(f.stats ?? "{}").numRecords as number).sort(), [10, 10, 5]);
  assert.equal((await readBack(table)).rows.length, 1025);
});
