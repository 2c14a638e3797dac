/**
 * writeDataFiles: partition values in the string forms Spark writes (PROTOCOL.md "Partition Value
 * Serialization"), `add.path` URI-encoded over Hive-escaped folders, files DuckDB reads.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../../../../src/columnar/build.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { SinkError } from "../../../../src/errors.js";
import { ParquetWriterThread } from "../../../../src/tables/files/writer-thread.js";
import type { AddFile } from "../../../../src/tables/delta/actions.js";
import type { WriteDataFilesOptions } from "../../../../src/tables/delta/data-writer.js";
import { LocalStorage } from "../../../../src/storage/local.js";
import {
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import { writeDataFiles } from "../../../../src/tables/delta/data-writer.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { query } from "../../formats/parquet/duckdb.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-data-writer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

test("partition values of every partition type are written in Spark's string forms; null and '' are the null partition", async () => {
  const cases: [string, StructField["dataType"], unknown, string | null][] = [
    ["timestamp (ISO 8601 UTC, as Delta 3 writes)", TimestampType(), 1704164645123456n, "2024-01-02T03:04:05.123456Z"],
    ["timestamp whole second", TimestampType(), 1704164645000000n, "2024-01-02T03:04:05.000000Z"],
    ["date", DateType(), new Date("2024-01-02T00:00:00Z"), "2024-01-02"],
    ["boolean", BooleanType(), false, "false"],
    ["decimal", DecimalType(10, 2), "1.50", "1.50"],
    ["negative decimal", DecimalType(10, 2), "-0.05", "-0.05"],
    ["float", FloatType(), 0.1, "0.1"],
    ["float large", FloatType(), 1.5e10, "1.5E10"],
    ["double", DoubleType(), 1e10, "1.0E10"],
    ["double small", DoubleType(), 2.5, "2.5"],
    ["long", LongType(), -9007199254740993n, "-9007199254740993"],
    ["integer", IntegerType(), 7, "7"],
    ["short", ShortType(), -3, "-3"],
    ["byte", ByteType(), 1, "1"],
    ["string", StringType(), "a b:c/d%e#f?g=h", "a b:c/d%e#f?g=h"],
    ["empty string", StringType(), "", null],
    ["null", StringType(), null, null],
  ];
  for (const [name, type, value, expected] of cases) {
    const schema = StructType([StructField("id", LongType()), StructField("p", type)]);
    const table = `t-${name.replaceAll(" ", "-")}`;
    const [add] = await writeDataFiles(storage, table, schema, ["p"], [batchFromRows(schema, [{ id: 1n, p: value }])]);
    assert.deepEqual(add.partitionValues, { p: expected }, name);
    const file = join(dir, table, decodeURIComponent(add.path));
    assert.ok(existsSync(file), `${name}: add.path decodes to the written file`);
    assert.deepEqual(await query(`SELECT id::INT AS id FROM read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`), [{ id: 1 }], name);
  }
});

test("a timestamp partition value means the same instant whatever the reader's session time zone", async () => {
  const schema = StructType([StructField("id", LongType()), StructField("ts", TimestampType())]);
  const key = "ts-round-trip";
  const instants = [1704164645123456n, -1n, 0n, 1631124671000000n];
  await appendToTable(storage, key, [batchFromRows(schema, instants.map((ts, i) => ({ id: BigInt(i), ts })))], { schema, partitionBy: ["ts"] });
  for (const timeZone of ["UTC", "America/Los_Angeles", "+05:30"]) {
    const { batches } = await readDeltaTable(storage, key, { timeZone });
    const got: [bigint, bigint][] = [];
    for (const b of batches) {
      const ids = b.columns[b.schema.fields.findIndex((f) => f.name === "id")];
      const ts = b.columns[b.schema.fields.findIndex((f) => f.name === "ts")];
      assert.ok(ids.kind === "i64" && ts.kind === "i64");
      for (let r = 0; r < b.numRows; r++) got.push([ids.values[r], ts.values[r]]);
    }
    got.sort((a, b) => Number(a[0] - b[0]));
    assert.deepEqual(got, instants.map((ts, i) => [BigInt(i), ts]), timeZone);
  }
});

// The writer thread: files whose first chunk is big are encoded there, with the same result.

const threadSchema = StructType([
  StructField("id", LongType()),
  StructField("name", StringType()),
  StructField("score", DoubleType()),
  StructField("at", TimestampType()),
  StructField("amount", DecimalType(12, 2)),
  StructField("p", StringType()),
]);

/** Rows `[from, to)`: nulls in every column, partition `p` mostly "a", every 50th "b", every 7000th null. */
function threadBatch(from: number, to: number): Batch {
  const rows: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    rows.push({
      id: i % 97 === 0 ? null : BigInt(i * 7919 - 50_000),
      name: i % 13 === 0 ? null : `name-${(i * 31) % 10_007}-${"x".repeat(i % 40)}`,
      score: i % 11 === 0 ? null : (i % 1000) / 7 - 40,
      at: i % 17 === 0 ? null : 1_700_000_000_000_000n + BigInt(i) * 1_000_003n,
      amount: i % 19 === 0 ? null : `${(i % 5000) - 2500}.${String(i % 100).padStart(2, "0")}`,
      p: i % 7000 === 0 ? null : i % 50 === 0 ? "b" : "a",
    });
  }
  return batchFromRows(threadSchema, rows);
}

/** Writes the same batches in this thread and through a writer thread; returns both add lists and the table keys. */
async function bothWays(
  name: string,
  partitionBy: string[],
  sizes: number[],
  options: WriteDataFilesOptions,
): Promise<{ local: AddFile[]; remote: AddFile[]; requests: number }> {
  const batches: Batch[] = [];
  let at = 0;
  for (const n of sizes) {
    batches.push(threadBatch(at, at + n));
    at += n;
  }
  const local = await writeDataFiles(storage, `${name}-local`, threadSchema, partitionBy, batches, options);
  const thread = new ParquetWriterThread();
  let requests = 0;
  try {
    const remote = await writeDataFiles(storage, `${name}-remote`, threadSchema, partitionBy, batches, {
      ...options,
      writerThread: () => {
        requests++;
        return thread;
      },
    });
    return { local, remote, requests };
  } finally {
    await thread.close();
  }
}

/** The table's rows as DuckDB reads them, in a fixed order. */
async function tableRows(table: string, adds: readonly AddFile[]): Promise<Record<string, unknown>[]> {
  const files = adds.map((a) => `'${join(dir, table, decodeURI(a.path)).replaceAll("'", "''")}'`).join(", ");
  return query(`SELECT id, name, score, "at", amount FROM read_parquet([${files}], hive_partitioning = false) ORDER BY ALL NULLS FIRST`);
}

function assertSameFiles(name: string, local: readonly AddFile[], remote: readonly AddFile[]): void {
  assert.equal(remote.length, local.length, "file count");
  for (let i = 0; i < local.length; i++) {
    assert.equal(remote[i].size, local[i].size, `size of file ${i}`);
    assert.equal(remote[i].stats, local[i].stats, `stats of file ${i}`);
    assert.deepEqual(remote[i].partitionValues, local[i].partitionValues, `partition of file ${i}`);
    const l = readFileSync(join(dir, `${name}-local`, decodeURI(local[i].path)));
    const r = readFileSync(join(dir, `${name}-remote`, decodeURI(remote[i].path)));
    assert.ok(l.equals(r), `bytes of file ${i}`);
  }
}

test("writer thread: big files are encoded there with the same bytes, stats and rows as in this thread (zstd, rows-based rolling)", async () => {
  const { local, remote, requests } = await bothWays("thread-plain", [], [40_000, 30_000, 5_000, 45_000], { compression: "zstd", maxRecordsPerFile: 50_000 });
  assert.equal(requests, 1, "the thread is requested once, when the first big file opens");
  assert.equal(local.length, 3);
  assertSameFiles("thread-plain", local, remote);
  const stats = JSON.parse(remote[0].stats ?? "{}") as { numRecords: number; minValues: Record<string, unknown> };
  assert.equal(stats.numRecords, 50_000);
  assert.equal(stats.minValues.id, -50_000 + 7919);
  assert.deepEqual(await tableRows("thread-plain-remote", remote), await tableRows("thread-plain-local", local));
});

test("writer thread: partitioned writes send big partitions to the thread, small ones stay here, results identical", async () => {
  const { local, remote, requests } = await bothWays("thread-part", ["p"], [60_000, 20_000], { compression: "snappy" });
  assert.equal(requests, 1);
  assert.deepEqual(
    local.map((a) => a.partitionValues.p),
    [null, "a", "b"],
  );
  assertSameFiles("thread-part", local, remote);
  assert.deepEqual(await tableRows("thread-part-remote", remote), await tableRows("thread-part-local", local));
});

test("writer thread: size-based rolling still lands files near the target (the thread's sizes lag a few slices)", async () => {
  const target = 256 * 1024;
  const { local, remote } = await bothWays("thread-roll", [], [200_000], { compression: "snappy", targetFileSize: target });
  assert.ok(local.length > 2 && remote.length > 1, `several files: ${local.length} here, ${remote.length} in the thread`);
  const records = (adds: readonly AddFile[]) => adds.reduce((s, a) => s + (JSON.parse(a.stats ?? "{}") as { numRecords: number }).numRecords, 0);
  assert.equal(records(remote), 200_000);
  // Here a file closes after the slice that crossed the target (these 16k-row slices encode to
  // ~380 kB, so one slice per file); the thread's size lags up to four more slices.
  const slice = Math.max(...local.map((a) => a.size));
  for (const a of remote.slice(0, -1)) assert.ok(a.size >= target && a.size <= 5.1 * slice, `file size ${a.size}`);
  assert.deepEqual(await tableRows("thread-roll-remote", remote), await tableRows("thread-roll-local", local));
});

test("writer thread: an encoding error in the thread fails the write with the writer's SinkError, and the thread stays usable", async () => {
  const strict = StructType([StructField("id", LongType(), false), StructField("name", StringType())]);
  const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i === 30_000 ? null : BigInt(i), name: `n${i}` }));
  const thread = new ParquetWriterThread();
  try {
    const local = writeDataFiles(storage, "thread-error-local", strict, [], [batchFromRows(strict, rows)]);
    await assert.rejects(local, SinkError);
    const remote = writeDataFiles(storage, "thread-error-remote", strict, [], [batchFromRows(strict, rows)], { writerThread: () => thread });
    await assert.rejects(remote, (e: unknown) => e instanceof SinkError && /null/i.test(e.message));
    const ok = Array.from({ length: 20_000 }, (_, i) => ({ id: BigInt(i), name: `n${i}` }));
    const [add] = await writeDataFiles(storage, "thread-error-after", strict, [], [batchFromRows(strict, ok)], { writerThread: () => thread });
    assert.equal((JSON.parse(add.stats ?? "{}") as { numRecords: number }).numRecords, 20_000);
  } finally {
    await thread.close();
  }
});
