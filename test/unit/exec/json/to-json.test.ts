import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { toJson, writeJsonLines } from "../../../../src/exec/json/to-json.js";
import { fromJson } from "../../../../src/exec/json/from-json.js";
import {
  StructType,
  StructField,
  StringType,
  LongType,
  DoubleType,
  FloatType,
  DecimalType,
  TimestampType,
  DateType,
  BinaryType,
  BooleanType,
  ArrayType,
  MapType,
} from "../../../../src/types/data-types.js";
import { vectorFromValues, batchFromRows } from "../../../../src/columnar/build.js";
import { valueAt } from "../../../../src/columnar/values.js";

const schema = StructType([
  StructField("s", StringType()),
  StructField("l", LongType()),
  StructField("d", DoubleType()),
  StructField("f", FloatType()),
  StructField("dec", DecimalType(12, 3)),
  StructField("ts", TimestampType()),
  StructField("dt", DateType()),
  StructField("bin", BinaryType()),
  StructField("b", BooleanType()),
  StructField("arr", ArrayType(LongType())),
  StructField("m", MapType(StringType(), StringType())),
  StructField("n", StructType([StructField("x", LongType()), StructField("y", StringType())])),
]);

const row = {
  s: 'quote " backslash \\ newline \n tab \t ctl \u0001 é 😀',
  l: 9007199254740993n,
  d: 1e7,
  f: 0.1,
  dec: "-1234.500",
  ts: new Date("2024-01-02T03:04:05.678Z"),
  dt: new Date("2024-01-02T00:00:00Z"),
  bin: new Uint8Array([104, 105]),
  b: true,
  arr: [1n, null, 3n],
  m: new Map([
    ["k", "v"],
    ["nil", null],
  ]),
  n: { x: null, y: "only y" },
};

test("to_json writes Spark's text: null fields omitted, Java number formats, ISO timestamps", () => {
  const v = vectorFromValues(schema, [row, null, { s: null }]);
  const out = toJson(v);
  assert.equal(
    valueAt(out, 0),
    '{"s":"quote \\" backslash \\\\ newline \\n tab \\t ctl \\u0001 é 😀","l":9007199254740993,"d":1.0E7,"f":0.1,"dec":-1234.500,' +
      '"ts":"2024-01-02T03:04:05.678Z","dt":"2024-01-02","bin":"aGk=","b":true,"arr":[1,null,3],"m":{"k":"v","nil":null},"n":{"y":"only y"}}',
  );
  assert.equal(valueAt(out, 1), null);
  assert.equal(valueAt(out, 2), "{}");
});

test("to_json then from_json round-trips", () => {
  const v = vectorFromValues(schema, [row]);
  const back = fromJson(toJson(v), schema);
  assert.deepEqual(valueAt(back, 0), valueAt(v, 0));
});

test("to_json formats doubles as Java does and quotes non-finite values", () => {
  const s = StructType([StructField("d", DoubleType())]);
  const cases: [number, string][] = [
    [1, "1.0"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [1234567.5, "1234567.5"],
    [-0, "-0.0"],
    [1.5e300, "1.5E300"],
    [NaN, '"NaN"'],
    [-Infinity, '"-Infinity"'],
  ];
  const out = toJson(vectorFromValues(s, cases.map(([d]) => ({ d }))));
  cases.forEach(([, want], i) => assert.equal(valueAt(out, i), `{"d":${want}}`));
});

test("to_json accepts arrays and maps at the top level", () => {
  assert.equal(valueAt(toJson(vectorFromValues(ArrayType(StringType()), [["a", null]])), 0), '["a",null]');
  assert.equal(valueAt(toJson(vectorFromValues(MapType(StringType(), LongType()), [new Map([["a", 1n]])])), 0), '{"a":1}');
});

test("writeJsonLines output is read back by DuckDB", async () => {
  const flat = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("score", DoubleType()), StructField("ts", TimestampType())]);
  const rows = [
    { id: 1n, name: "ann", score: 1.5, ts: new Date("2024-01-02T03:04:05.000Z") },
    { id: 2n, name: null, score: null, ts: null },
    { id: 3n, name: 'q"\n', score: 1e20, ts: new Date("1999-12-31T23:59:59.999Z") },
  ];
  const bytes = writeJsonLines(batchFromRows(flat, rows));
  const text = new TextDecoder().decode(bytes);
  assert.equal(text.split("\n").length, 4);
  assert.ok(text.endsWith("\n"));
  assert.equal(text.split("\n")[1], '{"id":2}');
  const dir = mkdtempSync(join(tmpdir(), "sluice-json-"));
  try {
    const file = join(dir, "part.json");
    writeFileSync(file, bytes);
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(
      `SELECT id, name, score, epoch_ms(ts) AS ms FROM read_json('${file}', format = 'newline_delimited', columns = {id: 'BIGINT', name: 'VARCHAR', score: 'DOUBLE', ts: 'TIMESTAMPTZ'}) ORDER BY id`,
    );
    const got = reader.getRowObjects();
    assert.deepEqual(
      got.map((r) => [r.id, r.name, r.score, r.ms]),
      [
        [1n, "ann", 1.5, 1704164645000n],
        [2n, null, null, null],
        [3n, 'q"\n', 1e20, 946684799999n],
      ],
    );
    conn.closeSync();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writeJsonLines of an empty batch is empty", () => {
  assert.equal(writeJsonLines(batchFromRows(schema, [])).length, 0);
});
