import { test } from "node:test";
import assert from "node:assert/strict";
import { makeBatch } from "../../../../src/columnar/batch.js";
import { vectorFromValues } from "../../../../src/columnar/build.js";
import { IntegerType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { PartitionSplitter } from "../../../../src/tables/files/partition-split.js";

/** Groups by key in order of first appearance, as `split` promises. */
function expected(keys: readonly unknown[]): { groupOf: number[]; rows: number[][] } {
  const ids = new Map<string, number>();
  const groupOf = keys.map((k) => {
    const s = JSON.stringify(k ?? null);
    if (!ids.has(s)) ids.set(s, ids.size);
    return ids.get(s) ?? -1;
  });
  const rows: number[][] = [...ids.keys()].map(() => []);
  groupOf.forEach((g, i) => rows[g].push(i));
  return { groupOf, rows };
}

function check(splitter: PartitionSplitter, batch: ReturnType<typeof makeBatch>, keys: readonly unknown[]): void {
  const g = splitter.split(batch);
  const want = expected(keys);
  assert.deepEqual([...g.groupOf], want.groupOf);
  assert.equal(g.count, want.rows.length);
  assert.equal(g.start[0], 0);
  for (let k = 0; k < g.count; k++) {
    assert.equal(g.start[k + 1] - g.start[k], want.rows[k].length, `rows of group ${k}`);
    assert.equal(g.firstRow[k], want.rows[k][0]);
  }
}

test("split groups a string column's rows by value: nulls, short values, look-alikes, many values", () => {
  const schema = StructType([StructField("p", StringType())]);
  const splitter = new PartitionSplitter([0], [StringType()]);
  let x = 7;
  const rand = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  // Same length and same last four bytes, different first bytes; "" and short values; nulls;
  // then 1,000 distinct values, more than the value cache holds.
  const few = ["aTAIL", "bTAIL", "", "a", "ab", "abc", "abcd", "region-07", "region-17", null, "ré", "€"];
  const batches = [
    Array.from({ length: 5000 }, () => few[rand(few.length)]),
    Array.from({ length: 20000 }, (_, i) => (i % 97 === 0 ? null : `v-${rand(1000)}`)),
    ["same", "same", "same"],
  ];
  for (const keys of batches) check(splitter, makeBatch(schema, [vectorFromValues(StringType(), keys)]), keys);
});

test("split groups by several columns through the key codec", () => {
  const schema = StructType([StructField("a", StringType()), StructField("b", IntegerType())]);
  const splitter = new PartitionSplitter([0, 1], [StringType(), IntegerType()]);
  const a = Array.from({ length: 3000 }, (_, i) => (i % 11 === 0 ? null : `k${i % 5}`));
  const b = Array.from({ length: 3000 }, (_, i) => (i % 13 === 0 ? null : i % 3));
  check(splitter, makeBatch(schema, [vectorFromValues(StringType(), a), vectorFromValues(IntegerType(), b)]), a.map((v, i) => [v, b[i]]));
});
