import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import type { PutOptions, Storage } from "../../../../src/storage/storage.js";
import { ForwardingStorage } from "../../../../src/storage/forwarding.js";
import { decodeUtf8 } from "../../../../src/columnar/utf8.js";
import { LongType, StructField, StructType } from "../../../../src/types/data-types.js";
import { AlreadyExistsError, CommitConflictError } from "../../../../src/errors.js";
import type { DeltaAction } from "../../../../src/tables/delta/actions.js";
import { commitActions, commitKey, readCommit } from "../../../../src/tables/delta/transaction.js";
import { newTableActions } from "../../../../src/tables/delta/create-table.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";

const SCHEMA = StructType([StructField("id", LongType())]);

function add(path: string): DeltaAction {
  return { kind: "add", add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } };
}

const BLIND = { operation: "WRITE", isBlindAppend: true } as const;

async function newTable(storage: Storage): Promise<void> {
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

/**
 * Storage whose put-if-absent of a commit file stores the object and then reports
 * AlreadyExistsError, as an object store does when a conditional PUT that succeeded is retried
 * after a lost response (the retry gets 412 Precondition Failed).
 */
class RetriedConditionalPut extends ForwardingStorage {
  armed = false;
  constructor() {
    super(MemoryStorage.fresh("delta-txn-retried"));
  }
  override async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    await this.inner.put(path, data, options);
    if (this.armed && options.ifNotExists === true) {
      this.armed = false;
      throw new AlreadyExistsError(`memory storage: object already exists at ${path}`, { path });
    }
  }
}

test("a commit whose put-if-absent succeeded but reported 'already exists' is recognised as ours, not committed twice", async () => {
  const storage = new RetriedConditionalPut();
  await newTable(storage);
  storage.armed = true;
  assert.equal(await commitActions(storage, "t", 0, [add("a.parquet")], BLIND), 1);
  assert.equal(await readCommit(storage, "t", 2), null, "no second copy of the commit");
  const snap = await loadSnapshot(storage, "t");
  assert.equal(snap.version, 1);
  assert.deepEqual(snap.files.map((f) => f.path), ["a.parquet"]);
  // A non-blind commit (an overwrite) seeing its own commit must not report a conflict with itself.
  storage.armed = true;
  const v = await commitActions(storage, "t", 1, [{ kind: "remove", remove: { path: "a.parquet", dataChange: true } }, add("b.parquet")], {
    operation: "WRITE",
    isBlindAppend: false,
    readPaths: new Set(["a.parquet"]),
    readWholeTable: true,
  });
  assert.equal(v, 2);
  assert.equal(await readCommit(storage, "t", 3), null);
});

test("a concurrent remove of a file this transaction also removes conflicts even when it is not among the read paths", async () => {
  const storage = MemoryStorage.fresh("delta-txn-dd");
  await newTable(storage);
  await commitActions(storage, "t", 0, [add("a.parquet")], BLIND);
  const remove = (path: string): DeltaAction => ({ kind: "remove", remove: { path, dataChange: true, deletionTimestamp: 1 } });
  await commitActions(storage, "t", 1, [remove("a.parquet")], { operation: "DELETE", isBlindAppend: false, readPaths: new Set(["a.parquet"]) });
  await assert.rejects(
    commitActions(storage, "t", 1, [remove("a.parquet"), add("a2.parquet")], { operation: "UPDATE", isBlindAppend: false }),
    (e: unknown) => e instanceof CommitConflictError && /commit 2 also removed the file a\.parquet/.test(e.message),
  );
});

test("WriteSerializable: a whole-table reader conflicts with concurrent non-blind data adds but not with blind appends", async () => {
  const storage = MemoryStorage.fresh("delta-txn-ws");
  await newTable(storage);
  await commitActions(storage, "t", 0, [add("a.parquet")], BLIND);
  const merge = { operation: "MERGE", isBlindAppend: false, readPaths: new Set(["a.parquet"]), readWholeTable: true, isolationLevel: "WriteSerializable" } as const;
  // A streaming blind append lands first: a WriteSerializable merge orders itself before it.
  await commitActions(storage, "t", 1, [add("blind.parquet")], BLIND);
  assert.equal(await commitActions(storage, "t", 1, [add("m1.parquet")], merge), 3);
  const bytes = await storage.get(commitKey("t", 3));
  assert.equal((JSON.parse(decodeUtf8(bytes, 0, bytes.length).split("\n")[0]) as { commitInfo: { isolationLevel: string } }).commitInfo.isolationLevel, "WriteSerializable");
  // Another merge inserted rows (a non-blind add): they might match ours, so this merge conflicts.
  await assert.rejects(
    commitActions(storage, "t", 1, [add("m2.parquet")], merge),
    (e: unknown) => e instanceof CommitConflictError && /commit 3 added the file m1\.parquet/.test(e.message),
  );
  // Serializable (the default) conflicts with the blind append too.
  await assert.rejects(commitActions(storage, "t", 1, [add("m3.parquet")], { ...merge, isolationLevel: undefined }), /commit 2 added the file blind\.parquet/);
});

test("a commit without actions (VACUUM START/END) does not conflict with a concurrent metadata change", async () => {
  const storage = MemoryStorage.fresh("delta-txn-empty");
  await newTable(storage);
  await commitActions(storage, "t", 0, newTableActions(SCHEMA, [], "memory://t").slice(1), { operation: "SET TBLPROPERTIES", isBlindAppend: false });
  assert.equal(await commitActions(storage, "t", 0, [], { operation: "VACUUM END", isBlindAppend: true }), 2);
});
