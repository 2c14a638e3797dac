import { test } from "node:test";
import assert from "node:assert/strict";
import { StructType, StructField, BooleanType, StringType, IntegerType } from "../../../../src/types/data-types.js";
import { vectorFromValues, batchFromRows } from "../../../../src/columnar/build.js";
import { and, or, not, isNull } from "../../../../src/exec/eval/logic.js";
import { bindExpr } from "../../../../src/plan/expressions/bind.js";
import { compileExpr } from "../../../../src/exec/eval/compile.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { makeBatch } from "../../../../src/columnar/batch.js";
import { readVector, values } from "./helpers.js";

const T = true;
const F = false;
const N = null;
// Every combination of (left, right) over {true, false, null}.
const L = [T, T, T, F, F, F, N, N, N];
const R = [T, F, N, T, F, N, T, F, N];

test("AND follows three-valued logic (null AND false = false)", () => {
  const out = and(vectorFromValues(BooleanType(), L), vectorFromValues(BooleanType(), R));
  assert.deepEqual(readVector(out), [T, F, N, F, F, F, N, F, N]);
});

test("OR follows three-valued logic (null OR true = true)", () => {
  const out = or(vectorFromValues(BooleanType(), L), vectorFromValues(BooleanType(), R));
  assert.deepEqual(readVector(out), [T, T, T, T, F, N, T, N, N]);
});

test("AND/OR without nulls take the mask-free path", () => {
  const a = vectorFromValues(BooleanType(), [T, T, F, F]);
  const b = vectorFromValues(BooleanType(), [T, F, T, F]);
  assert.deepEqual(readVector(and(a, b)), [T, F, F, F]);
  assert.deepEqual(readVector(or(a, b)), [T, T, T, F]);
  assert.equal(and(a, b).valid, null);
});

test("NOT keeps nulls null", () => {
  assert.deepEqual(readVector(not(vectorFromValues(BooleanType(), [T, F, N]))), [F, T, N]);
});

test("IS NULL / IS NOT NULL are never null", () => {
  const v = vectorFromValues(StringType(), ["a", null, ""]);
  assert.deepEqual(readVector(isNull(v, false)), [F, T, F]);
  assert.deepEqual(readVector(isNull(v, true)), [T, F, T]);
  assert.equal(isNull(v, true).valid, null);
});

test("SQL AND/OR/NOT through the binder agree with the kernels", () => {
  const schema = StructType([StructField("a", BooleanType()), StructField("b", BooleanType())]);
  const rows = L.map((a, i) => ({ a, b: R[i] }));
  assert.deepEqual(values("a AND b", schema, rows), [T, F, N, F, F, F, N, F, N]);
  assert.deepEqual(values("a OR b", schema, rows), [T, T, T, T, F, N, T, N, N]);
  assert.deepEqual(values("NOT a", schema, rows), [F, F, F, T, T, T, N, N, N]);
  assert.deepEqual(values("a <=> b", schema, rows), [T, F, F, F, T, F, F, F, T]);
});

test("IN returns null when nothing matches and the list or value has a null", () => {
  const schema = StructType([StructField("x", IntegerType())]);
  const rows = [{ x: 1 }, { x: 5 }, { x: null }];
  assert.deepEqual(values("x IN (1, 2)", schema, rows), [T, F, N]);
  assert.deepEqual(values("x IN (1, NULL)", schema, rows), [T, N, N]);
  assert.deepEqual(values("x NOT IN (1, 2)", schema, rows), [F, T, N]);
  // 1 NOT IN (2, NULL) is null: the null might have been 1.
  assert.deepEqual(values("x NOT IN (2, NULL)", schema, rows), [N, N, N]);
  assert.deepEqual(values("x NOT IN (1, NULL)", schema, rows), [F, N, N]);
  const s = StructType([StructField("s", StringType())]);
  assert.deepEqual(values("s IN ('a', 'é')", s, [{ s: "é" }, { s: "b" }, { s: null }]), [T, F, N]);
  // The same rules over strings against a literal list (compared in place, not broadcast):
  // look-alikes of other lengths, the empty string, and nulls in the list or the value.
  const strs = [{ s: "a" }, { s: "ab" }, { s: "" }, { s: null }, { s: "b" }];
  assert.deepEqual(values("s IN ('a', '')", s, strs), [T, F, T, N, F]);
  assert.deepEqual(values("s IN ('ab', NULL)", s, strs), [N, T, N, N, N]);
  assert.deepEqual(values("s NOT IN ('a', 'abc')", s, strs), [F, T, T, N, T]);
  assert.deepEqual(values("s NOT IN ('b', NULL)", s, strs), [N, N, N, N, F]);
  assert.deepEqual(values("s IN (NULL)", s, strs), [N, N, N, N, N]);
});

test("CASE picks the first true branch; null conditions fall through", () => {
  const schema = StructType([StructField("x", IntegerType())]);
  const rows = [{ x: 1 }, { x: 5 }, { x: null }];
  assert.deepEqual(values("CASE WHEN x > 3 THEN 'big' WHEN x > 0 THEN 'small' END", schema, rows), ["small", "big", null]);
  assert.deepEqual(values("CASE x WHEN 1 THEN 'one' ELSE 'other' END", schema, rows), ["one", "other", "other"]);
});

test("event_id IS NOT NULL over 1M rows is one pass over the validity mask", () => {
  const n = 1_000_000;
  const schema = StructType([StructField("event_id", StringType())]);
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    valid[i] = i % 7 === 0 ? 0 : 1;
    offsets[i + 1] = offsets[i] + valid[i];
  }
  const col = { kind: "bytes" as const, type: StringType(), length: n, valid, offsets, data: new Uint8Array(offsets[n]).fill(0x61) };
  const batch = makeBatch(schema, [col], n);
  const ev = compileExpr(bindExpr(parseExpression("event_id IS NOT NULL"), schema));
  const out = ev(batch);
  assert.equal(out.kind, "bool");
  assert.equal(out.length, n);
  assert.equal(out.valid, null, "IS NOT NULL is never null");
  if (out.kind !== "bool") return;
  let trues = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(out.values[i], i % 7 === 0 ? 0 : 1);
    trues += out.values[i];
  }
  assert.equal(trues, n - Math.ceil(n / 7));
  // The result does not alias the input mask (vectors are immutable, but results must be independent).
  assert.notEqual(out.values, valid);
});

test("a filter over a batch with no nulls yields all true", () => {
  const schema = StructType([StructField("event_id", StringType())]);
  const batch = batchFromRows(schema, [{ event_id: "a" }, { event_id: "b" }]);
  const out = compileExpr(bindExpr(parseExpression("event_id IS NOT NULL"), schema))(batch);
  assert.deepEqual(readVector(out), [T, T]);
});

test("a literal evaluates right over chunks of varying lengths (one broadcast, views after it)", () => {
  const schema = StructType([StructField("s", StringType())]);
  const ev = compileExpr(bindExpr(parseExpression("concat(s, '-x')"), schema));
  for (const n of [5, 3, 8, 1, 8]) {
    const rows = Array.from({ length: n }, (_, i) => ({ s: `r${n}-${i}` }));
    assert.deepEqual(readVector(ev(batchFromRows(schema, rows))), rows.map((r) => `${r.s}-x`), `${n} rows`);
  }
});
