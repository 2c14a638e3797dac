/**
 * Incremental snapshot loading (`loadSnapshot(…, { base })`): applying only the commits after a
 * snapshot the caller holds gives exactly the snapshot a full load gives — across appends, an
 * overwrite (removes → tombstones), txns, a metadata change and a checkpoint — and falls back to a
 * full load when the log no longer holds the commits after the base or the base is newer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { overwriteTable } from "../../../../src/tables/delta/overwrite.js";
import { writeCheckpoint } from "../../../../src/tables/delta/checkpoint-writer.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaSnapshot } from "../../../../src/tables/delta/snapshot.js";

const schema = StructType([StructField("id", LongType()), StructField("p", StringType())]);
const wider = StructType([StructField("id", LongType()), StructField("p", StringType()), StructField("note", StringType())]);
const rows = (s: StructType, ids: number[]) => [batchFromRows(s, ids.map((id) => ({ id: BigInt(id), p: `p${id % 2}`, note: "n" })))];

/**
 * The snapshot as plain data, for deep comparison (maps as sorted entries). `dataChange` is left
 * out: it describes the commit an action came in, and a checkpoint writes every action with false.
 */
function plain(s: DeltaSnapshot): unknown {
  const strip = <T extends { dataChange?: boolean }>(x: T) => ({ ...x, dataChange: undefined });
  return {
    ...s,
    files: s.files.map(strip),
    tombstones: s.tombstones.map(strip),
    txns: [...s.txns].sort(),
    metadata: { ...s.metadata, schema: JSON.stringify(s.metadata.schema) },
  };
}

test("a snapshot loaded from a base equals the full load at every version", async () => {
  const storage = MemoryStorage.fresh("incremental");
  const key = "t";
  const held: DeltaSnapshot[] = [];
  const step = async () => held.push(await loadSnapshot(storage, key));
  await appendToTable(storage, key, rows(schema, [1, 2]), { schema, partitionBy: ["p"], txn: { appId: "q", version: 0 } });
  await step();
  await appendToTable(storage, key, rows(schema, [3]), { schema, txn: { appId: "q", version: 1 } });
  await step();
  await overwriteTable(storage, key, rows(schema, [4, 5]), { schema });
  await step();
  await appendToTable(storage, key, rows(wider, [6]), { schema: wider, mergeSchema: true, txn: { appId: "other", version: 7 } });
  await step();
  await writeCheckpoint(storage, key, held[3]);
  await appendToTable(storage, key, rows(wider, [7]), { schema: wider });
  await step();
  for (let b = 0; b < held.length; b++) {
    for (let v = held[b].version; v < held.length; v++) {
      const full = await loadSnapshot(storage, key, { version: v });
      const inc = await loadSnapshot(storage, key, { version: v, base: held[b] });
      assert.deepEqual(plain(inc), plain(full), `version ${v} from base ${held[b].version}`);
    }
    assert.deepEqual(plain(await loadSnapshot(storage, key, { base: held[b] })), plain(await loadSnapshot(storage, key)), `latest from base ${b}`);
  }
  assert.equal(held[2].tombstones.length, 3, "the overwrite left tombstones");
});

test("a base whose later commits were cleaned up, or that is newer than the version, falls back to a full load", async () => {
  const storage = MemoryStorage.fresh("incremental-fallback");
  const key = "t";
  await appendToTable(storage, key, rows(schema, [1]), { schema });
  const v0 = await loadSnapshot(storage, key);
  await appendToTable(storage, key, rows(schema, [2]), { schema });
  await appendToTable(storage, key, rows(schema, [3]), { schema });
  const v2 = await loadSnapshot(storage, key);
  assert.deepEqual(plain(await loadSnapshot(storage, key, { version: 1, base: v2 })), plain(await loadSnapshot(storage, key, { version: 1 })));
  // Log cleanup: commit 1 goes after a checkpoint at 2; the base at 0 cannot be rolled forward.
  await writeCheckpoint(storage, key, v2);
  await storage.delete(`${key}/_delta_log/00000000000000000001.json`);
  const fromStale = await loadSnapshot(storage, key, { base: v0 });
  assert.equal(fromStale.version, 2);
  assert.deepEqual(plain(fromStale), plain(v2));
});

test("rolling a base forward reuses its file entries: the work is the new actions, not the table's size", async () => {
  const storage = MemoryStorage.fresh("incremental-reuse");
  for (let i = 0; i < 50; i++) await appendToTable(storage, "t", rows(schema, [i]), { schema, txn: { appId: "q", version: i } });
  const base = await loadSnapshot(storage, "t");
  await appendToTable(storage, "t", rows(schema, [50]), { schema, txn: { appId: "q", version: 50 } });
  const next = await loadSnapshot(storage, "t", { base });
  assert.equal(next.files.length, 51);
  const reused = next.files.filter((f) => base.files.includes(f)).length;
  assert.equal(reused, 50, "every file of the base is the same object in the next snapshot");
  assert.equal(next.metadata, base.metadata, "no metaData action: the parsed metadata is reused");
  assert.deepEqual(plain(next), plain(await loadSnapshot(storage, "t")));
});
