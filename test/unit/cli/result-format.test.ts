import { test } from "node:test";
import assert from "node:assert/strict";
import { formatResult } from "../../../src/cli/result-format.js";
import type { ResultColumn } from "../../../src/cli/result-format.js";
import { showString } from "../../../src/exec/show.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { DoubleType, LongType, StringType, StructField, StructType } from "../../../src/types/data-types.js";

const COLUMNS: ResultColumn[] = [
  { name: "id", kind: "integer" },
  { name: "name", kind: "other" },
  { name: "x", kind: "double" },
];

test("the table format is df.show()'s: same borders, NULL, Java doubles, right-aligned and truncated cells", () => {
  const schema = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("x", DoubleType())]);
  const rows = [
    { id: 1n, name: "a", x: 1 },
    { id: 12345678901234n, name: null, x: 1.5e10 },
    { id: -3n, name: "a rather long name over twenty characters", x: 0.25 },
  ];
  const expected = showString(schema, [batchFromRows(schema, rows)]);
  const actual = formatResult(
    COLUMNS,
    [
      ["1", "a", 1],
      ["12345678901234", null, 1.5e10],
      ["-3", "a rather long name over twenty characters", 0.25],
    ],
    "table",
  );
  assert.equal(actual, expected);
});

test("truncate 0 left-aligns and keeps whole cells, as show(truncate = false)", () => {
  const out = formatResult([{ name: "s", kind: "other" }], [["a rather long name over twenty characters"], ["b"]], "table", { truncate: 0 });
  assert.equal(out, "+-----------------------------------------+\n|s                                        |\n+-----------------------------------------+\n|a rather long name over twenty characters|\n|b                                        |\n+-----------------------------------------+\n");
});

test("nested values render as Spark's: [a, b], {a, b}, {k -> v}; timestamps without the UTC offset", () => {
  const out = formatResult(
    [
      { name: "l", kind: "list" },
      { name: "s", kind: "struct" },
      { name: "m", kind: "map" },
      { name: "t", kind: "timestamptz" },
    ],
    [[[1, null], { a: "x", b: 2 }, [{ key: "k", value: 1 }], "2024-01-02 03:04:05.5+00"]],
    "table",
    { truncate: 0 },
  );
  assert.match(out, /\|\[1, NULL\]\|\{x, 2\}\|\{k -> 1\}\|2024-01-02 03:04:05.5\s*\|/);
});

test("csv has a header, quotes when needed and leaves nulls empty", () => {
  const out = formatResult(COLUMNS, [["1", 'say "hi", twice', null], ["2", " padded", 2.5]], "csv");
  assert.equal(out, 'id,name,x\n1,"say ""hi"", twice",\n2," padded",2.5\n');
});

test("json writes one object per row, big integers and decimals digit for digit", () => {
  const out = formatResult(
    [
      { name: "n", kind: "integer" },
      { name: "d", kind: "decimal" },
      { name: "s", kind: "other" },
    ],
    [["9007199254740993", "1.50", "x"], [null, null, null]],
    "json",
  );
  assert.equal(out, '{"n":9007199254740993,"d":1.50,"s":"x"}\n{"n":null,"d":null,"s":null}\n');
});
