import { test } from "node:test";
import assert from "node:assert/strict";
import { DeduplicateOperator } from "../../../src/exec/dedup.js";
import type { BatchContext } from "../../../src/exec/operator.js";
import type { StateLocation } from "../../../src/state/state-store.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { batchToRows } from "../../../src/columnar/values.js";
import type { Row } from "../../../src/columnar/values.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { StructType, StructField, StringType, LongType, DoubleType } from "../../../src/types/data-types.js";

const schema = StructType([StructField("event_id", StringType()), StructField("n", LongType())]);
const ctx = (batchId: number): BatchContext => ({ batchId, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs: 0, outputMode: "append" });
const rows = (ids: (string | null)[], start = 0) => ids.map((event_id, i) => ({ event_id, n: BigInt(start + i) }));

function dedup(state: StateLocation | null, keyOrdinals = [0]) {
  return new DeduplicateOperator({ inputSchema: schema, keyOrdinals, state, operatorId: 0, stateOptions: { minDeltasForSnapshot: 2 } });
}

async function runBatch(op: DeduplicateOperator, batchId: number, chunks: Row[][], commit = true): Promise<Row[]> {
  await op.open(ctx(batchId));
  const out: Row[] = [];
  for (const c of chunks) {
    const r = op.process(batchFromRows(schema, c));
    if (r !== null) out.push(...batchToRows(r));
  }
  if (commit) await op.commit();
  return out;
}

test("keeps the first row of each key within a batch; null is a key", async () => {
  const op = dedup(null);
  const out = await runBatch(op, 0, [rows(["a", "b", "a", null, "", null, "b", ""])]);
  assert.deepEqual(out, [
    { event_id: "a", n: 0n },
    { event_id: "b", n: 1n },
    { event_id: null, n: 3n },
    { event_id: "", n: 4n },
  ]);
});

test("drops keys seen in earlier batches and chunks, and across a restart", async () => {
  const storage = MemoryStorage.fresh("dedup-restart");
  const state = { storage, prefix: "ckpt/state/0/" };
  const op = dedup(state);
  assert.deepEqual((await runBatch(op, 0, [rows(["a", "b"]), rows(["b", "c"], 2)])).map((r) => r.event_id), ["a", "b", "c"]);
  assert.deepEqual((await runBatch(op, 1, [rows(["c", "d", null])])).map((r) => r.event_id), ["d", null]);
  assert.deepEqual((await runBatch(op, 2, [rows(["e"])])).map((r) => r.event_id), ["e"]);
  const paths = (await storage.list("ckpt/state/0/0/")).map((o) => o.path);
  assert.deepEqual(paths, ["ckpt/state/0/0/1.delta", "ckpt/state/0/0/2.delta", "ckpt/state/0/0/2.snapshot", "ckpt/state/0/0/3.delta"]);
  assert.equal(op.stateMetrics().numRowsTotal, 6);
  const restarted = dedup(state);
  assert.deepEqual((await runBatch(restarted, 3, [rows(["a", "d", null, "f", "e", "f"])])).map((r) => r.event_id), ["f"]);
});

test("a crashed batch re-runs from the previous state with identical output", async () => {
  const storage = MemoryStorage.fresh("dedup-crash");
  const state = { storage, prefix: "ckpt/state/0/" };
  const op = dedup(state);
  await runBatch(op, 0, [rows(["a", "b"])]);
  const input = [rows(["b", "c", "c", "d"])];
  const first = await runBatch(op, 1, input, false); // crash: no state commit
  // Same instance re-opened for the same batch: the uncommitted keys must be forgotten.
  const sameInstance = await runBatch(op, 1, input, false);
  assert.deepEqual(sameInstance, first);
  // A new process after the crash.
  const fresh = dedup(state);
  const rerun = await runBatch(fresh, 1, input);
  assert.deepEqual(rerun, first);
  assert.deepEqual(rerun.map((r) => r.event_id), ["c", "d"]);
  // Crash after the state commit but before the commit log: batch 1 runs again from version 1.
  const again = dedup(state);
  assert.deepEqual(await runBatch(again, 1, input), first);
  assert.deepEqual((await runBatch(again, 2, [rows(["d", "e"])])).map((r) => r.event_id), ["e"]);
});

test("multi-column keys, NaN and -0.0 group as in Spark", async () => {
  const s = StructType([StructField("a", StringType()), StructField("x", DoubleType()), StructField("n", LongType())]);
  const op = new DeduplicateOperator({ inputSchema: s, keyOrdinals: [0, 1], state: null, operatorId: 1 });
  const input = batchFromRows(s, [
    { a: "p", x: NaN, n: 0n },
    { a: "p", x: NaN, n: 1n },
    { a: "p", x: 0, n: 2n },
    { a: "p", x: -0, n: 3n },
    { a: null, x: null, n: 4n },
    { a: null, x: null, n: 5n },
    { a: "q", x: 0, n: 6n },
  ]);
  const out = op.process(input);
  assert.ok(out !== null);
  assert.deepEqual(batchToRows(out).map((r) => r.n), [0n, 2n, 4n, 6n]);
});
