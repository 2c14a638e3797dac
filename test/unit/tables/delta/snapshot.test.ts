import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import type { Storage } from "../../../../src/storage/storage.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import {
  ArrayType,
  BooleanType,
  DateType,
  IntegerType,
  LongType,
  MapType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { AnalysisError } from "../../../../src/errors.js";

const enc = new TextEncoder();
const TABLE_SCHEMA = StructType([
  StructField("id", LongType()),
  StructField("extra", StringType()),
  StructField("day", DateType()),
  StructField("city", StringType()),
]);
const PROTOCOL = { protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
const METADATA = {
  metaData: {
    id: "t-1",
    format: { provider: "parquet", options: {} },
    schemaString: schemaToJson(TABLE_SCHEMA),
    partitionColumns: ["day", "city"],
    configuration: {},
  },
};

function logKey(version: number, suffix = "json"): string {
  return `t/_delta_log/${String(version).padStart(20, "0")}.${suffix}`;
}

async function commit(s: Storage, version: number, actions: object[]): Promise<void> {
  await s.put(logKey(version), enc.encode(actions.map((a) => JSON.stringify(a)).join("\n") + "\n"));
}

function add(path: string, partitionValues: Record<string, string | null> = {}): object {
  return { add: { path, partitionValues, size: 1, modificationTime: 0, dataChange: true } };
}

async function dataFile(s: Storage, key: string, ids: number[]): Promise<void> {
  const schema = StructType([StructField("id", LongType())]);
  await s.put(key, await writeParquet(schema, [batchFromRows(schema, ids.map((id) => ({ id })))]));
}

test("replay: latest protocol and metaData, txn per appId, remove cancels add", async () => {
  const s = MemoryStorage.fresh("delta-replay");
  await commit(s, 0, [PROTOCOL, METADATA, add("a.parquet"), add("b.parquet"), { txn: { appId: "q", version: 0 } }]);
  await commit(s, 1, [{ remove: { path: "a.parquet", dataChange: true } }, add("c%20d.parquet"), { txn: { appId: "q", version: 1 } }]);
  await commit(s, 2, [{ protocol: { minReaderVersion: 1, minWriterVersion: 3 } }, { txn: { appId: "r", version: 7 } }, { commitInfo: { operation: "WRITE" } }]);
  const snap = await loadSnapshot(s, "t");
  assert.equal(snap.version, 2);
  assert.equal(snap.protocol.minWriterVersion, 3);
  assert.deepEqual(snap.metadata.partitionColumns, ["day", "city"]);
  assert.deepEqual(snap.metadata.schema, TABLE_SCHEMA);
  assert.deepEqual(snap.files.map((f) => [f.path, f.rawPath]), [["b.parquet", "b.parquet"], ["c d.parquet", "c%20d.parquet"]]);
  assert.deepEqual([...snap.txns.values()].map((t) => [t.appId, t.version]), [["q", 1], ["r", 7]]);
  const v0 = await loadSnapshot(s, "t", { version: 0 });
  assert.deepEqual(v0.files.map((f) => f.path), ["a.parquet", "b.parquet"]);
  await assert.rejects(loadSnapshot(s, "t", { version: 3 }), (e: unknown) => e instanceof AnalysisError && /version 3 .* latest is 2/.test(e.message));
  await assert.rejects(loadSnapshot(s, "nope"), AnalysisError);
});

test("replay starts at a complete multi-part checkpoint and ignores an incomplete newer one", async () => {
  const s = MemoryStorage.fresh("delta-checkpoint");
  const str = StringType();
  const cpSchema = StructType([
    StructField("protocol", StructType([StructField("minReaderVersion", IntegerType()), StructField("minWriterVersion", IntegerType())])),
    StructField(
      "metaData",
      StructType([
        StructField("id", str),
        StructField("schemaString", str),
        StructField("partitionColumns", ArrayType(str)),
        StructField("configuration", MapType(str, str)),
      ]),
    ),
    StructField("txn", StructType([StructField("appId", str), StructField("version", LongType())])),
    StructField(
      "add",
      StructType([
        StructField("path", str),
        StructField("partitionValues", MapType(str, str)),
        StructField("size", LongType()),
        StructField("modificationTime", LongType()),
        StructField("dataChange", BooleanType()),
      ]),
    ),
    StructField("remove", StructType([StructField("path", str), StructField("deletionTimestamp", LongType()), StructField("dataChange", BooleanType())])),
  ]);
  const part1 = [
    { protocol: PROTOCOL.protocol },
    { metaData: { ...METADATA.metaData, format: undefined } },
    { txn: { appId: "q", version: 4n } },
  ];
  const part2 = [
    { add: { path: "day=2024-01-02/city=a%3Ab/x.parquet", partitionValues: { day: "2024-01-02", city: "a:b" }, size: 1n, modificationTime: 0n, dataChange: true } },
    { remove: { path: "old.parquet", deletionTimestamp: 1n, dataChange: true } },
  ];
  await s.put(logKey(5, "checkpoint.0000000001.0000000002.parquet"), await writeParquet(cpSchema, [batchFromRows(cpSchema, part1)]));
  await s.put(logKey(5, "checkpoint.0000000002.0000000002.parquet"), await writeParquet(cpSchema, [batchFromRows(cpSchema, part2)]));
  // Commits before the checkpoint were cleaned up; an incomplete checkpoint at 6 must be ignored.
  await commit(s, 6, [add("day=__HIVE_DEFAULT_PARTITION__/city=b/y.parquet", { day: null, city: "b" })]);
  await s.put(logKey(6, "checkpoint.0000000001.0000000002.parquet"), await writeParquet(cpSchema, [batchFromRows(cpSchema, part1)]));
  await s.put("t/_delta_log/_last_checkpoint", enc.encode(JSON.stringify({ version: 6, size: 3, parts: 2 })));
  await dataFile(s, "t/day=2024-01-02/city=a:b/x.parquet", [1, 2]);
  await dataFile(s, "t/day=__HIVE_DEFAULT_PARTITION__/city=b/y.parquet", [3]);

  const snap = await loadSnapshot(s, "t");
  assert.equal(snap.version, 6);
  assert.deepEqual(snap.files.map((f) => f.path), ["day=2024-01-02/city=a:b/x.parquet", "day=__HIVE_DEFAULT_PARTITION__/city=b/y.parquet"]);
  assert.equal(snap.txns.get("q")?.version, 4);

  const table = await readDeltaTable(s, "t");
  assert.deepEqual(table.schema, TABLE_SCHEMA);
  const rows = table.batches.flatMap(batchToRows);
  assert.deepEqual(rows, [
    { id: 1n, extra: null, day: new Date("2024-01-02T00:00:00Z"), city: "a:b" },
    { id: 2n, extra: null, day: new Date("2024-01-02T00:00:00Z"), city: "a:b" },
    { id: 3n, extra: null, day: null, city: "b" },
  ]);
  // Versions before the oldest checkpoint are gone: the error names the version and the oldest one left.
  await assert.rejects(
    loadSnapshot(s, "t", { version: 4 }),
    (e: unknown) =>
      e instanceof AnalysisError &&
      /^delta: cannot load version 4 of the table at memory:\/\/delta-checkpoint-\d+\/t\/_delta_log\/: its log files were removed by log cleanup \(delta\.logRetentionDuration\); the oldest available version is 5 \(available versions: \[5, 6\]\)$/.test(e.message),
  );
});

test("partition values of every primitive type are parsed from their serialization", async () => {
  const s = MemoryStorage.fresh("delta-partitions");
  const schema = StructType([
    StructField("id", LongType()),
    StructField("b", BooleanType()),
    StructField("ts", TimestampType()),
    StructField("i", IntegerType()),
  ]);
  const meta = { metaData: { ...METADATA.metaData, schemaString: schemaToJson(schema), partitionColumns: ["b", "ts", "i"] } };
  await commit(s, 0, [PROTOCOL, meta, add("p.parquet", { b: "true", ts: "2021-03-04 05:06:07.000123", i: "-42" })]);
  await dataFile(s, "t/p.parquet", [9]);
  const table = await readDeltaTable(s, "t");
  const ts = table.batches[0].columns[2];
  assert.equal(ts.kind === "i64" ? ts.values[0] : null, BigInt(Date.UTC(2021, 2, 4, 5, 6, 7)) * 1000n + 123n);
  assert.deepEqual(batchToRows(table.batches[0]).map((r) => [r.id, r.b, r.i]), [[9n, true, -42]]);
});

test("tables needing unsupported reader features are refused, naming the feature", async () => {
  const s = MemoryStorage.fresh("delta-features");
  await commit(s, 0, [
    { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors", "vacuumProtocolCheck"], writerFeatures: [] } },
    METADATA,
  ]);
  await assert.rejects(readDeltaTable(s, "t"), (e: unknown) => {
    assert.ok(e instanceof AnalysisError);
    assert.equal(e.message, `delta: table at ${s.root}/t requires reader feature 'deletionVectors', which sluice does not support`);
    return true;
  });
  const t2 = MemoryStorage.fresh("delta-features");
  await commit(t2, 0, [
    { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
    { metaData: { ...METADATA.metaData, configuration: { "delta.columnMapping.mode": "name" } } },
    add("x.parquet"),
  ]);
  await assert.rejects(readDeltaTable(t2, "t"), /requires reader feature 'columnMapping'/);
  const t3 = MemoryStorage.fresh("delta-features");
  await commit(t3, 0, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz", "v2Checkpoint"] } }, METADATA]);
  await assert.rejects(readDeltaTable(t3, "t"), /requires reader feature 'v2Checkpoint'/);
  const t4 = MemoryStorage.fresh("delta-features");
  await commit(t4, 0, [{ protocol: { minReaderVersion: 2, minWriterVersion: 5 } }, METADATA, add("p.parquet", { day: "2024-01-01", city: "z" })]);
  await dataFile(t4, "t/p.parquet", [1]);
  assert.equal((await readDeltaTable(t4, "t")).batches[0].numRows, 1);
});

test("add and remove match across encodings of the same absolute path", async () => {
  const s = MemoryStorage.fresh("delta-paths");
  await commit(s, 0, [PROTOCOL, METADATA, add("/abs/with%20space/p@%23h"), add("file:///abs/kept")]);
  await commit(s, 1, [{ remove: { path: "file:/abs/with%20space/p@%23h", dataChange: false } }]);
  const snap = await loadSnapshot(s, "t");
  assert.deepEqual(snap.files.map((f) => [f.path, f.rawPath]), [["/abs/kept", "file:///abs/kept"]]);
});

test("a timestampNtz table loads with its TIMESTAMP_NTZ schema; a type sluice lacks names the reader feature that brings it", async () => {
  const s = MemoryStorage.fresh("delta-ntz");
  const schemaString = JSON.stringify({ type: "struct", fields: [{ name: "t", type: "timestamp_ntz", nullable: true, metadata: {} }] });
  await commit(s, 0, [
    { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"] } },
    { metaData: { ...METADATA.metaData, schemaString, partitionColumns: [] } },
  ]);
  assert.equal((await loadSnapshot(s, "t")).metadata.schema.fields[0].dataType.typeName, "timestamp_ntz");
  const v = MemoryStorage.fresh("delta-variant");
  const variant = JSON.stringify({ type: "struct", fields: [{ name: "v", type: "variant", nullable: true, metadata: {} }] });
  await commit(v, 0, [
    { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["variantType"], writerFeatures: ["variantType"] } },
    { metaData: { ...METADATA.metaData, schemaString: variant, partitionColumns: [] } },
  ]);
  await assert.rejects(loadSnapshot(v, "t"), (e: unknown) => e instanceof AnalysisError && /requires reader feature 'variantType'/.test(e.message));
});
