import { test } from "node:test";
import assert from "node:assert/strict";
import { StructType, StructField, StringType, IntegerType, BinaryType } from "../../../../src/types/data-types.js";
import { values, evaluate } from "./helpers.js";

const S = StructType([StructField("s", StringType()), StructField("p", StringType()), StructField("n", IntegerType())]);
const rows = (...ss: (string | null)[]) => ss.map((s) => ({ s, p: null, n: 1 }));

test("LIKE: % and _ wildcards, fast paths and the general regex", () => {
  const r = rows("apple", "apricot", "banana", "a", "", null, "ápple");
  assert.deepEqual(values("s LIKE 'ap%'", S, r), [true, true, false, false, false, null, false]);
  assert.deepEqual(values("s LIKE '%na'", S, r), [false, false, true, false, false, null, false]);
  assert.deepEqual(values("s LIKE '%pp%'", S, r), [true, false, false, false, false, null, true]);
  assert.deepEqual(values("s LIKE 'a'", S, r), [false, false, false, true, false, null, false]);
  assert.deepEqual(values("s LIKE '_pple'", S, r), [true, false, false, false, false, null, true], "_ is one character, not one byte");
  assert.deepEqual(values("s LIKE 'a%t'", S, r), [false, true, false, false, false, null, false]);
  assert.deepEqual(values("s NOT LIKE 'ap%'", S, r), [false, false, true, true, true, null, true]);
  assert.deepEqual(values("s LIKE '%'", S, r), [true, true, true, true, true, null, true]);
});

test("LIKE escapes: \\% and \\_ are literal; regex metacharacters in the pattern are literal", () => {
  const r = rows("50%", "50x", "a_b", "axb", "a.b", "a+b", "(x)", "a\\b");
  assert.deepEqual(values("s LIKE '50\\\\%'", S, r), [true, false, false, false, false, false, false, false]);
  assert.deepEqual(values("s LIKE 'a\\\\_b'", S, r), [false, false, true, false, false, false, false, false]);
  assert.deepEqual(values("s LIKE 'a.b'", S, r), [false, false, false, false, true, false, false, false]);
  assert.deepEqual(values("s LIKE 'a+b'", S, r), [false, false, false, false, false, true, false, false]);
  assert.deepEqual(values("s LIKE '(%)'", S, r), [false, false, false, false, false, false, true, false]);
  assert.deepEqual(values("s LIKE 'a\\\\\\\\b'", S, r), [false, false, false, false, false, false, false, true]);
  assert.deepEqual(values("s LIKE '50!%' ESCAPE '!'", S, r), [true, false, false, false, false, false, false, false]);
});

test("LIKE with a pattern column compiles per distinct pattern", () => {
  const r = [
    { s: "abc", p: "a%", n: 1 },
    { s: "abc", p: "%z", n: 1 },
    { s: "abc", p: null, n: 1 },
  ];
  assert.deepEqual(values("s LIKE p", S, r), [true, false, null]);
});

test("RLIKE finds a match anywhere (Java find semantics)", () => {
  const r = rows("abc123", "xyz", "a.c", null);
  assert.deepEqual(values("s RLIKE '[0-9]+'", S, r), [true, false, false, null]);
  assert.deepEqual(values("s RLIKE '^a.c$'", S, r), [false, false, true, null]);
  assert.deepEqual(values("s RLIKE 'a\\\\.c'", S, r), [false, false, true, null]);
  assert.deepEqual(values("s RLIKE '(?i)XYZ'", S, r), [false, true, false, null]);
});

test("lower/upper handle ASCII and non-ASCII", () => {
  const r = rows("Hello", "ÉCOLE straße", null);
  assert.deepEqual(values("lower(s)", S, r), ["hello", "école straße", null]);
  assert.deepEqual(values("upper(s)", S, r), ["HELLO", "ÉCOLE STRASSE", null]);
});

test("trim/ltrim/rtrim remove spaces only (or given characters)", () => {
  const r = rows("  a b  ", "\tx ", null);
  assert.deepEqual(values("trim(s)", S, r), ["a b", "\tx", null]);
  assert.deepEqual(values("ltrim(s)", S, r), ["a b  ", "\tx ", null]);
  assert.deepEqual(values("rtrim(s)", S, r), ["  a b", "\tx", null]);
  assert.deepEqual(values("trim(BOTH 'xy' FROM 'xxhiyy')", S, rows("")), ["hi"]);
});

test("length counts characters; substring is 1-based with Spark's negative/zero rules", () => {
  const r = rows("héllo😀", "", null);
  assert.deepEqual(values("length(s)", S, r), [6, 0, null]);
  assert.deepEqual(values("substring(s, 2, 3)", S, r), ["éll", "", null]);
  assert.deepEqual(values("substring(s, 0, 2)", S, r), ["hé", "", null]);
  assert.deepEqual(values("substring(s, -2)", S, r), ["o😀", "", null]);
  assert.deepEqual(values("substring(s, -10, 3)", S, r), ["", "", null]);
  assert.deepEqual(values("substr(s, 6)", S, r), ["😀", "", null]);
  assert.deepEqual(values("substring(s, 2, -1)", S, r), ["", "", null]);
  const b = StructType([StructField("b", BinaryType())]);
  assert.deepEqual(values("length(b)", b, [{ b: new Uint8Array([1, 2, 3]) }]), [3]);
  // All-ASCII columns count bytes; one non-ASCII value anywhere (after 16-byte blocks too) counts characters.
  const long = "a".repeat(37);
  assert.deepEqual(values("length(s)", S, rows(long, "", "xyz")), [37, 0, 3]);
  assert.deepEqual(values("length(s)", S, rows(long, "", `${long}é`)), [37, 0, 38]);
});

test("concat is null if any argument is; concat_ws skips nulls; || concatenates", () => {
  const r = [
    { s: "a", p: "b", n: 1 },
    { s: "a", p: null, n: 2 },
  ];
  assert.deepEqual(values("concat(s, p, n)", S, r), ["ab1", null]);
  assert.deepEqual(values("concat_ws('-', s, p, n)", S, r), ["a-b-1", "a-2"]);
  assert.deepEqual(values("s || '!'", S, r), ["a!", "a!"]);
  assert.deepEqual(values("concat_ws(',', split('x,y', ','), s)", S, r.slice(0, 1)), ["x,y,a"]);
});

test("regexp_extract / regexp_replace / split follow Java regex semantics", () => {
  const r = rows("id=42;id=7", "none", null);
  assert.deepEqual(values("regexp_extract(s, 'id=(\\\\d+)', 1)", S, r), ["42", "", null]);
  assert.deepEqual(values("regexp_extract(s, 'id=(\\\\d+)', 0)", S, r), ["id=42", "", null]);
  assert.deepEqual(values("regexp_replace(s, '\\\\d+', 'N')", S, r), ["id=N;id=N", "none", null]);
  assert.deepEqual(values("regexp_replace(s, 'id=(\\\\d+)', '<$1>')", S, r), ["<42>;<7>", "none", null]);
  assert.deepEqual(values("split(s, '[=;]')", S, r), [["id", "42", "id", "7"], ["none"], null]);
  assert.deepEqual(values("split('a,b,,', ',')", S, rows("")), [["a", "b", "", ""]], "trailing empty strings are kept (limit -1)");
  assert.deepEqual(values("split('a,b,c', ',', 2)", S, rows("")), [["a", "b,c"]]);
  assert.deepEqual(values("split('abc', '')", S, rows("")), [["a", "b", "c"]]);
  assert.deepEqual(values("split('a1b2', '([0-9])')", S, rows("")), [["a", "b", ""]], "groups are not spliced into the result");
  assert.throws(() => evaluate("regexp_extract(s, '(a)', 2)", S, rows("a")), /group count is 1/);
});

test("startswith / endswith / contains on bytes", () => {
  const r = rows("héllo", "x", null);
  assert.deepEqual(values("startswith(s, 'hé')", S, r), [true, false, null]);
  assert.deepEqual(values("endswith(s, 'lo')", S, r), [true, false, null]);
  assert.deepEqual(values("contains(s, 'él')", S, r), [true, false, null]);
});

test("byte-level paths: split on one byte keeps empty parts, ASCII lpad/rpad, concat_ws joins bytes", () => {
  const r = rows("a-b--c-", "", null, "hé-x");
  assert.deepEqual(values("split(s, '-')", S, r), [["a", "b", "", "c", ""], [""], null, ["hé", "x"]]);
  assert.deepEqual(values("split(s, '\\\\-')", S, r), [["a", "b", "", "c", ""], [""], null, ["hé", "x"]]);
  const w = rows("hi", "hello", null, "hé");
  assert.deepEqual(values("lpad(s, 5, 'ab')", S, w), ["abahi", "hello", null, "abahé"]);
  assert.deepEqual(values("rpad(s, 4)", S, w), ["hi  ", "hell", null, "hé  "]);
  assert.deepEqual(values("lpad(s, 5, '')", S, w), ["hi", "hello", null, "hé"]);
  assert.deepEqual(values("concat_ws('|', s, NULL, array('x', NULL, 'y'))", S, rows("a", null)), ["a|x|y", "x|y"]);
  assert.deepEqual(values("concat_ws('é', s, s)", S, rows("a", "")), ["aéa", "é"]);
});
