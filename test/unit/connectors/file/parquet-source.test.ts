/**
 * The `parquet` file source: files written by DuckDB (an independent writer) are read by name into
 * the source schema; schema inference from the first file plus partition folders; the ~64k-row
 * chunk bound; type mismatches and corrupt files name the file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { checkFileSource, resolveFileSourceSchema } from "../../../../src/connectors/file/create-file-source.js";
import { fileSource } from "../../../support/file-source.js";
import { FileStreamSource } from "../../../../src/connectors/file/file-stream-source.js";
import { resolveFileSourceOptions } from "../../../../src/connectors/file/options.js";
import { resolveSourceLocation } from "../../../../src/connectors/file/listing.js";
import { inferPartitionValueType } from "../../../../src/connectors/file/parquet-schema-inference.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import type { Row } from "../../../../src/columnar/values.js";
import type { StreamSource } from "../../../../src/connectors/source.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { toDDL } from "../../../../src/types/print-schema.js";
import { AnalysisError, ConfigError, SourceError } from "../../../../src/errors.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { run } from "../../formats/parquet/duckdb.js";

const T0 = 1_732_600_000_000;

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sluice-parquet-source-"));
}

/** Writes `select` as a Parquet file `rel` under `dir` with DuckDB, modified at T0 + `offsetMs`. */
async function duck(dir: string, rel: string, select: string, offsetMs: number, extra = ""): Promise<void> {
  const p = join(dir, rel);
  await mkdir(dirname(p), { recursive: true });
  await run(`COPY (${select}) TO '${p}' (FORMAT PARQUET${extra})`);
  const t = new Date(T0 + offsetMs);
  await utimes(p, t, t);
}

async function open(src: StreamSource): Promise<StreamSource> {
  await src.open({ storage: MemoryStorage.fresh("parquet-source-ckpt"), metadataPrefix: "sources/0/" });
  return src;
}

async function readAll(src: StreamSource): Promise<{ rows: Row[]; batches: Batch[] }> {
  const end = await src.latestOffset(null, { kind: "default" });
  const batches: Batch[] = [];
  if (end !== null) for await (const b of src.read(null, end)) batches.push(b);
  return { rows: batches.flatMap((b) => batchToRows(b)), batches };
}

test("options: mergeSchema only false, other parquet options are unknown", async () => {
  const s = toSchema("a INT");
  assert.doesNotThrow(() => checkFileSource("parquet", { path: "/tmp", mergeSchema: "false", maxFilesPerTrigger: "3" }, s));
  assert.throws(
    () => checkFileSource("parquet", { path: "/tmp", mergeSchema: "true" }, s),
    (e: unknown) => e instanceof ConfigError && /parquet source: option 'mergeSchema' is not supported yet \(only "false"/.test(e.message),
  );
  assert.throws(() => checkFileSource("parquet", { path: "/tmp", header: "true" }, s), (e: unknown) => e instanceof ConfigError && /unknown option 'header'/.test(e.message));
  assert.throws(() => checkFileSource("parquet", { path: "/tmp", lineSep: "\n" }, s), /unknown option 'lineSep'/);
  // A user schema is used as given, every field made nullable (as Spark does for file sources).
  assert.equal(toDDL(await resolveFileSourceSchema("parquet", { path: "/tmp" }, toSchema("a INT NOT NULL, b ARRAY<STRING>"))), "a INT,b ARRAY<STRING>");
  const d = await resolveFileSourceSchema("parquet", { path: "/tmp" }, toSchema("a INT NOT NULL"));
  assert.equal(d.fields[0].nullable, true);
});

test("schema inference: the first file's columns, then partition columns with inferred types", async () => {
  const dir = await folder();
  await duck(dir, "day=2024-11-26/n=7/b.parquet", "SELECT 2::BIGINT AS id, 'x' AS name, 1.5::DOUBLE AS score", 0);
  await duck(dir, "day=2024-11-27/n=3000000000/a.parquet", "SELECT 1::BIGINT AS id, 'y' AS name, 2.5::DOUBLE AS score, 9 AS extra", 0);
  await writeFile(join(dir, "_SUCCESS"), "");
  await writeFile(join(dir, ".hidden.parquet"), "not parquet");
  const schema = await resolveFileSourceSchema("parquet", { path: dir }, null);
  // The first file in key order is day=2024-11-26/...: its columns, without `extra`.
  assert.equal(toDDL(schema), "id BIGINT,name STRING,score DOUBLE,day DATE,n BIGINT");
  assert.ok(schema.fields.every((f) => f.nullable));
  const { rows } = await readAll(await open(await fileSource("parquet", { path: dir }, null)));
  assert.deepEqual(
    rows.map((r) => [r.id, r.name, r.score, (r.day as Date).toISOString().slice(0, 10), r.n]),
    [
      [2n, "x", 1.5, "2024-11-26", 7n],
      [1n, "y", 2.5, "2024-11-27", 3000000000n],
    ],
  );
  // recursiveFileLookup turns partition discovery off.
  assert.equal(toDDL(await resolveFileSourceSchema("parquet", { path: dir, recursiveFileLookup: "true" }, null)), "id BIGINT,name STRING,score DOUBLE");

  assert.equal(inferPartitionValueType("12").typeName, "integer");
  assert.equal(inferPartitionValueType("-3000000000").typeName, "long");
  assert.deepEqual(inferPartitionValueType("1234567890123456789012345"), toSchema("x DECIMAL(25,0)").fields[0].dataType);
  assert.equal(inferPartitionValueType("1.5").typeName, "double");
  assert.equal(inferPartitionValueType("2024-02-30").typeName, "string");
  assert.equal(inferPartitionValueType("abc").typeName, "string");
});

test("schema inference: nothing to infer from, and non-local paths need a schema", async () => {
  const dir = await folder();
  await assert.rejects(
    resolveFileSourceSchema("parquet", { path: dir }, null),
    (e: unknown) => e instanceof AnalysisError && e.message.includes("parquet source: unable to infer the schema: no data files in") && e.message.includes(dir),
  );
  await assert.rejects(
    resolveFileSourceSchema("parquet", { path: "memory://nowhere/x" }, null),
    (e: unknown) => e instanceof ConfigError && /parquet source: path does not exist: memory:\/\/nowhere\/x/.test(e.message),
  );
  await writeFile(join(dir, "bad.parquet"), "this is not parquet at all");
  await assert.rejects(
    resolveFileSourceSchema("parquet", { path: dir }, null),
    (e: unknown) => e instanceof SourceError && e.message.includes("parquet source: cannot read the schema of file://") && e.message.includes("bad.parquet"),
  );
});

test("columns are matched by name: reordered, missing → null, case-insensitive, partitions fill columns", async () => {
  const dir = await folder();
  await duck(dir, "a.parquet", "SELECT 'u1' AS user_id, 10::BIGINT AS ts, 'e1' AS event_id", 0);
  await duck(dir, "b.parquet", "SELECT 'e2' AS EVENT_ID, 20::BIGINT AS ts", 1);
  await duck(dir, "region=eu/c.parquet", "SELECT 'e3' AS event_id, NULL::BIGINT AS ts, 'u3' AS user_id", 2);
  const src = await open(await fileSource("parquet", { path: dir }, toSchema("event_id STRING, ts BIGINT, user_id STRING, region STRING")));
  const { rows } = await readAll(src);
  assert.deepEqual(rows, [
    { event_id: "e1", ts: 10n, user_id: "u1", region: null },
    { event_id: "e2", ts: 20n, user_id: null, region: null },
    { event_id: "e3", ts: null, user_id: "u3", region: "eu" },
  ]);
  assert.equal(src.metrics?.().numRecordsRead, "3");
  assert.equal(src.metrics?.().numFilesProcessed, "3");
});

test("a column of another type is a SourceError naming the file, the column and both types", async () => {
  const dir = await folder();
  await duck(dir, "a.parquet", "SELECT 'e1' AS event_id, '10' AS ts", 0);
  const src = await open(await fileSource("parquet", { path: dir }, toSchema("event_id STRING, ts BIGINT")));
  await assert.rejects(readAll(src), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /^parquet source: column 'ts' of file:\/\/\/.*\/a\.parquet is string in the file but bigint in the schema$/);
    return true;
  });
  // A column the query does not read is not decoded, so its type does not matter (as Spark's pruned reads).
  const pruned = await open(await fileSource("parquet", { path: dir }, toSchema("event_id STRING, ts BIGINT"), true, [0]));
  assert.deepEqual((await readAll(pruned)).rows, [{ event_id: "e1", ts: null }]);
  // ignoreCorruptFiles does not hide a schema mismatch.
  const again = await open(await fileSource("parquet", { path: dir, ignoreCorruptFiles: "true" }, toSchema("event_id STRING, ts BIGINT")));
  await assert.rejects(readAll(again), /is string in the file but bigint in the schema/);
});

test("row groups larger than the chunk bound are sliced; every row arrives once, in order", async () => {
  const dir = await folder();
  await duck(dir, "big.parquet", "SELECT range::BIGINT AS i, 'r' || range AS s FROM range(25000)", 0, ", ROW_GROUP_SIZE 10000");
  const schema = toSchema("s STRING, i BIGINT");
  const { file, format } = resolveFileSourceOptions("parquet", { path: dir });
  const src = await open(
    new FileStreamSource({ format: "parquet", schema, file, formatOptions: format, location: resolveSourceLocation(dir), chunkLimits: { maxLines: 3000, maxBytes: 1 << 24 } }),
  );
  const { batches } = await readAll(src);
  assert.ok(batches.every((b) => b.numRows <= 3000), `batch sizes ${batches.map((b) => b.numRows).join(",")}`);
  const all = batches.flatMap((b) => batchToRows(b));
  assert.equal(all.length, 25000);
  for (let k = 0; k < all.length; k += 4999) assert.deepEqual(all[k], { s: `r${k}`, i: BigInt(k) });
  // The default bound is Spark's ~64k rows.
  await duck(dir, "../big2/huge.parquet", "SELECT range::INT AS i FROM range(70000)", 0, ", ROW_GROUP_SIZE 100000");
  const { batches: b2 } = await readAll(await open(await fileSource("parquet", { path: join(dir, "../big2") }, null)));
  assert.deepEqual(b2.map((b) => b.numRows), [65536, 70000 - 65536]);
});

test("a corrupt file fails naming it, or is skipped with ignoreCorruptFiles; files from our own writer and memory storage read back", async () => {
  const dir = await folder();
  await duck(dir, "a.parquet", "SELECT 1 AS x", 0);
  await writeFile(join(dir, "b.parquet"), "PAR1 garbage that is not a parquet file PAR1");
  const t = new Date(T0 + 5);
  await utimes(join(dir, "b.parquet"), t, t);
  await assert.rejects(readAll(await open(await fileSource("parquet", { path: dir }, toSchema("x INT")))), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /b\.parquet/);
    return true;
  });
  const skip = await open(await fileSource("parquet", { path: dir, ignoreCorruptFiles: "true" }, toSchema("x INT")));
  assert.deepEqual((await readAll(skip)).rows, [{ x: 1 }]);
  assert.equal(skip.metrics?.().numFilesSkipped, "1");

  // A memory:// folder, file from our writer: inferred through the Storage interface, or given.
  const mem = MemoryStorage.fresh("parquet-source-data");
  const schema = toSchema("k STRING, v INT");
  await mem.put("t/part-0.parquet", await writeParquet(schema, [batchFromRows(schema, [{ k: "a", v: 1 }, { k: null, v: 2 }])]));
  assert.equal(toDDL(await resolveFileSourceSchema("parquet", { path: `memory://${mem.name}/t` }, null)), "k STRING,v INT");
  const src = await open(await fileSource("parquet", { path: `memory://${mem.name}/t` }, toSchema("v INT, k STRING")));
  assert.deepEqual((await readAll(src)).rows, [
    { v: 1, k: "a" },
    { v: 2, k: null },
  ]);
});

test("nested columns: inferred all-nullable, read by name; nested types must match", async () => {
  const dir = await folder();
  await duck(dir, "a.parquet", "SELECT {'a': 1, 'b': 'x'} AS s, [1, 2, NULL] AS l, MAP {'k': 1} AS m", 0);
  const schema = await resolveFileSourceSchema("parquet", { path: dir }, null);
  assert.equal(toDDL(schema), "s STRUCT<a: INT, b: STRING>,l ARRAY<INT>,m MAP<STRING, INT>");
  const { rows } = await readAll(await open(await fileSource("parquet", { path: dir }, null)));
  assert.deepEqual(rows, [{ s: { a: 1, b: "x" }, l: [1, 2, null], m: new Map([["k", 1]]) }]);
  const picked = await readAll(await open(await fileSource("parquet", { path: dir }, toSchema("m MAP<STRING, INT>, s STRUCT<a: INT, b: STRING>"))));
  assert.deepEqual(picked.rows, [{ m: new Map([["k", 1]]), s: { a: 1, b: "x" } }]);
  const wrong = await open(await fileSource("parquet", { path: dir }, toSchema("s STRUCT<a: BIGINT, b: STRING>")));
  await assert.rejects(readAll(wrong), /column 's' of file:.*a\.parquet is struct<a:int,b:string> in the file but struct<a:bigint,b:string> in the schema/);
});
