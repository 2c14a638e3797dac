/**
 * Format v1 tables, built here by independent tools (DuckDB writes the Parquet data without field
 * ids, Python's avro library the v1 manifests and manifest list, the metadata JSON by hand): read
 * by name-matched columns, with v1's single `schema` and `partition-spec`, a snapshot with a
 * manifest list and one with v1's inline `manifests`, sequence numbers 0; writes are refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession } from "../../../../src/index.js";

const spark = SparkSession.builder.getOrCreate();

const PY_V1 = String.raw`
import sys, json
from avro.datafile import DataFileWriter
from avro.io import DatumWriter
import avro.schema
entry = avro.schema.parse(json.dumps({"type": "record", "name": "manifest_entry", "fields": [
  {"name": "status", "type": "int", "field-id": 0},
  {"name": "snapshot_id", "type": "long", "field-id": 1},
  {"name": "data_file", "field-id": 2, "type": {"type": "record", "name": "r2", "fields": [
    {"name": "file_path", "type": "string", "field-id": 100},
    {"name": "file_format", "type": "string", "field-id": 101},
    {"name": "partition", "type": {"type": "record", "name": "r102", "fields": []}, "field-id": 102},
    {"name": "record_count", "type": "long", "field-id": 103},
    {"name": "file_size_in_bytes", "type": "long", "field-id": 104},
    {"name": "block_size_in_bytes", "type": "long", "field-id": 105}]}}]}))
mlist = avro.schema.parse(json.dumps({"type": "record", "name": "manifest_file", "fields": [
  {"name": "manifest_path", "type": "string", "field-id": 500},
  {"name": "manifest_length", "type": "long", "field-id": 501},
  {"name": "partition_spec_id", "type": "int", "field-id": 502},
  {"name": "added_snapshot_id", "type": ["null", "long"], "field-id": 503},
  {"name": "added_files_count", "type": ["null", "int"], "field-id": 504}]}))
args = json.loads(sys.argv[1])
for m in args["manifests"]:
    w = DataFileWriter(open(m["path"], "wb"), DatumWriter(), entry)
    w.set_meta("format-version", b"1")
    w.set_meta("partition-spec", b"[]")
    for f in m["files"]:
        w.append({"status": 1, "snapshot_id": m["snapshot"], "data_file": {"file_path": f["url"], "file_format": "PARQUET", "partition": {}, "record_count": f["rows"], "file_size_in_bytes": f["size"], "block_size_in_bytes": 67108864}})
    w.close()
w = DataFileWriter(open(args["list"]["path"], "wb"), DatumWriter(), mlist)
for m in args["list"]["manifests"]:
    w.append({"manifest_path": m["url"], "manifest_length": m["length"], "partition_spec_id": 0, "added_snapshot_id": m["snapshot"], "added_files_count": 1})
w.close()
`;

test("a v1 table reads through a manifest list and through v1's inline manifests; sluice refuses to write it", async () => {
  const root = mkdtempSync(join(tmpdir(), "sluice-iceberg-v1-"));
  const t = join(root, "t");
  mkdirSync(join(t, "data"), { recursive: true });
  mkdirSync(join(t, "metadata"), { recursive: true });
  const url = (p: string) => pathToFileURL(p).href;
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  const f1 = join(t, "data", "a.parquet");
  const f2 = join(t, "data", "b.parquet");
  await c.run(`COPY (SELECT * FROM (VALUES (1::INT, 'a'), (2::INT, 'b')) v(id, name)) TO '${f1}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT 3::INT AS id, 'c' AS name) TO '${f2}' (FORMAT parquet)`);
  const m1 = join(t, "metadata", "m1.avro");
  const m2 = join(t, "metadata", "m2.avro");
  const list = join(t, "metadata", "snap-1.avro");
  const py = (args: unknown) => execFileSync("/usr/bin/python3", ["-c", PY_V1, JSON.stringify(args)]);
  py({
    manifests: [
      { path: m1, snapshot: 1, files: [{ url: url(f1), rows: 2, size: statSync(f1).size }] },
      { path: m2, snapshot: 2, files: [{ url: url(f2), rows: 1, size: statSync(f2).size }] },
    ],
    list: { path: list, manifests: [] },
  });
  py({ manifests: [], list: { path: list, manifests: [{ url: url(m1), length: statSync(m1).size, snapshot: 1 }] } });
  const schema = { type: "struct", "schema-id": 0, fields: [{ id: 1, name: "id", required: false, type: "int" }, { id: 2, name: "name", required: false, type: "string" }] };
  const base = { "format-version": 1, "table-uuid": "7b1a9a54-6f5c-4b7a-9d55-2f1f3c6a0e11", location: url(t), "last-updated-ms": 1700000000000, "last-column-id": 2, schema, "partition-spec": [], properties: {} };
  const s1 = { "snapshot-id": 1, "timestamp-ms": 1700000000000, "manifest-list": url(list), summary: { operation: "append" } };
  const s2 = { "snapshot-id": 2, "parent-snapshot-id": 1, "timestamp-ms": 1700000001000, manifests: [url(m1), url(m2)], summary: { operation: "append" } };
  writeFileSync(join(t, "metadata", "v1.metadata.json"), JSON.stringify({ ...base, "current-snapshot-id": 1, snapshots: [s1] }));
  writeFileSync(join(t, "metadata", "v2.metadata.json"), JSON.stringify({ ...base, "last-updated-ms": 1700000001000, "current-snapshot-id": 2, snapshots: [s1, s2] }));
  writeFileSync(join(t, "metadata", "version-hint.text"), "2");

  const read = async (options: Record<string, string> = {}) =>
    ((await spark.read.format("iceberg").options(options).load(t).collect()) as Record<string, unknown>[]).map((r) => `${String(r.id)}:${String(r.name)}`).sort();
  assert.deepEqual(await read(), ["1:a", "2:b", "3:c"]);
  assert.deepEqual(await read({ "snapshot-id": "1" }), ["1:a", "2:b"]);
  await assert.rejects(async () => spark.createDataFrame([{ id: 4, name: "d" }], "id INT, name STRING").write.format("iceberg").mode("append").save(t), /format v1 table; sluice writes format v2/);
});
