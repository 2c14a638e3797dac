/**
 * Tables sluice writes, read back by sluice and by independent readers: icebird (a JavaScript
 * Iceberg reader: metadata, manifests, data), DuckDB (the data files the manifests list) and
 * Python's avro library (manifests and manifest lists against the spec's required fields).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { icebergManifests, icebergMetadata, icebergRead } from "icebird";
import { MemoryStream, SparkSession } from "../../../../src/index.js";
import { fixtureFolder } from "../../../support/fixtures.js";
import { readIcebergTable } from "../../../../bench/lib/iceberg-table.js";

const spark = SparkSession.builder.getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-iceberg-write-"));

/**
 * icebird reads tables over `fetch`, which has no `file:` scheme in Node: this adapter serves
 * `file:` URLs (GET with Range, HEAD) from disk and passes every other URL on.
 */
async function withFileFetch<T>(f: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith("file:")) return original(input, init);
    const path = fileURLToPath(url);
    const bytes = readFileSync(path);
    if (init?.method === "HEAD") return new Response(null, { status: 200, headers: { "content-length": String(bytes.length) } });
    const range = new Headers(init?.headers).get("range");
    const m = range === null ? null : /bytes=(\d+)-(\d*)/.exec(range);
    if (m !== null) {
      const start = Number(m[1]);
      const end = m[2] === "" ? bytes.length : Number(m[2]) + 1;
      return new Response(bytes.subarray(start, end), { status: 206, headers: { "content-length": String(end - start) } });
    }
    return new Response(bytes, { status: 200, headers: { "content-length": String(bytes.length) } });
  };
  try {
    return await f();
  } finally {
    globalThis.fetch = original;
  }
}

async function sluiceRows(path: string, options: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  let r = spark.read.format("iceberg");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  return (await r.load(path).collect()) as Record<string, unknown>[];
}

test("a streamed table (append, partitioned) reads back in sluice, icebird and DuckDB, exactly once across a restart", async () => {
  const table = join(dir, "silver");
  const checkpoint = join(dir, "ck-silver");
  const ms = new MemoryStream("id BIGINT, city STRING, amount DOUBLE, ts TIMESTAMP", `iceberg_write_${process.pid}`);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("iceberg").partitionBy("city").option("path", table).option("checkpointLocation", checkpoint).start();
  let q = start();
  const ts = new Date("2024-03-07T10:00:00Z");
  ms.addData([
    { id: 1n, city: "paris", amount: 1.5, ts },
    { id: 2n, city: "oslo", amount: 2.5, ts },
  ]);
  await q.processAllAvailable();
  ms.addData([{ id: 3n, city: "paris", amount: null, ts }]);
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  // A restart with the same checkpoint commits only new batches.
  q = start();
  ms.addData([{ id: 4n, city: null, amount: 4, ts }]);
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);

  const ids = (await sluiceRows(table)).map((r) => Number(r.id)).sort();
  assert.deepEqual(ids, [1, 2, 3, 4]);

  const metaDir = join(table, "metadata");
  assert.equal(readIcebergTable(table).version, 3, "three commits: v1, v2, v3");
  assert.ok(!existsSync(join(metaDir, "v4.metadata.json")));
  const meta = JSON.parse(readFileSync(join(metaDir, "v3.metadata.json"), "utf8")) as Record<string, unknown>;
  assert.equal(meta["format-version"], 2);
  const snapshots = meta.snapshots as { summary: Record<string, string>; "sequence-number": number }[];
  assert.deepEqual(snapshots.map((s) => [s.summary.operation, s.summary["spark.sql.streaming.epochId"], s["sequence-number"]]), [
    ["append", "0", 1],
    ["append", "1", 2],
    ["append", "2", 3],
  ]);
  assert.equal(snapshots[2].summary["total-records"], "4");
  assert.deepEqual(meta["partition-specs"], [{ "spec-id": 0, fields: [{ "source-id": 2, "field-id": 1000, name: "city", transform: "identity" }] }]);

  const viaIcebird = await withFileFetch(() => icebergRead({ tableUrl: `file://${table}` }));
  assert.deepEqual(viaIcebird.map((r) => Number(r.id)).sort(), [1, 2, 3, 4]);
  assert.deepEqual(viaIcebird.find((r) => Number(r.id) === 2), { id: 2n, city: "oslo", amount: 2.5, ts: viaIcebird.find((r) => Number(r.id) === 2)?.ts });

  // DuckDB reads the data files the current manifests list (by path), with field ids in their schema.
  // The independent reader (metadata JSON, python3-avro manifests with the spec's required fields).
  const files = [...readIcebergTable(table).files];
  assert.equal(files.length, 4);
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  const r = await c.runAndReadAll(`select sum(id)::bigint as s, count(*)::int as n from read_parquet([${files.map((f) => `'${f}'`).join(", ")}])`);
  assert.deepEqual(r.getRowObjectsJS(), [{ s: 10n, n: 4 }]);
  const schema = await c.runAndReadAll(`select name, field_id from parquet_schema('${files[0]}') where name <> 'spark_schema' order by field_id`);
  assert.deepEqual(schema.getRowObjectsJS().map((o) => [o.name, Number(o.field_id)]), [["id", 1], ["city", 2], ["amount", 3], ["ts", 4]]);
  // Every data file's metrics, as icebird decodes the manifests: counts for each column id, and
  // id bounds that bound the file's ids.
  const manifests = await withFileFetch(async () => icebergManifests(await icebergMetadata({ tableUrl: `file://${table}` })));
  const entries = manifests.flatMap((m) => m.entries);
  assert.equal(entries.length, 4);
  for (const e of entries) {
    const f = e.data_file as unknown as { value_counts: { key: number; value: bigint }[]; null_value_counts: { key: number }[]; lower_bounds: { key: number; value: Uint8Array }[]; record_count: bigint };
    assert.deepEqual(f.value_counts.map((kv) => kv.key).sort(), [1, 2, 3, 4]);
    assert.ok(f.value_counts.every((kv) => BigInt(kv.value) === BigInt(f.record_count)), "value counts include nulls");
    assert.deepEqual(f.null_value_counts.map((kv) => kv.key).sort(), [1, 2, 3, 4]);
    assert.ok(f.lower_bounds.some((kv) => kv.key === 1));
  }
});

test("complete mode writes an overwrite snapshot per batch; batch writes append and overwrite", async () => {
  const table = join(dir, "gold");
  const ms = new MemoryStream("user STRING", `iceberg_gold_${process.pid}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("user").count()
    .writeStream.format("iceberg").outputMode("complete").option("path", table).option("checkpointLocation", join(dir, "ck-gold")).start();
  ms.addData([{ user: "a" }, { user: "b" }, { user: "a" }]);
  await q.processAllAvailable();
  ms.addData([{ user: "b" }, { user: "c" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  const rows = (await sluiceRows(table)).map((r) => [r.user, Number(r.count)]).sort();
  assert.deepEqual(rows, [["a", 2], ["b", 2], ["c", 1]]);
  const viaIcebird = await withFileFetch(() => icebergRead({ tableUrl: `file://${table}` }));
  assert.deepEqual(viaIcebird.map((r) => [r.user, Number(r.count)]).sort(), rows);

  const batch = join(dir, "batch");
  const df = spark.createDataFrame([{ k: 1, v: "x" }, { k: 2, v: "y" }], "k INT, v STRING");
  await df.write.format("iceberg").partitionBy("bucket(4, k)").save(batch);
  await df.write.format("iceberg").mode("append").save(batch);
  assert.equal((await sluiceRows(batch)).length, 4);
  await df.filter("k = 1").write.format("iceberg").mode("overwrite").save(batch);
  assert.deepEqual((await sluiceRows(batch)).map((r) => r.k), [1]);
  await assert.rejects(async () => df.write.format("iceberg").save(batch), /already exists/);
  // Time travel to the second snapshot sees both appends.
  const meta = JSON.parse(readFileSync(join(batch, "metadata", "v3.metadata.json"), "utf8")) as { snapshots: { "snapshot-id": number }[] };
  assert.equal((await sluiceRows(batch, { "snapshot-id": String(meta.snapshots[1]["snapshot-id"]) })).length, 4);
  const folders = readdirSync(join(batch, "data")).sort();
  assert.ok(folders.every((f) => /^k_bucket=[0-3]$/.test(f)), folders.join(","));
  const viaIcebird2 = await withFileFetch(() => icebergRead({ tableUrl: `file://${batch}` }));
  assert.deepEqual(viaIcebird2.map((r) => r.k), [1]);
});

const fixtures = fixtureFolder("iceberg/icebird/hyperparam-iceberg");

test("appending to tables Spark and Java Iceberg wrote keeps their layout: location, spec, schema ids, sequence numbers", { skip: fixtures.skip }, async () => {
  // spark/rename_column: partitioned by bucket[4](id) and identity(event_date, renamed from date).
  const renamed = join(dir, "rename_column");
  cpSync(join(fixtures.dir, "spark/rename_column"), renamed, { recursive: true });
  const add = spark.createDataFrame(
    [
      { id: 5, name: "Peter", event_date: new Date("2022-01-03T00:00:00Z"), price: "1.25", active: true },
      { id: 1, name: "Flopsy again", event_date: null, price: null, active: null },
    ],
    "id INT, name STRING, event_date DATE, price DECIMAL(10,2), active BOOLEAN",
  );
  await add.write.format("iceberg").mode("append").save(renamed);
  const rows = await sluiceRows(renamed);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows.filter((r) => r.name === "Peter").map((r) => String(r.price)), ["1.25"]);
  const meta = JSON.parse(readFileSync(join(renamed, "metadata", "v4.metadata.json"), "utf8")) as Record<string, unknown>;
  assert.equal(meta["last-sequence-number"], 2);
  const snaps = meta.snapshots as { "manifest-list": string; "sequence-number": number; "parent-snapshot-id"?: unknown }[];
  const last = snaps[snaps.length - 1];
  assert.match(last["manifest-list"], /^s3a:\/\/hyperparam-iceberg\/spark\/rename_column\/metadata\/snap-/, "new paths start with the table's location");
  assert.equal(last["sequence-number"], 2);
  // New files land in the folders Spark's own bucket[4] chose for the same ids: id 1 → 0.
  assert.ok(readdirSync(join(renamed, "data", "id_bucket=0", "date=null")).some((f) => f.startsWith("part-")), "id 1 with no date: bucket 0, the null partition");
  const bucketOf5 = readdirSync(join(renamed, "data")).filter((f) => readdirSync(join(renamed, "data", f)).includes("date=2022-01-03"));
  assert.equal(bucketOf5.length, 1);

  // java/bunnies: the appended rows join the ones its deletes left (15).
  const bunnies = join(dir, "bunnies");
  cpSync(join(fixtures.dir, "java/bunnies"), bunnies, { recursive: true });
  const before = await sluiceRows(bunnies);
  await spark.createDataFrame([before[0]], spark.read.format("iceberg").load(bunnies).schema).write.format("iceberg").mode("append").save(bunnies);
  assert.equal((await sluiceRows(bunnies)).length, 16);
});

test("appends merge the table's data manifests once there are commit.manifest.min-count-to-merge of them; readers and streams see every file", async () => {
  const table = join(dir, "merged");
  for (let i = 0; i < 12; i++) {
    await spark.createDataFrame([{ id: i }], "id INT").write.format("iceberg").mode("append").option("tableProperty.commit.manifest.min-count-to-merge", "5").save(table);
  }
  const meta = JSON.parse(readFileSync(join(table, "metadata", "v12.metadata.json"), "utf8")) as { snapshots: { "manifest-list": string }[] };
  const listOf = (i: number) => fileURLToPath(meta.snapshots[i]["manifest-list"]);
  const count = (list: string) => Number(execFileSync("/usr/bin/python3", ["-c", PY_COUNT, list], { encoding: "utf8" }).trim());
  assert.equal(count(listOf(3)), 4, "below the threshold, one manifest per append");
  assert.ok(count(listOf(11)) <= 5, `merged: ${count(listOf(11))} manifests after 12 appends`);
  assert.deepEqual((await sluiceRows(table)).map((r) => r.id).sort((a, b) => Number(a) - Number(b)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const viaIcebird = await withFileFetch(() => icebergRead({ tableUrl: `file://${table}` }));
  assert.equal(viaIcebird.length, 12);
  // A stream reads each append's file once, across the merges.
  const q = spark.readStream.format("iceberg").load(table).writeStream.format("memory").queryName("ice_merged").option("checkpointLocation", join(dir, "ck-merged")).start();
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  assert.equal((await spark.table("ice_merged").collect()).length, 12);
});

const PY_COUNT = String.raw`
import sys
from avro.datafile import DataFileReader
from avro.io import DatumReader
r = DataFileReader(open(sys.argv[1], "rb"), DatumReader())
print(len(list(r)))
`;

test("update mode merges each batch's changed groups by key, copy-on-write, exactly once across a restart", async () => {
  const table = join(dir, "gold-update");
  const checkpoint = join(dir, "ck-gold-update");
  const ms = new MemoryStream("user STRING", `iceberg_update_${process.pid}`);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().groupBy("user").count()
      .writeStream.format("iceberg").outputMode("update").option("path", table).option("checkpointLocation", checkpoint).start();
  let q = start();
  ms.addData([{ user: "a" }, { user: "b" }, { user: "a" }, { user: null }]);
  await q.processAllAvailable();
  ms.addData([{ user: "b" }, { user: "c" }, { user: null }]);
  await q.processAllAvailable();
  await q.stop();
  q = start();
  ms.addData([{ user: "a" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  const rows = (await sluiceRows(table)).map((r) => [r.user, Number(r.count)]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.deepEqual(rows, [["a", 3], ["b", 2], ["c", 1], [null, 2]]);
  const m = readIcebergTable(table).metadata as { snapshots: { summary: Record<string, string> }[] };
  assert.deepEqual(m.snapshots.map((s) => s.summary.operation), ["overwrite", "overwrite", "overwrite"]);
  assert.equal(m.snapshots[2].summary["total-records"], "4");
  const viaIcebird = await withFileFetch(() => icebergRead({ tableUrl: `file://${table}` }));
  assert.equal(viaIcebird.length, 4);
});

test("mergeSchema adds the data's new columns with new field ids; older files read them as null; without it they are refused", async () => {
  const table = join(dir, "evolving");
  await spark.createDataFrame([{ id: 1 }], "id INT").write.format("iceberg").save(table);
  const wider = spark.createDataFrame([{ id: 2, tags: ["x"], info: { a: 1 } }], "id INT, tags ARRAY<STRING>, info STRUCT<a: INT>");
  await assert.rejects(async () => wider.write.format("iceberg").mode("append").save(table), /column 'tags' is not in the schema .*mergeSchema/);
  await wider.write.format("iceberg").mode("append").option("mergeSchema", "true").save(table);
  const rows = (await sluiceRows(table)).sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(rows, [
    { id: 1, tags: null, info: null },
    { id: 2, tags: ["x"], info: { a: 1 } },
  ]);
  const meta = JSON.parse(readFileSync(join(table, "metadata", "v2.metadata.json"), "utf8")) as { "current-schema-id": number; "last-column-id": number; schemas: { "schema-id": number; fields: { id: number; name: string }[] }[] };
  assert.equal(meta["current-schema-id"], 1);
  assert.equal(meta["last-column-id"], 5, "id 1; tags 2 and its element 4; info 3 and its field a 5");
  assert.deepEqual(meta.schemas[1].fields.map((f) => [f.id, f.name]), [[1, "id"], [2, "tags"], [3, "info"]]);
  const viaIcebird = await withFileFetch(() => icebergRead({ tableUrl: `file://${table}` }));
  assert.equal(viaIcebird.length, 2);
});

test("nested struct fields are matched by field id: a rename, a dropped and an added field inside a struct, also inside a list", async () => {
  const table = join(dir, "nested");
  await spark.createDataFrame([{ id: 1, info: { a: 1, b: "x" }, items: [{ q: 5 }] }], "id INT, info STRUCT<a: INT, b: STRING>, items ARRAY<STRUCT<q: INT>>").write.format("iceberg").save(table);
  const key = join(table, "metadata", "v1.metadata.json");
  const meta = JSON.parse(readFileSync(key, "utf8")) as { schemas: { fields: { name: string; type: { fields?: { id: number; name: string; required: boolean; type: unknown }[]; element?: { fields: { id: number; name: string; required: boolean; type: unknown }[] } } }[] }[]; "last-column-id": number };
  // As an engine's ALTER TABLE would: info.a renamed to alpha, info.b dropped, info.c added; items' q renamed.
  const info = meta.schemas[0].fields[1].type;
  const a = info.fields?.find((f) => f.name === "a");
  assert.ok(a !== undefined && info.fields !== undefined);
  info.fields = [{ ...a, name: "alpha" }, { id: 99, name: "c", required: false, type: "string" }];
  const element = meta.schemas[0].fields[2].type.element;
  assert.ok(element !== undefined);
  element.fields[0].name = "quantity";
  meta["last-column-id"] = 99;
  writeFileSync(key, JSON.stringify(meta));
  const rows = await sluiceRows(table);
  assert.deepEqual(rows, [{ id: 1, info: { alpha: 1, c: null }, items: [{ quantity: 5 }] }]);
});

test("a metadata put whose answer was lost and was sent again counts as the commit it made, not a conflict", async () => {
  const { LocalStorage } = await import("../../../../src/storage/local.js");
  const { AlreadyExistsError } = await import("../../../../src/errors.js");
  const root = mkdtempSync(join(tmpdir(), "sluice-iceberg-lost-"));
  const local = new LocalStorage(root, { fsync: false });
  // A storage that applies the first put-if-absent of a metadata file, then answers as if it had
  // not (the answer lost) so the caller's retry meets the file already there.
  let lost = 0;
  const lossy = Object.create(local) as typeof local;
  lossy.put = async (key: string, data: Uint8Array, options?: { ifNotExists?: boolean }) => {
    await local.put(key, data, options);
    if (options?.ifNotExists === true && key.endsWith(".metadata.json") && lost === 0) {
      lost++;
      await local.put(key, data, options).catch((e: unknown) => {
        if (e instanceof AlreadyExistsError) throw e;
      });
    }
  };
  const { IcebergStreamingTable } = await import("../../../../src/tables/iceberg/streaming-table.js");
  const { writeDataFiles } = await import("../../../../src/tables/files/data-file-writer.js");
  const { batchFromRows } = await import("../../../../src/columnar/build.js");
  const { toSchema } = await import("../../../../src/sql/ddl.js");
  const schema = toSchema("id BIGINT");
  const t = new IcebergStreamingTable(lossy, "t", { queryId: "q" });
  const w = await t.beginBatch(0, schema);
  assert.ok(w !== null);
  const files = await writeDataFiles(lossy, t.tableKey, w.schema, w.layout, w.conform((async function* () { yield batchFromRows(schema, [{ id: 1n }]); })()));
  const c = await w.commit(files, { numRows: 1, dataMs: 0 });
  assert.equal(lost, 1, "the lost answer happened");
  assert.equal(c.committed, true, "its own file found in place is its commit");
  assert.deepEqual((await sluiceRows(join(root, "t"))).map((r) => Number(r.id)), [1]);
});

test("two writes creating one table at once: the loser never commits files numbered for another schema", async () => {
  const table = join(dir, "created-twice");
  const one = spark.createDataFrame([{ a: 1, b: "x" }], "a INT, b STRING");
  const two = spark.createDataFrame([{ b: "y", a: 2 }], "b STRING, a INT");
  const results = await Promise.allSettled([one.write.format("iceberg").mode("append").save(table), two.write.format("iceberg").mode("append").save(table)]);
  const failed = results.filter((r) => r.status === "rejected");
  // Either both landed (the second planned against the first's table) or the loser was refused.
  for (const f of failed) assert.match(String((f as PromiseRejectedResult).reason), /changed while writing; run the write again/);
  const rows = (await sluiceRows(table)).map((r) => `${String(r.a)}:${String(r.b)}`).sort();
  assert.deepEqual(rows, failed.length === 0 ? ["1:x", "2:y"] : rows.length === 1 ? rows : ["1:x", "2:y"]);
  assert.ok(rows.every((r) => r === "1:x" || r === "2:y"), `no value read under another column: ${rows.join(", ")}`);
});
