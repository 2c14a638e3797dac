import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { mergeIntoTable, upsertByKey } from "../../../../src/tables/delta/merge.js";
import type { MergeClause } from "../../../../src/tables/delta/merge.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { AnalysisError, ExecutionError } from "../../../../src/errors.js";
import { commitOf, duckRows, liveAdds, normalize } from "./delta-table-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-merge-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("city", StringType())]);
const SOURCE = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("city", StringType()), StructField("op", StringType())]);
const COLS = ["id", "name", "city"];

function rows(from: number, n: number, city = "x"): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), name: `n${from + k}`, city }));
}

/** Expected rows as normalized strings. */
function expected(rs: readonly Record<string, unknown>[]): string[] {
  return normalize(rs, COLS);
}

/** Checks the table's rows by sluice's reader, by DuckDB over the hand-replayed log. */
async function assertRows(table: string, want: readonly Record<string, unknown>[]): Promise<void> {
  const content = await readDeltaTable(storage, table);
  assert.deepEqual(normalize(content.batches.flatMap(batchToRows), COLS), expected(want));
  assert.deepEqual(normalize(await duckRows(join(dir, table)), COLS), expected(want));
}

/** A table of three files: ids 0-9, 10-19, 20-29. */
async function threeFiles(table: string, partitionBy?: string[]): Promise<void> {
  for (let f = 0; f < 3; f++) {
    await appendToTable(storage, table, [batchFromRows(SCHEMA, rows(f * 10, 10, f === 2 ? "z" : "x"))], { schema: SCHEMA, partitionBy });
  }
}

const e = parseExpression;

test("merge: conditional delete, update, insert; files without a changed row keep their paths", async () => {
  await threeFiles("m1");
  const before = [...liveAdds(join(dir, "m1")).keys()];
  assert.equal(before.length, 3);
  const source = batchFromRows(SOURCE, [
    { id: 5n, name: "five", city: "p", op: "U" },
    { id: 15n, name: "gone", city: "p", op: "D" },
    { id: 100n, name: "new", city: "q", op: "I" },
    { id: 101n, name: "skipped", city: "q", op: "skip" },
  ]);
  const clauses: MergeClause[] = [
    { when: "matched", action: "delete", condition: e("s.op = 'D'") },
    { when: "matched", action: "update", assignments: [["name", e("upper(s.name)")]] },
    { when: "notMatched", action: "insert", condition: e("op <> 'skip'"), assignments: "*" },
  ];
  const r = await mergeIntoTable(storage, "m1", { source: { schema: SOURCE, batches: [source] }, condition: e("t.id = s.id"), targetAlias: "t", sourceAlias: "s", clauses });
  assert.equal(r.version, 3);
  assert.equal(r.metrics.numSourceRows, 4);
  assert.equal(r.metrics.numTargetRowsUpdated, 1);
  assert.equal(r.metrics.numTargetRowsDeleted, 1);
  assert.equal(r.metrics.numTargetRowsInserted, 1);
  assert.equal(r.metrics.numTargetRowsCopied, 18);
  assert.equal(r.metrics.numTargetFilesRemoved, 2);

  const want = [...rows(0, 30).filter((x) => x.id !== 5n && x.id !== 15n), { id: 5n, name: "FIVE", city: "x" }, { id: 100n, name: "new", city: "q" }].map((x) =>
    (x.id as bigint) >= 20n && (x.id as bigint) < 30n ? { ...x, city: "z" } : x,
  );
  await assertRows("m1", want);
  // The third file (ids 20-29) had no matched row: still live under the same path.
  const after = liveAdds(join(dir, "m1"));
  const third = before.find((p) => !commitOf(join(dir, "m1"), 3).some((a) => a.remove !== undefined && decodeURIComponent(String(a.remove.path)) === p));
  assert.ok(third !== undefined && after.has(third));
  // The commit: MERGE, not a blind append, removes with dataChange=true, adds with stats.
  const actions = commitOf(join(dir, "m1"), 3);
  const info = actions[0].commitInfo;
  assert.equal(info.operation, "MERGE");
  assert.equal(info.isBlindAppend, false);
  assert.equal(info.readVersion, 2);
  assert.deepEqual(
    Object.fromEntries(["numTargetRowsUpdated", "numTargetRowsDeleted", "numTargetRowsInserted", "numSourceRows"].map((k) => [k, (info.operationMetrics as Record<string, string>)[k]])),
    { numTargetRowsUpdated: "1", numTargetRowsDeleted: "1", numTargetRowsInserted: "1", numSourceRows: "4" },
  );
  const removes = actions.filter((a) => a.remove !== undefined);
  assert.equal(removes.length, 2);
  for (const rm of removes) assert.equal(rm.remove.dataChange, true);
  for (const a of actions.filter((x) => x.add !== undefined)) {
    assert.equal(a.add.dataChange, true);
    assert.match(String(a.add.stats), /"numRecords":\d+/);
  }
});

test("merge: a target row matched by two source rows is Delta's error; nothing is committed", async () => {
  await threeFiles("dup");
  const source = batchFromRows(SOURCE, [
    { id: 3n, name: "a", city: "p", op: "U" },
    { id: 3n, name: "b", city: "p", op: "U" },
  ]);
  await assert.rejects(
    mergeIntoTable(storage, "dup", {
      source: { schema: SOURCE, batches: [source] },
      condition: e("t.id = s.id"),
      targetAlias: "t",
      sourceAlias: "s",
      clauses: [{ when: "matched", action: "update", assignments: "*" }],
    }),
    (err: unknown) => err instanceof ExecutionError && /multiple source rows matched and attempted to modify the same target row/.test(err.message),
  );
  assert.equal((await loadSnapshot(storage, "dup")).version, 2);
  // An only, unconditional delete is allowed to match twice (as in Delta).
  const r = await mergeIntoTable(storage, "dup", {
    source: { schema: SOURCE, batches: [source] },
    condition: e("t.id = s.id"),
    targetAlias: "t",
    sourceAlias: "s",
    clauses: [{ when: "matched", action: "delete" }],
  });
  assert.equal(r.metrics.numTargetRowsDeleted, 1);
  await assertRows("dup", [...rows(0, 20).filter((x) => x.id !== 3n), ...rows(20, 10, "z")]);
});

test("merge: residual conditions, null keys never match with =, not matched by source delete", async () => {
  await appendToTable(storage, "res", [batchFromRows(SCHEMA, [...rows(0, 5), { id: null, name: "nullkey", city: "x" }])], { schema: SCHEMA });
  const source = batchFromRows(SOURCE, [
    { id: 1n, name: "one", city: "x", op: "U" },
    { id: 2n, name: "two", city: "other", op: "U" }, // the residual conjunct fails: not matched → inserted
    { id: null, name: "nullsrc", city: "x", op: "U" }, // null key: never matches with '='
  ]);
  const r = await mergeIntoTable(storage, "res", {
    source: { schema: SOURCE, batches: [source] },
    condition: e("t.id = s.id AND length(s.city) <= length(t.city)"),
    targetAlias: "t",
    sourceAlias: "s",
    clauses: [
      { when: "matched", action: "update", assignments: [["name", e("s.name")]] },
      { when: "notMatched", action: "insert", assignments: [["id", e("s.id")], ["name", e("s.name")]] },
      { when: "notMatchedBySource", action: "delete", condition: e("t.id >= 3") },
    ],
  });
  assert.equal(r.metrics.numTargetRowsNotMatchedBySourceDeleted, 2);
  await assertRows("res", [
    { id: 0n, name: "n0", city: "x" },
    { id: 1n, name: "one", city: "x" },
    { id: 2n, name: "n2", city: "x" },
    { id: null, name: "nullkey", city: "x" },
    { id: 2n, name: "two", city: null },
    { id: null, name: "nullsrc", city: null },
  ]);
});

test("merge: a partitioned table; an update that moves a row to another partition", async () => {
  await threeFiles("part", ["city"]);
  const source = batchFromRows(SOURCE, [{ id: 25n, name: "moved", city: "x", op: "U" }]);
  await mergeIntoTable(storage, "part", {
    source: { schema: SOURCE, batches: [source] },
    condition: e("target.id = source.id"),
    clauses: [{ when: "matched", action: "update", assignments: [["city", e("source.city")], ["name", e("source.name")]] }],
  });
  const want = [...rows(0, 20), ...rows(20, 10, "z").filter((x) => x.id !== 25n), { id: 25n, name: "moved", city: "x" }];
  await assertRows("part", want);
  for (const [path, a] of liveAdds(join(dir, "part"))) assert.ok(path.startsWith(`city=${a.partitionValues.city}/`), path);
});

test("merge: source columns carry their own qualifiers (a DataFrame's alias); a struct column named like an alias stays reachable", async () => {
  await threeFiles("qual");
  // As `updates.alias("u").withColumn("name", ...)`: `id` and `t` are qualified `u`, `name` is not (so `sourceAlias`).
  const source = StructType([StructField("id", LongType()), StructField("t", StructType([StructField("city", StringType())])), StructField("name", StringType())]);
  const batch = batchFromRows(source, [{ id: 5n, t: { city: "p" }, name: "five" }]);
  const src = { schema: source, batches: [batch], qualifiers: ["u", "u", null] };
  const r = await mergeIntoTable(storage, "qual", {
    source: src,
    condition: e("t.id = u.id"), // `t.id`: the target's column (a column wins over the source struct's field)
    targetAlias: "t",
    sourceAlias: "s",
    // `u.t.city`: the source struct's field; `t.city`: the target's old city; `s.name`: the unqualified column.
    clauses: [{ when: "matched", action: "update", assignments: [["city", e("u.t.city")], ["name", e("concat(s.name, t.city)")]] }],
  });
  assert.equal(r.metrics.numTargetRowsUpdated, 1);
  await assertRows("qual", [...rows(0, 30).map((x) => (x.id === 5n ? { id: 5n, name: "fivex", city: "p" } : { ...x, city: (x.id as bigint) >= 20n ? "z" : "x" }))]);
  await assert.rejects(
    mergeIntoTable(storage, "qual", { source: src, condition: e("t.id = s.id"), targetAlias: "t", sourceAlias: "s", clauses: [] }),
    (err: unknown) => err instanceof AnalysisError && /cannot resolve column 's.id' among \[t.id, t.name, t.city, u.id, u.t, s.name\]; did you mean '[tu].id'\?/.test(err.message),
  );
});

test("merge: analysis errors name the problem", async () => {
  await threeFiles("bad");
  const src = { schema: SOURCE, batches: [batchFromRows(SOURCE, [])] };
  await assert.rejects(mergeIntoTable(storage, "bad", { source: src, condition: e("id = id"), clauses: [] }), (err: unknown) => err instanceof AnalysisError && /ambiguous/.test(err.message));
  await assert.rejects(
    mergeIntoTable(storage, "bad", { source: src, condition: e("t.id = s.nope"), targetAlias: "t", sourceAlias: "s", clauses: [] }),
    (err: unknown) => err instanceof AnalysisError && /nope/.test(err.message),
  );
  await assert.rejects(
    mergeIntoTable(storage, "bad", {
      source: src,
      condition: e("t.id = s.id"),
      targetAlias: "t",
      sourceAlias: "s",
      clauses: [{ when: "notMatched", action: "insert", assignments: [["id", e("t.id")]] }],
    }),
    (err: unknown) => err instanceof AnalysisError && /NOT MATCHED clause can only reference the source/.test(err.message),
  );
  await assert.rejects(
    mergeIntoTable(storage, "nothing-here", { source: src, condition: e("t.id = s.id"), clauses: [] }),
    (err: unknown) => err instanceof AnalysisError && /is not a Delta table/.test(err.message),
  );
});

test("upsertByKey: creates the table, updates by key (null keys in place), skips a txn already recorded", async () => {
  const up = (rs: Record<string, unknown>[], version: number): ReturnType<typeof upsertByKey> =>
    upsertByKey(storage, "up", [batchFromRows(SCHEMA, rs)], { keyColumns: ["id"], schema: SCHEMA, txn: { appId: "q1", version }, operation: "STREAMING UPDATE" });
  const r0 = await up([...rows(0, 3), { id: null, name: "null0", city: "x" }], 0);
  assert.equal(r0.version, 0);
  const r1 = await up([{ id: 1n, name: "one", city: "y" }, { id: null, name: "null1", city: "y" }, { id: 7n, name: "seven", city: "y" }], 1);
  assert.equal(r1.version, 1);
  assert.equal(r1.metrics.numTargetRowsUpdated, 2);
  assert.equal(r1.metrics.numTargetRowsInserted, 1);
  const want = [
    { id: 0n, name: "n0", city: "x" },
    { id: 1n, name: "one", city: "y" },
    { id: 2n, name: "n2", city: "x" },
    { id: null, name: "null1", city: "y" },
    { id: 7n, name: "seven", city: "y" },
  ];
  await assertRows("up", want);
  // Re-running batch 1 (or an older one) writes nothing.
  const again = await up([{ id: 1n, name: "WRONG", city: "y" }], 1);
  assert.deepEqual([again.version, again.skipped], [null, true]);
  assert.equal((await up([{ id: 1n, name: "WRONG", city: "y" }], 0)).skipped, true);
  await assertRows("up", want);
  const snap = await loadSnapshot(storage, "up");
  assert.equal(snap.version, 1);
  assert.equal(snap.txns.get("q1")?.version, 1);
  const info = commitOf(join(dir, "up"), 1)[0].commitInfo;
  assert.equal(info.operation, "STREAMING UPDATE");
  assert.ok(commitOf(join(dir, "up"), 1).some((a) => a.txn !== undefined && a.txn.appId === "q1" && a.txn.version === 1));
});
