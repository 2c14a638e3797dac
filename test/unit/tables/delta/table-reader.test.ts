import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import type { Storage } from "../../../../src/storage/storage.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { LongType, StructField, StructType, TimestampType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaFile, readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { ConfigError } from "../../../../src/errors.js";

const enc = new TextEncoder();

/** A table partitioned by a timestamp column, with one zone-less and one zoned partition value. */
async function timestampPartitioned(name: string): Promise<Storage> {
  const s = MemoryStorage.fresh(name);
  const schema = StructType([StructField("id", LongType()), StructField("ts", TimestampType())]);
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: "t", format: { provider: "parquet", options: {} }, schemaString: schemaToJson(schema), partitionColumns: ["ts"], configuration: {} } },
    { add: { path: "a.parquet", partitionValues: { ts: "2021-09-08 11:11:11" }, size: 1, modificationTime: 0, dataChange: true } },
    { add: { path: "b.parquet", partitionValues: { ts: "2021-09-08T11:11:11.000000Z" }, size: 1, modificationTime: 0, dataChange: true } },
  ];
  await s.put("t/_delta_log/00000000000000000000.json", enc.encode(actions.map((a) => JSON.stringify(a)).join("\n") + "\n"));
  const data = StructType([StructField("id", LongType())]);
  await s.put("t/a.parquet", await writeParquet(data, [batchFromRows(data, [{ id: 1 }])]));
  await s.put("t/b.parquet", await writeParquet(data, [batchFromRows(data, [{ id: 2 }])]));
  return s;
}

/** The partition column (the second) of each one-row batch. */
function timestamps(batches: readonly Batch[]): bigint[] {
  return batches.map((b) => {
    const v = b.columns[1];
    assert.equal(v.kind, "i64");
    return v.kind === "i64" ? v.values[0] : 0n;
  });
}

const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

test("zone-less timestamp partition values are read in the timeZone option (UTC by default)", async () => {
  const s = await timestampPartitioned("delta-tz");
  assert.deepEqual(timestamps((await readDeltaTable(s, "t")).batches), [at("2021-09-08T11:11:11Z"), at("2021-09-08T11:11:11Z")]);
  const la = await readDeltaTable(s, "t", { timeZone: "America/Los_Angeles" });
  // a.parquet's value has no zone (Spark wrote it in a Pacific session); b.parquet's is UTC.
  assert.deepEqual(timestamps(la.batches), [at("2021-09-08T18:11:11Z"), at("2021-09-08T11:11:11Z")]);
  const snapshot = await loadSnapshot(s, "t");
  assert.deepEqual(timestamps(await readDeltaFile(s, "t", snapshot, snapshot.files[0], { timeZone: "+09:00" })), [at("2021-09-08T02:11:11Z")]);
});

test("an unknown timeZone is a ConfigError naming it, before any file is read", async () => {
  const s = await timestampPartitioned("delta-tz-bad");
  await assert.rejects(readDeltaTable(s, "t", { timeZone: "America/Los_Angles" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^delta reader: option 'timeZone' must be a time zone .* got "America\/Los_Angles"$/);
    return true;
  });
  const snapshot = await loadSnapshot(s, "t");
  await assert.rejects(readDeltaFile(s, "t", snapshot, snapshot.files[0], { timeZone: "nowhere" }), ConfigError);
});
