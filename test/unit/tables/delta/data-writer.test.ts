/**
 * writeDataFiles: partition values in the string forms Spark writes (PROTOCOL.md "Partition Value
 * Serialization"), `add.path` URI-encoded over Hive-escaped folders, files DuckDB reads.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { LocalStorage } from "../../../../src/storage/local.js";
import {
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import { writeDataFiles } from "../../../../src/tables/delta/data-writer.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { query } from "../../formats/parquet/duckdb.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-data-writer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

test("partition values of every partition type are written in Spark's string forms; null and '' are the null partition", async () => {
  const cases: [string, StructField["dataType"], unknown, string | null][] = [
    ["timestamp (ISO 8601 UTC, as Delta 3 writes)", TimestampType(), 1704164645123456n, "2024-01-02T03:04:05.123456Z"],
    ["timestamp whole second", TimestampType(), 1704164645000000n, "2024-01-02T03:04:05.000000Z"],
    ["date", DateType(), new Date("2024-01-02T00:00:00Z"), "2024-01-02"],
    ["boolean", BooleanType(), false, "false"],
    ["decimal", DecimalType(10, 2), "1.50", "1.50"],
    ["negative decimal", DecimalType(10, 2), "-0.05", "-0.05"],
    ["float", FloatType(), 0.1, "0.1"],
    ["float large", FloatType(), 1.5e10, "1.5E10"],
    ["double", DoubleType(), 1e10, "1.0E10"],
    ["double small", DoubleType(), 2.5, "2.5"],
    ["long", LongType(), -9007199254740993n, "-9007199254740993"],
    ["integer", IntegerType(), 7, "7"],
    ["short", ShortType(), -3, "-3"],
    ["byte", ByteType(), 1, "1"],
    ["string", StringType(), "a b:c/d%e#f?g=h", "a b:c/d%e#f?g=h"],
    ["empty string", StringType(), "", null],
    ["null", StringType(), null, null],
  ];
  for (const [name, type, value, expected] of cases) {
    const schema = StructType([StructField("id", LongType()), StructField("p", type)]);
    const table = `t-${name.replaceAll(" ", "-")}`;
    const [add] = await writeDataFiles(storage, table, schema, ["p"], [batchFromRows(schema, [{ id: 1n, p: value }])]);
    assert.deepEqual(add.partitionValues, { p: expected }, name);
    const file = join(dir, table, decodeURIComponent(add.path));
    assert.ok(existsSync(file), `${name}: add.path decodes to the written file`);
    assert.deepEqual(await query(`SELECT id::INT AS id FROM read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`), [{ id: 1 }], name);
  }
});

test("a timestamp partition value means the same instant whatever the reader's session time zone", async () => {
  const schema = StructType([StructField("id", LongType()), StructField("ts", TimestampType())]);
  const key = "ts-round-trip";
  const instants = [1704164645123456n, -1n, 0n, 1631124671000000n];
  await appendToTable(storage, key, [batchFromRows(schema, instants.map((ts, i) => ({ id: BigInt(i), ts })))], { schema, partitionBy: ["ts"] });
  for (const timeZone of ["UTC", "America/Los_Angeles", "+05:30"]) {
    const { batches } = await readDeltaTable(storage, key, { timeZone });
    const got: [bigint, bigint][] = [];
    for (const b of batches) {
      const ids = b.columns[b.schema.fields.findIndex((f) => f.name === "id")];
      const ts = b.columns[b.schema.fields.findIndex((f) => f.name === "ts")];
      assert.ok(ids.kind === "i64" && ts.kind === "i64");
      for (let r = 0; r < b.numRows; r++) got.push([ids.values[r], ts.values[r]]);
    }
    got.sort((a, b) => Number(a[0] - b[0]));
    assert.deepEqual(got, instants.map((ts, i) => [BigInt(i), ts]), timeZone);
  }
});
