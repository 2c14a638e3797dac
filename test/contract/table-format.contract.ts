/**
 * The shared table-format contract: every `StreamingTable` (the `_spark_metadata` file sink, Delta,
 * Iceberg next) runs this one suite (see table-format-*.test.ts). `make` opens the table at a local
 * folder for a query, as the format's sink does; files are read back by DuckDB (Hive partitions
 * from the folder names), an engine that knows nothing of sluice.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Batch } from "../../src/columnar/batch.js";
import { batchFromRows } from "../../src/columnar/build.js";
import { LocalStorage } from "../../src/storage/local.js";
import type { Storage } from "../../src/storage/storage.js";
import { toSchema } from "../../src/sql/ddl.js";
import { writeDataFiles } from "../../src/tables/files/data-file-writer.js";
import type { DataFile } from "../../src/tables/files/data-file-writer.js";
import type { BatchWrite, StreamingTable } from "../../src/tables/table-format.js";
import { duckdb, sqlString } from "../support/duckdb.js";

/** Opens the table rooted at `tableKey` of `storage` for the streaming query `queryId`. */
export type OpenTable = (storage: Storage, tableKey: string, options: { queryId: string; partitionBy: readonly string[] }) => StreamingTable;

const SCHEMA = toSchema("id BIGINT, city STRING, note STRING");

function rows(from: number, n: number, city: (i: number) => string | null = (i) => (i % 2 === 0 ? "paris" : "oslo")): Batch {
  return batchFromRows(
    SCHEMA,
    Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), city: city(from + k), note: `n${from + k}` })),
  );
}

async function* source(...batches: Batch[]): AsyncGenerator<Batch> {
  yield* batches;
}

/** Writes `batches` as the data files of `write`, as the table sink does. */
async function writeFiles(table: StreamingTable, write: BatchWrite, ...batches: Batch[]): Promise<{ files: DataFile<unknown>[]; numRows: number }> {
  const numRows = batches.reduce((s, b) => s + b.numRows, 0);
  const files = await writeDataFiles(table.storage, table.tableKey, write.schema, write.layout, write.conform(source(...batches)));
  return { files, numRows };
}

/** The ids DuckDB reads from `keys` (local storage keys), sorted. */
async function idsIn(storage: LocalStorage, keys: readonly string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  const conn = await duckdb();
  const list = keys.map((k) => sqlString(storage.pathOf(k))).join(", ");
  const r = await conn.runAndReadAll(`SELECT id FROM read_parquet([${list}]) ORDER BY id`);
  return r.getRowObjectsJS().map((o) => Number(o.id));
}

/** Where formats legitimately differ. */
export interface FormatTraits {
  /** Iceberg keeps partition source columns in data files; Hive-style formats do not. */
  readonly partitionColumnsInFiles?: boolean;
  /** Hive-style formats put an empty value in the null partition; Iceberg keeps it apart. */
  readonly emptyPartitionValueIsNull?: boolean;
  /** The null partition's folder text: Hive's `__HIVE_DEFAULT_PARTITION__`, Iceberg's `null`. */
  readonly nullFolder?: string;
}

/** Registers the contract tests for the format `name`. */
export function tableFormatContract(name: string, open: OpenTable, traits: FormatTraits = {}): void {
  const inFiles = traits.partitionColumnsInFiles === true;
  const emptyIsNull = traits.emptyPartitionValueIsNull !== false;
  const nullFolder = `city=${traits.nullFolder ?? "__HIVE_DEFAULT_PARTITION__"}`;
  describe(`table format contract: ${name}`, () => {
    const fresh = (): { storage: LocalStorage; key: string } => {
      const storage = new LocalStorage(mkdtempSync(join(tmpdir(), "sluice-table-contract-")), { fsync: false });
      return { storage, key: "t" };
    };

    test("a batch's files are invisible until its commit, then exactly they are live", async () => {
      const { storage, key } = fresh();
      const table = open(storage, key, { queryId: "q", partitionBy: [] });
      assert.deepEqual(await table.liveFiles(), []);
      const write = await table.beginBatch(0, SCHEMA);
      assert.ok(write !== null, "a new table takes batch 0");
      const { files, numRows } = await writeFiles(table, write, rows(0, 5), rows(5, 3));
      assert.ok(files.length >= 1);
      for (const f of files) assert.ok((await storage.head(f.key)) !== null, `${f.key} is written`);
      assert.deepEqual(await table.liveFiles(), [], "not visible before the commit");
      const commit = await write.commit(files, { numRows, dataMs: 1 });
      assert.equal(commit.committed, true);
      assert.deepEqual((await table.liveFiles()).sort(), files.map((f) => f.key).sort());
      assert.deepEqual(await idsIn(storage, await table.liveFiles()), [0, 1, 2, 3, 4, 5, 6, 7]);
    });

    test("a committed batch is skipped, by the same writer and by a restarted one", async () => {
      const { storage, key } = fresh();
      const a = open(storage, key, { queryId: "q", partitionBy: [] });
      for (const [b, from] of [[0, 0], [1, 10]] as const) {
        const w = await a.beginBatch(b, SCHEMA);
        assert.ok(w !== null);
        const { files, numRows } = await writeFiles(a, w, rows(from, 2));
        assert.equal((await w.commit(files, { numRows, dataMs: 0 })).committed, true);
      }
      assert.equal(await a.beginBatch(1, SCHEMA), null);
      const restarted = open(storage, key, { queryId: "q", partitionBy: [] });
      assert.equal(await restarted.beginBatch(0, SCHEMA), null);
      assert.equal(await restarted.beginBatch(1, SCHEMA), null);
      const next = await restarted.beginBatch(2, SCHEMA);
      assert.ok(next !== null, "the next batch id is taken");
      assert.deepEqual(await idsIn(storage, await restarted.liveFiles()), [0, 1, 10, 11]);
    });

    test("two writers committing the same batch: exactly one commits, the other's files stay invisible", async () => {
      const { storage, key } = fresh();
      const a = open(storage, key, { queryId: "q", partitionBy: [] });
      const b = open(storage, key, { queryId: "q", partitionBy: [] });
      // Batch 0 exists, so both writers plan batch 1 against the same table.
      const w0 = await a.beginBatch(0, SCHEMA);
      assert.ok(w0 !== null);
      const first = await writeFiles(a, w0, rows(0, 1));
      await w0.commit(first.files, { numRows: first.numRows, dataMs: 0 });
      const wa = await a.beginBatch(1, SCHEMA);
      const wb = await b.beginBatch(1, SCHEMA);
      assert.ok(wa !== null && wb !== null);
      const fa = await writeFiles(a, wa, rows(100, 2));
      const fb = await writeFiles(b, wb, rows(200, 2));
      const [ca, cb] = await Promise.all([wa.commit(fa.files, { numRows: 2, dataMs: 0 }), wb.commit(fb.files, { numRows: 2, dataMs: 0 })]);
      assert.equal([ca.committed, cb.committed].filter((c) => c).length, 1, "exactly one commit of batch 1");
      const winner = ca.committed ? [100, 101] : [200, 201];
      assert.deepEqual(await idsIn(storage, await a.liveFiles()), [0, ...winner]);
    });

    test("partitions: Hive folders, escaped values, null (and, Hive-style, empty) values in the null partition", async () => {
      const { storage, key } = fresh();
      const table = open(storage, key, { queryId: "q", partitionBy: ["city"] });
      const w = await table.beginBatch(0, SCHEMA);
      assert.ok(w !== null);
      const cities = ["a/b:c", null, "", "plain", "a/b:c"];
      const { files, numRows } = await writeFiles(table, w, rows(0, 5, (i) => cities[i]));
      const byFolder = new Map(files.map((f) => [f.relativePath.slice(0, f.relativePath.indexOf("/")), f.partitionValues]));
      const folders = [nullFolder, "city=a%2Fb%3Ac", "city=plain", ...(emptyIsNull ? [] : ["city="])];
      assert.deepEqual([...byFolder.keys()].sort(), folders.sort());
      assert.deepEqual(byFolder.get("city=a%2Fb%3Ac"), { city: "a/b:c" });
      assert.deepEqual(byFolder.get(nullFolder), { city: null });
      assert.equal(files.find((f) => f.relativePath.startsWith("city=a%2Fb%3Ac"))?.numRows, 2);
      assert.equal((await w.commit(files, { numRows, dataMs: 0 })).committed, true);
      const conn = await duckdb();
      const live = (await table.liveFiles()).map((k) => sqlString(storage.pathOf(k))).join(", ");
      const r = await conn.runAndReadAll(`SELECT id, city, note FROM read_parquet([${live}], hive_partitioning = ${!inFiles}) ORDER BY id`);
      assert.deepEqual(
        r.getRowObjectsJS().map((o) => [Number(o.id), o.city, o.note]),
        [
          [0, "a/b:c", "n0"],
          [1, null, "n1"],
          [2, emptyIsNull ? null : "", "n2"],
          [3, "plain", "n3"],
          [4, "a/b:c", "n4"],
        ],
      );
      const columns = await conn.runAndReadAll(`SELECT name FROM parquet_schema(${sqlString(storage.pathOf(files[0].key))}) WHERE name <> 'spark_schema' ORDER BY name`);
      assert.deepEqual(
        columns.getRowObjectsJS().map((o) => o.name),
        inFiles ? ["city", "id", "note"] : ["id", "note"],
        inFiles ? "the partition source column is in the file" : "the partition column is in the folder, not the file",
      );
    });

    test("rolling by maxRecordsPerFile is the layout's: files hold at most that many rows", async () => {
      const { storage, key } = fresh();
      const table = open(storage, key, { queryId: "q", partitionBy: [] });
      const w = await table.beginBatch(0, SCHEMA);
      assert.ok(w !== null);
      const layout = { ...w.layout, maxRecordsPerFile: 3 };
      const files = await writeDataFiles(table.storage, table.tableKey, w.schema, layout, w.conform(source(rows(0, 7), rows(7, 1))));
      assert.deepEqual(files.map((f) => f.numRows), [3, 3, 2]);
      assert.equal((await w.commit(files, { numRows: 8, dataMs: 0 })).committed, true);
      assert.deepEqual(await idsIn(storage, await table.liveFiles()), [0, 1, 2, 3, 4, 5, 6, 7]);
    });
  });
}
