import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { decodeUtf8 } from "../../../../src/columnar/utf8.js";
import { LongType, StructField, StructType } from "../../../../src/types/data-types.js";
import { CommitConflictError } from "../../../../src/errors.js";
import type { DeltaAction } from "../../../../src/tables/delta/actions.js";
import { commitActions, commitKey } from "../../../../src/tables/delta/transaction.js";
import { newTableActions } from "../../../../src/tables/delta/create-table.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";

const SCHEMA = StructType([StructField("id", LongType())]);

function add(path: string): DeltaAction {
  return { kind: "add", add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } };
}

const BLIND = { operation: "WRITE", isBlindAppend: true } as const;

async function newTable(storage: MemoryStorage): Promise<void> {
  assert.equal(await commitActions(storage, "t", -1, newTableActions(SCHEMA, [], "memory://t"), { operation: "CREATE TABLE", isBlindAppend: true }), 0);
}

test("a commit is one 20-digit JSON file, commitInfo first, then one action per line", async () => {
  const storage = MemoryStorage.fresh("delta-txn");
  await newTable(storage);
  const v = await commitActions(storage, "t", 0, [add("a.parquet")], { ...BLIND, operationParameters: { mode: "Append", partitionBy: [] }, operationMetrics: { numFiles: 1 } });
  assert.equal(v, 1);
  assert.equal(commitKey("t", 1), "t/_delta_log/00000000000000000001.json");
  const bytes = await storage.get(commitKey("t", 1));
  const lines = decodeUtf8(bytes, 0, bytes.length).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
  assert.equal(lines.length, 2);
  const ci = lines[0].commitInfo;
  assert.equal(ci.operation, "WRITE");
  assert.deepEqual(ci.operationParameters, { mode: "Append", partitionBy: "[]" });
  assert.deepEqual(ci.operationMetrics, { numFiles: "1" });
  assert.equal(ci.readVersion, 0);
  assert.equal(ci.isBlindAppend, true);
  assert.equal(lines[1].add.path, "a.parquet");
  const v0 = await storage.get(commitKey("t", 0));
  const first = decodeUtf8(v0, 0, v0.length).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
  assert.deepEqual(first[1], { protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
  assert.deepEqual(first[2].metaData.format, { provider: "parquet", options: {} });
  const snap = await loadSnapshot(storage, "t");
  assert.equal(snap.version, 1);
  assert.deepEqual(snap.files.map((f) => f.path), ["a.parquet"]);
});

test("a blind append that loses the race retries after the winners", async () => {
  const storage = MemoryStorage.fresh("delta-txn");
  await newTable(storage);
  await commitActions(storage, "t", 0, [add("w1.parquet")], BLIND);
  await commitActions(storage, "t", 0, [add("w2.parquet")], BLIND);
  assert.equal(await commitActions(storage, "t", 0, [add("late.parquet")], BLIND), 3);
  const snap = await loadSnapshot(storage, "t");
  assert.deepEqual(snap.files.map((f) => f.path), ["late.parquet", "w1.parquet", "w2.parquet"]);
});

test("concurrent metadata changes, creations, same-appId txns and removes of read files conflict", async () => {
  const storage = MemoryStorage.fresh("delta-txn");
  await newTable(storage);
  await commitActions(storage, "t", 0, [add("a.parquet")], BLIND);
  // A concurrent metadata change.
  await commitActions(storage, "t", 1, newTableActions(SCHEMA, [], "memory://t").slice(1), { operation: "SET TBLPROPERTIES", isBlindAppend: false });
  await assert.rejects(commitActions(storage, "t", 1, [add("b.parquet")], BLIND), (e: unknown) => e instanceof CommitConflictError && /commit 2 changed the table metadata/.test(e.message));
  // A concurrent creation.
  await assert.rejects(commitActions(storage, "t", -1, newTableActions(SCHEMA, [], "memory://t"), BLIND), /commit 0 created the table first/);
  // A remove of a file this transaction read.
  await commitActions(storage, "t", 2, [{ kind: "remove", remove: { path: "a.parquet", dataChange: true } }], { operation: "DELETE", isBlindAppend: false });
  await assert.rejects(
    commitActions(storage, "t", 2, [add("c.parquet")], { operation: "MERGE", isBlindAppend: false, readPaths: new Set(["a.parquet"]) }),
    /commit 3 removed the file a\.parquet/,
  );
  // …but not for a blind append, nor a transaction that did not read it.
  assert.equal(await commitActions(storage, "t", 2, [add("d.parquet")], BLIND), 4);
  assert.equal(await commitActions(storage, "t", 2, [add("e.parquet")], { operation: "MERGE", isBlindAppend: false, readPaths: new Set(["x.parquet"]) }), 5);
  // A txn for the same appId.
  await commitActions(storage, "t", 5, [{ kind: "txn", txn: { appId: "q", version: 1 } }], BLIND);
  await assert.rejects(commitActions(storage, "t", 5, [{ kind: "txn", txn: { appId: "q", version: 1 } }], BLIND), /committed a txn for appId 'q'/);
  assert.equal(await commitActions(storage, "t", 5, [{ kind: "txn", txn: { appId: "other", version: 1 } }], BLIND), 7);
});
