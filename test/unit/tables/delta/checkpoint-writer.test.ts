/**
 * Checkpoint writing: for every DAT case, a checkpoint written at the latest version must, once the
 * JSON commits up to it are deleted, reconstruct the same snapshot and the same rows; DuckDB must
 * read the checkpoint Parquet file. Also a txn round trip (no DAT case has a txn), `_last_checkpoint`
 * and the checkpoint interval.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { checkpointKey, shouldCheckpoint, unexpiredTombstones, writeCheckpoint } from "../../../../src/tables/delta/checkpoint-writer.js";
import { checkpointInterval } from "../../../../src/tables/delta/table-properties.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { encodeUtf8 } from "../../../../src/columnar/utf8.js";
import { ConfigError } from "../../../../src/errors.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const { dir: DAT, skip } = fixtureFolder("delta/dat");
const cases = existsSync(DAT) ? readdirSync(DAT).filter((n) => existsSync(`${DAT}/${n}/delta/_delta_log`)) : [];

let connection: Promise<DuckDBConnection> | undefined;
function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(":memory:").then((db) => db.connect());
  return connection;
}

/** The snapshot's observable state; `dataChange` is excluded (a checkpoint writes it false, as Spark does). */
function describe(s: DeltaSnapshot): unknown {
  return {
    version: s.version,
    protocol: s.protocol,
    metadata: { ...s.metadata, schema: undefined },
    files: s.files.map((f) => ({ ...f, dataChange: undefined })),
    txns: [...s.txns.entries()],
  };
}

function rowsOf(batches: Parameters<typeof batchToRows>[0][]): string[] {
  const out: string[] = [];
  for (const b of batches) for (const r of batchToRows(b)) out.push(JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)));
  return out.sort();
}

test("DAT fixtures are present", { skip }, () => {
  assert.ok(cases.includes("basic_partitioned") && cases.includes("multi_partitioned"), `no DAT fixtures at ${DAT}`);
});

for (const name of cases) {
  test(`checkpoint round trip: DAT ${name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `sluice-cp-${name}-`));
    try {
      cpSync(`${DAT}/${name}/delta`, dir, { recursive: true });
      const storage = localFileSystem();
      const key = dir.slice(1);
      const before = await loadSnapshot(storage, key);
      const rowsBefore = rowsOf((await readDeltaTable(storage, key)).batches);

      const last = await writeCheckpoint(storage, key, before);
      const log = join(dir, "_delta_log");
      const lastText = readFileSync(join(log, "_last_checkpoint"), "utf8");
      const cpFile = join(log, `${String(before.version).padStart(20, "0")}.checkpoint.parquet`);
      assert.deepEqual(JSON.parse(lastText), {
        version: before.version,
        size: 2 + before.txns.size + before.files.length + unexpiredTombstones(before).length,
        sizeInBytes: readFileSync(cpFile).length,
        numOfAddFiles: before.files.length,
      });
      assert.deepEqual(JSON.parse(lastText), last);

      // Only the new checkpoint remains for versions ≤ its version.
      for (const f of readdirSync(log)) {
        const m = /^(\d{20})\.(json|checkpoint\.parquet)$/.exec(f);
        if (m !== null && f !== `${String(before.version).padStart(20, "0")}.checkpoint.parquet` && Number(m[1]) <= before.version) rmSync(join(log, f));
      }
      const after = await loadSnapshot(storage, key);
      assert.deepEqual(describe(after), describe(before));
      assert.ok(after.files.every((f) => !f.dataChange));
      assert.deepEqual(rowsOf((await readDeltaTable(storage, key)).batches), rowsBefore);

      // DuckDB reads the checkpoint: the live paths, one protocol and one metaData row.
      const c = await duck();
      const paths = (await c.runAndReadAll(`SELECT add.path AS p FROM read_parquet('${cpFile}') WHERE add IS NOT NULL`)).getRowObjectsJson();
      assert.deepEqual(paths.map((r) => r.p).sort(), before.files.map((f) => f.rawPath).sort());
      const counts = (
        await c.runAndReadAll(
          `SELECT count(protocol)::INT AS p, count(metaData)::INT AS m, count(txn)::INT AS t, count(remove)::INT AS r FROM read_parquet('${cpFile}')`,
        )
      ).getRowObjectsJson();
      assert.deepEqual(counts, [{ p: 1, m: 1, t: before.txns.size, r: unexpiredTombstones(before).length }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const name of ["basic_partitioned", "multi_partitioned"]) test(`partitionValues are written as map<string,string>, with null partition values: ${name}`, { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-cp-part-"));
  try {
    cpSync(`${DAT}/${name}/delta`, dir, { recursive: true });
    const storage = localFileSystem();
    const snapshot = await loadSnapshot(storage, dir.slice(1));
    await writeCheckpoint(storage, dir.slice(1), snapshot);
    const cpFile = join(dir, "_delta_log", `${String(snapshot.version).padStart(20, "0")}.checkpoint.parquet`);
    const c = await duck();
    const type = (await c.runAndReadAll(`SELECT typeof(add.partitionValues) AS t FROM read_parquet('${cpFile}') WHERE add IS NOT NULL LIMIT 1`)).getRowObjectsJson();
    assert.deepEqual(type, [{ t: "MAP(VARCHAR, VARCHAR)" }]);
    const rows = (
      await c.runAndReadAll(
        `SELECT add.path AS p, add.partitionValues['letter'] AS letter, add.partitionValues['date'] AS date, cardinality(add.partitionValues)::INT AS n FROM read_parquet('${cpFile}') WHERE add IS NOT NULL`,
      )
    ).getRowObjectsJson();
    const expected = snapshot.files.map((f) => ({ p: f.rawPath, letter: f.partitionValues.letter ?? null, date: f.partitionValues.date ?? null, n: Object.keys(f.partitionValues).length }));
    const byPath = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.p).localeCompare(String(b.p));
    assert.deepEqual([...rows].sort(byPath), expected.sort(byPath));
    if (name === "basic_partitioned") assert.ok(snapshot.files.some((f) => f.partitionValues.letter === null), "fixture has a null partition value");
    const schema = (await c.runAndReadAll(`SELECT metaData.schemaString AS s, metaData.partitionColumns AS pc FROM read_parquet('${cpFile}') WHERE metaData IS NOT NULL`)).getRowObjectsJson();
    assert.deepEqual(schema, [{ s: snapshot.metadata.schemaString, pc: [...snapshot.metadata.partitionColumns] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("txn actions round trip through a checkpoint (in memory storage)", async () => {
  const storage = MemoryStorage.named("checkpoint-writer-test");
  const schemaString = JSON.stringify({ type: "struct", fields: [{ name: "id", type: "long", nullable: true, metadata: {} }] });
  const commit0 = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: "t-1", format: { provider: "parquet", options: {} }, schemaString, partitionColumns: [], configuration: { "delta.checkpointInterval": "5" }, createdTime: 1700000000000 } },
    { add: { path: "a%20b.parquet", partitionValues: {}, size: 10, modificationTime: 1, dataChange: true, stats: '{"numRecords":1}' } },
    { txn: { appId: "query-1", version: 3, lastUpdated: 1700000000001 } },
  ];
  const commit1 = [{ txn: { appId: "query-1", version: 4 } }, { txn: { appId: "query-2", version: 0, lastUpdated: 5 } }];
  const put = (v: number, actions: unknown[]) =>
    storage.put(`t/_delta_log/${String(v).padStart(20, "0")}.json`, encodeUtf8(actions.map((a) => JSON.stringify(a)).join("\n")));
  await put(0, commit0);
  await put(1, commit1);
  const before = await loadSnapshot(storage, "t");
  assert.equal(before.txns.size, 2);
  assert.equal(checkpointInterval(before.metadata.configuration), 5);
  await writeCheckpoint(storage, "t", before);
  assert.ok((await storage.head(checkpointKey("t", 1))) !== null);
  await storage.delete("t/_delta_log/00000000000000000000.json");
  await storage.delete("t/_delta_log/00000000000000000001.json");
  const after = await loadSnapshot(storage, "t");
  assert.deepEqual(describe(after), describe(before));
  assert.deepEqual(after.txns.get("query-1"), { appId: "query-1", version: 4, lastUpdated: undefined });
  assert.deepEqual(after.txns.get("query-2"), { appId: "query-2", version: 0, lastUpdated: 5 });
  assert.equal(after.files[0]?.rawPath, "a%20b.parquet");
  assert.equal(after.files[0]?.path, "a b.parquet");
});

test("shouldCheckpoint follows Delta's interval, default 10", () => {
  assert.equal(shouldCheckpoint(0), false);
  assert.equal(shouldCheckpoint(9), false);
  assert.equal(shouldCheckpoint(10), true);
  assert.equal(shouldCheckpoint(20), true);
  assert.equal(shouldCheckpoint(21), false);
  assert.equal(shouldCheckpoint(3, 3), true);
  assert.equal(shouldCheckpoint(4, 3), false);
  assert.throws(() => shouldCheckpoint(10, 0), ConfigError);
  assert.equal(checkpointInterval({}), 10);
  assert.equal(checkpointInterval({ "delta.checkpointInterval": "100" }), 100);
  assert.throws(() => checkpointInterval({ "delta.checkpointInterval": "ten" }), ConfigError);
  assert.throws(() => checkpointInterval({ "delta.checkpointInterval": "-1" }), ConfigError);
});

test("checkpointKey pads the version to 20 digits", () => {
  assert.equal(checkpointKey("a/t", 12), "a/t/_delta_log/00000000000000000012.checkpoint.parquet");
  assert.equal(checkpointKey("", 0), "_delta_log/00000000000000000000.checkpoint.parquet");
});
