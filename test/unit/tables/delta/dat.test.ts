/**
 * Delta Acceptance Tests (DAT): every case folder under shared/fixtures/delta/dat is read with
 * readDeltaTable and compared, order-insensitively, with its expected table content read by DuckDB,
 * for the latest version and every `expected/v<N>` (time travel).
 *
 * Skipped cases (not enumerated), with the reason: none.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import type { DataType, StructType } from "../../../../src/types/data-types.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const { dir: DAT, skip } = fixtureFolder("delta/dat");
/** Cases that cannot pass yet, with the reason; they are not enumerated. */
const SKIPPED: Readonly<Record<string, string>> = {};

const cases = existsSync(DAT) ? readdirSync(DAT).filter((n) => !(n in SKIPPED) && existsSync(`${DAT}/${n}/delta`)) : [];

test("the DAT fixture folder resolves and holds cases", { skip }, () => {
  assert.ok(existsSync(`${DAT}/basic_append/delta/_delta_log`), `no DAT fixtures at ${DAT}`);
  assert.ok(cases.length >= 11);
});

let connection: Promise<DuckDBConnection> | undefined;
function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(":memory:").then((db) => db.connect());
  return connection;
}

for (const name of cases) {
  const expectedDir = `${DAT}/${name}/expected`;
  for (const dir of readdirSync(expectedDir).filter((d) => d === "latest" || /^v\d+$/.test(d))) {
    test(`DAT ${name} ${dir}`, async () => {
      const meta = JSON.parse(readFileSync(`${expectedDir}/${dir}/table_version_metadata.json`, "utf8")) as { version: number };
      const table = await readDeltaTable(localFileSystem(), `${DAT}/${name}/delta`.slice(1), dir === "latest" ? {} : { version: Number(dir.slice(1)) });
      assert.equal(table.version, meta.version);
      const actual: string[] = [];
      for (const b of table.batches) for (const row of batchToRows(b)) actual.push(canonicalRow(row, table.schema));
      const expected = await expectedRows(await duck(), `${expectedDir}/${dir}/table_content`, table.schema);
      assert.deepEqual(actual.sort(), expected.sort());
    });
  }
}

/** Expected rows, each canonicalised against the table schema (columns matched by name). */
async function expectedRows(c: DuckDBConnection, dir: string, schema: StructType): Promise<string[]> {
  const reader = await c.runAndReadAll(`SELECT * FROM read_parquet('${dir}/*.parquet')`);
  const names = reader.columnNames();
  for (const f of schema.fields) assert.ok(names.includes(f.name), `expected content lacks column ${f.name}`);
  assert.equal(names.length, schema.fields.length, `expected columns ${names.join(",")}`);
  return (reader.getRowObjectsJson() as Record<string, unknown>[]).map((r) => canonicalDuck(r, schema));
}

function canonicalRow(row: Record<string, unknown>, schema: StructType): string {
  return JSON.stringify(schema.fields.map((f) => ours(row[f.name], f.dataType)));
}

function canonicalDuck(row: Record<string, unknown>, schema: StructType): string {
  return JSON.stringify(schema.fields.map((f) => theirs(row[f.name], f.dataType)));
}

/** Our collected value in a canonical JSON form. */
function ours(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeName) {
    case "long":
      return String(v);
    case "float":
      return Math.fround(Number(v));
    case "date":
      return (v as Date).toISOString().slice(0, 10);
    case "timestamp":
      return (v as Date).getTime();
    case "binary":
      return Buffer.from(v as Uint8Array).toString("hex");
    case "decimal":
      return String(v);
    case "struct":
      return t.fields.map((f) => ours((v as Record<string, unknown>)[f.name], f.dataType));
    case "array":
      return (v as unknown[]).map((e) => ours(e, t.elementType));
    case "map":
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [ours(k, t.keyType), ours(x, t.valueType)]);
    default:
      return v;
  }
}

/** DuckDB's JSON value in the same canonical form as {@link ours}. */
function theirs(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeName) {
    case "long":
      return String(v);
    case "float":
      return Math.fround(Number(v));
    case "date":
      return String(v);
    case "timestamp":
      return duckTimestampMillis(String(v));
    case "binary":
      return blobHex(String(v));
    case "decimal":
      return String(v);
    case "struct":
      return t.fields.map((f) => theirs((v as Record<string, unknown>)[f.name], f.dataType));
    case "array":
      return (v as unknown[]).map((e) => theirs(e, t.elementType));
    case "map":
      return (v as { key: unknown; value: unknown }[]).map((e) => [theirs(e.key, t.keyType), theirs(e.value, t.valueType)]);
    default:
      return v;
  }
}

/** DuckDB prints TIMESTAMP as `yyyy-MM-dd HH:mm:ss[.f]` and TIMESTAMPTZ with a `+HH[:mm]` offset. */
function duckTimestampMillis(s: string): number {
  const m = /^(.*?)(?:([+-])(\d{2})(?::?(\d{2}))?)?$/.exec(s.replace(" ", "T"));
  assert.ok(m !== null, `unparsable DuckDB timestamp ${s}`);
  const zone = m[2] === undefined ? "Z" : `${m[2]}${m[3]}:${m[4] ?? "00"}`;
  const ms = Date.parse(m[1] + zone);
  assert.ok(!Number.isNaN(ms), `unparsable DuckDB timestamp ${s}`);
  return ms;
}

/** DuckDB prints blobs with printable ASCII as is and other bytes as `\xHH`. */
function blobHex(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x") {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("hex");
}
