/** Spark 3.5's bitmap functions: exact distinct counts per bucket of 32,768 values. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, bitmap_bit_position, bitmap_bucket_number, bitmap_construct_agg, bitmap_count, col } from "../../../../src/index.js";

const spark = new SparkSession("bitmap-functions", { "sluice.exec.workers": "0" });

async function row(sql: string): Promise<unknown[]> {
  return Object.values((await spark.sql(sql).collect())[0] as Record<string, unknown>);
}

test("bucket and bit of a value, as Spark's BitmapExpressionUtils (Java's truncating division)", async () => {
  assert.deepEqual(await row("SELECT bitmap_bucket_number(123), bitmap_bucket_number(0), bitmap_bucket_number(32768), bitmap_bucket_number(32769), bitmap_bucket_number(-1)"), [1n, 0n, 1n, 2n, 0n]);
  assert.deepEqual(await row("SELECT bitmap_bit_position(1), bitmap_bit_position(123), bitmap_bit_position(32769), bitmap_bit_position(-5)"), [0n, 122n, 0n, 5n]);
});

test("construct, OR and count bitmaps: the exact number of distinct values per bucket", async () => {
  const [n] = await row("SELECT bitmap_count(bitmap_construct_agg(bitmap_bit_position(col))) FROM VALUES (1), (2), (3), (3) AS tab(col)");
  assert.equal(n, 3n);
  const [or] = await row(
    "SELECT bitmap_count(bitmap_or_agg(b)) FROM (SELECT bitmap_construct_agg(bitmap_bit_position(c)) AS b FROM VALUES (1), (5) t(c) UNION ALL SELECT bitmap_construct_agg(bitmap_bit_position(c)) FROM VALUES (5), (9) t(c))",
  );
  assert.equal(or, 3n);
  await assert.rejects(row("SELECT bitmap_construct_agg(col) FROM VALUES (40000L) AS tab(col)"), /INVALID_BITMAP_POSITION/);
  const df = spark.createDataFrame([{ u: 7n }, { u: 7n }, { u: 40000n }], "u BIGINT");
  const perBucket = await df
    .groupBy(bitmap_bucket_number("u").alias("bucket"))
    .agg(bitmap_count(bitmap_construct_agg(bitmap_bit_position(col("u")))).alias("distinct"))
    .orderBy("bucket")
    .collect();
  assert.deepEqual(perBucket.map((r) => [r.bucket, r.distinct]), [[1n, 1n], [2n, 1n]]);
});
