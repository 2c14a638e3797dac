import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCsvLines, checkCsvSchema } from "../../../../src/formats/csv/parse-csv.js";
import { resolveCsvOptions } from "../../../../src/formats/csv/options.js";
import { parseDecimal } from "../../../../src/formats/csv/cell-writers.js";
import { splitLines } from "../../../../src/formats/text/lines.js";
import { makeBatch } from "../../../../src/columnar/batch.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { ConfigError, SourceError } from "../../../../src/errors.js";
import type { StructType } from "../../../../src/types/data-types.js";

function parse(text: string, ddl: string | StructType, options: Record<string, string> = {}, startOfFile = true) {
  const schema = typeof ddl === "string" ? toSchema(ddl) : ddl;
  const data = new TextEncoder().encode(text);
  const { starts, ends } = splitLines(data);
  const r = parseCsvLines(data, starts, ends, schema, resolveCsvOptions(options), { source: "file:///t/a.csv", firstLine: 1, startOfFile });
  return { rows: batchToRows(makeBatch(schema, r.columns, r.numRows)), malformed: r.malformedRows, headerSeen: r.headerSeen };
}

test("quoted cells: separators, doubled quotes, backslash escapes, empty vs null", () => {
  const { rows } = parse('1,"a,b","say ""hi""","x\\"y",,""\n', "id INT, a STRING, b STRING, c STRING, d STRING, e STRING");
  assert.deepEqual(rows, [{ id: 1, a: "a,b", b: 'say "hi"', c: 'x"y', d: null, e: null }]);
  // emptyValue distinguishes "" from an absent cell when it differs from nullValue.
  const r2 = parse('1,,""\n', "id INT, d STRING, e STRING", { emptyValue: "<empty>" });
  assert.deepEqual(r2.rows, [{ id: 1, d: null, e: "<empty>" }]);
  const r3 = parse("1,NA,x\n", "id INT, a STRING, b STRING", { nullValue: "NA" });
  assert.deepEqual(r3.rows, [{ id: 1, a: null, b: "x" }]);
});

test("text after a closing quote reads the cell verbatim; an open quote runs to the line end", () => {
  const { rows } = parse('"ab"cd,2\n3,"open\n', "a STRING, b STRING");
  assert.deepEqual(rows, [
    { a: '"ab"cd', b: "2" },
    { a: "3", b: "open" },
  ]);
});

test("header, comment, blank lines, separators and whitespace options", () => {
  const text = "# comment\n\nid;name\n1; bob \n  \n2;al\n";
  const r = parse(text, "id INT, name STRING", { header: "true", sep: ";", comment: "#" });
  assert.equal(r.headerSeen, true);
  assert.deepEqual(r.rows, [
    { id: 1, name: " bob " },
    { id: 2, name: "al" },
  ]);
  const trimmed = parse("1; bob \n", "id INT, name STRING", { sep: ";", ignoreLeadingWhiteSpace: "true", ignoreTrailingWhiteSpace: "true" });
  assert.deepEqual(trimmed.rows, [{ id: 1, name: "bob" }]);
  assert.deepEqual(parse("1\tx\n", "id INT, s STRING", { sep: "\\t" }).rows, [{ id: 1, s: "x" }]);
  assert.deepEqual(parse("1::x::y\n", "a INT, b STRING, c STRING", { delimiter: "::" }).rows, [{ a: 1, b: "x", c: "y" }]);
  // Header only at the start of a file.
  assert.deepEqual(parse("5,e\n", "id INT, name STRING", { header: "true" }, false).rows, [{ id: 5, name: "e" }]);
});

test("PERMISSIVE keeps partial results and fills the corrupt record column, as Spark does", () => {
  const schema = "a INT, b DOUBLE, c STRING, _corrupt_record STRING";
  const r = parse("1,2.5,x\n1\n1,2,x,extra\nzz,3,y\n7,8,z\n", schema);
  assert.equal(r.malformed, 3);
  assert.deepEqual(r.rows, [
    { a: 1, b: 2.5, c: "x", _corrupt_record: null },
    { a: 1, b: null, c: null, _corrupt_record: "1" },
    { a: 1, b: 2, c: "x", _corrupt_record: "1,2,x,extra" },
    { a: null, b: 3, c: "y", _corrupt_record: "zz,3,y" },
    { a: 7, b: 8, c: "z", _corrupt_record: null },
  ]);
  // Without the column, the partial rows are still kept.
  assert.deepEqual(parse("zz,1\n", "a INT, b INT").rows, [{ a: null, b: 1 }]);
});

test("DROPMALFORMED drops bad rows; FAILFAST names file and line", () => {
  const r = parse("1,a\nx,b\n3\n4,d\n", "a INT, b STRING", { mode: "DROPMALFORMED" });
  assert.deepEqual(r.rows, [
    { a: 1, b: "a" },
    { a: 4, b: "d" },
  ]);
  assert.equal(r.malformed, 2);
  assert.throws(
    () => parse("1,a\nx,b\n", "a INT, b STRING", { mode: "failfast" }),
    (e: unknown) => e instanceof SourceError && /file:\/\/\/t\/a\.csv line 2/.test(e.message),
  );
});

test("cell conversion follows Java/Spark rules", () => {
  const schema = "b TINYINT, i INT, l BIGINT, f FLOAT, d DOUBLE, t BOOLEAN, m DECIMAL(5,2)";
  const { rows } = parse(
    "127,+42,-9223372036854775808,1.5f,1e3,TRUE,1.005\n128,2147483648,9223372036854775808,NaN,Inf,yes,1000.00\n1,1.0,12,-Inf, 2.5 ,false,-0.5\n",
    schema,
  );
  assert.deepEqual(rows[0], { b: 127, i: 42, l: -9223372036854775808n, f: 1.5, d: 1000, t: true, m: "1.01" });
  assert.equal(rows[1].b, null, "byte overflow");
  assert.equal(rows[1].i, null, "int overflow");
  assert.equal(rows[1].l, null, "long overflow");
  assert.ok(Number.isNaN(rows[1].f as number));
  assert.equal(rows[1].d, Infinity);
  assert.equal(rows[1].t, null);
  assert.equal(rows[1].m, null, "decimal precision overflow");
  assert.deepEqual(rows[2], { b: 1, i: null, l: 12n, f: -Infinity, d: 2.5, t: false, m: "-0.50" });
  assert.equal(parseDecimal("1.5e2", 5, 0), 150n);
  assert.equal(parseDecimal("-2.345", 4, 2), -235n);
  assert.equal(parseDecimal("abc", 4, 2), null);
});

test("dates and timestamps: lenient defaults and user patterns", () => {
  const iso = parse("2024-01-02,2024-01-02T03:04:05.123Z,2024-01-02 03:04:05+01:00\n2024-1-2 junk,2024,bad\n", "d DATE, t TIMESTAMP, u TIMESTAMP");
  assert.deepEqual(iso.rows[0], {
    d: new Date("2024-01-02T00:00:00Z"),
    t: new Date("2024-01-02T03:04:05.123Z"),
    u: new Date("2024-01-02T02:04:05Z"),
  });
  assert.deepEqual(iso.rows[1], { d: new Date("2024-01-02T00:00:00Z"), t: new Date("2024-01-01T00:00:00Z"), u: null });
  const custom = parse("02/01/2024,02/01/2024 13:14,2024-01-02\n", "d DATE, t TIMESTAMP, x DATE", {
    dateFormat: "dd/MM/yyyy",
    timestampFormat: "dd/MM/yyyy HH:mm[:ss]",
  });
  // With a user format, text in another format is null (no fallback), as Spark does.
  assert.deepEqual(custom.rows[0], { d: new Date("2024-01-02T00:00:00Z"), t: new Date("2024-01-02T13:14:00Z"), x: null });
});

test("option and schema validation", () => {
  assert.throws(() => resolveCsvOptions({ heder: "true" }), (e: unknown) => e instanceof ConfigError && /did you mean 'header'/.test(e.message));
  assert.throws(() => resolveCsvOptions({ header: "yes" }), /option 'header' must be true or false, got "yes"/);
  assert.throws(() => resolveCsvOptions({ multiLine: "true" }), /option 'multiLine' is not supported yet/);
  assert.throws(() => resolveCsvOptions({ mode: "lenient" }), /option 'mode' must be one of PERMISSIVE, DROPMALFORMED, FAILFAST/);
  assert.throws(() => resolveCsvOptions({ dateFormat: "yyyy-QQ" }), /pattern letter 'Q'/);
  assert.throws(() => checkCsvSchema(toSchema("a ARRAY<INT>"), resolveCsvOptions({})), /CSV cannot read/);
  assert.throws(() => checkCsvSchema(toSchema("a INT, _corrupt_record INT"), resolveCsvOptions({})), /must be a nullable string/);
});
