/**
 * Partition transforms against the Iceberg spec's reference values (Appendix B: 32-bit hash
 * requirements) and its truncate / time examples.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorFromValues } from "../../../../src/columnar/build.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { applyTransform, humanString, parseTransform } from "../../../../src/tables/iceberg/transforms.js";
import { DateType, DecimalType, IntegerType, LongType, StringType, TimestampType } from "../../../../src/types/data-types.js";
import type { DataType } from "../../../../src/types/data-types.js";

/** bucket[2^31-1] of a value: its hash masked to 31 bits (the spec's reference hashes, so masked). */
function hashOf(type: DataType, value: unknown): number {
  const v = applyTransform({ kind: "bucket", n: 2147483647 }, vectorFromValues(type, [value]), type, "c");
  assert.equal(v.kind, "i32");
  return (v as Vector & { values: Int32Array }).values[0];
}

test("bucket hashes match the spec's reference values", () => {
  const masked = (h: number) => (h & 0x7fffffff) % 2147483647;
  assert.equal(hashOf(IntegerType(), 34), masked(2017239379));
  assert.equal(hashOf(LongType(), 34n), masked(2017239379));
  assert.equal(hashOf(DecimalType(4, 2), "14.20"), masked(-500754589));
  assert.equal(hashOf(DateType(), new Date("2017-11-16T00:00:00Z")), masked(-653330422));
  assert.equal(hashOf(TimestampType(), new Date("2017-11-16T22:31:08Z")), masked(-2047944441));
  assert.equal(hashOf(StringType(), "iceberg"), masked(1210000089));
});

test("bucket[4] of ids agrees with the folders Spark wrote (spark/rename_column: ids 1, 2 → 0; 3 → 3; 4 → 2)", () => {
  const v = applyTransform(parseTransform("bucket[4]"), vectorFromValues(IntegerType(), [1, 2, 3, 4]), IntegerType(), "id");
  assert.deepEqual([...(v as Vector & { values: Int32Array }).values], [0, 0, 3, 2]);
});

test("truncate: integers round toward negative infinity, strings keep W code points", () => {
  const ints = applyTransform(parseTransform("truncate[10]"), vectorFromValues(IntegerType(), [1, -1, 10, 19]), IntegerType(), "i");
  assert.deepEqual([...(ints as Vector & { values: Int32Array }).values], [0, -10, 10, 10]);
  const s = applyTransform(parseTransform("truncate[3]"), vectorFromValues(StringType(), ["iceberg", "ab", "🐇🐇🐇🐇"]), StringType(), "s");
  assert.deepEqual([0, 1, 2].map((i) => humanString({ kind: "identity" }, StringType(), s, i)), ["ice", "ab", "🐇🐇🐇"]);
});

test("year, month, day and hour of timestamps, with their folder text", () => {
  const ts = vectorFromValues(TimestampType(), [new Date("2017-11-16T22:31:08Z"), new Date("1969-12-31T23:00:00Z")]);
  const text = (name: string) => {
    const t = parseTransform(name);
    const v = applyTransform(t, ts, TimestampType(), "ts");
    return [0, 1].map((i) => humanString(t, TimestampType(), v, i));
  };
  assert.deepEqual(text("year"), ["2017", "1969"]);
  assert.deepEqual(text("month"), ["2017-11", "1969-12"]);
  assert.deepEqual(text("day"), ["2017-11-16", "1969-12-31"]);
  assert.deepEqual(text("hour"), ["2017-11-16-22", "1969-12-31-23"]);
});

test("unknown transforms are refused by name", () => {
  assert.throws(() => parseTransform("bucket[0]"), /unknown partition transform 'bucket\[0\]'/);
  assert.throws(() => parseTransform("zorder"), /unknown partition transform 'zorder'/);
});
