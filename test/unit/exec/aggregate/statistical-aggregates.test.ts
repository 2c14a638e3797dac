/**
 * Spark 3.5's statistical and order aggregates, checked against the examples Spark documents for
 * each function (its ExpressionDescription), run through spark.sql.
 *
 * Doubles are compared to 1e-14 relative: Spark folds each partition with its update formulas and
 * then merges the partitions' buffers with other formulas, so its last digit depends on how rows
 * were split (its documented skewness and kurtosis examples are what a split into two halves gives). sluice folds one
 * partition with Spark's update formulas term for term.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, expr } from "../../../../src/index.js";
import { restartedAggregation } from "./support.js";

const spark = new SparkSession("statistical-aggregates", { "sluice.exec.workers": "0" });

/** `actual` equals `expected`, doubles within 1e-14 relative (see above). */
function near(actual: unknown, expected: unknown, what: string): void {
  if (typeof actual === "number" && typeof expected === "number" && !Number.isInteger(expected)) {
    assert.ok(Math.abs(actual - expected) <= 1e-14 * Math.abs(expected), `${what}: ${actual} is not ${expected}`);
  } else assert.deepEqual(actual, expected, what);
}

async function value(sql: string): Promise<unknown> {
  const rows = await spark.sql(sql).collect();
  const v = Object.values(rows[0] as Record<string, unknown>)[0];
  return typeof v === "bigint" ? Number(v) : v;
}

const PAIRS_4 = "VALUES (1, 2), (2, 2), (2, 3), (2, 4) AS tab(y, x)";
const PAIRS_NULL_X = "VALUES (1, 2), (2, null), (2, 3), (2, 4) AS tab(y, x)";
const PAIRS_NULLS = "VALUES (1, 2), (2, null), (null, 3), (2, 4) AS tab(y, x)";

test("regr_* as Spark documents them, nulls in either column skipping the pair", async () => {
  const cases: [string, string, unknown][] = [
    ["regr_count", PAIRS_4, 4],
    ["regr_count", PAIRS_NULL_X, 3],
    ["regr_count", PAIRS_NULLS, 2],
    ["regr_avgx", PAIRS_4, 2.75],
    ["regr_avgx", "VALUES (1, null) AS tab(y, x)", null],
    ["regr_avgx", PAIRS_NULL_X, 3.0],
    ["regr_avgx", PAIRS_NULLS, 3.0],
    ["regr_avgy", PAIRS_4, 1.75],
    ["regr_avgy", PAIRS_NULL_X, 1.6666666666666667],
    ["regr_avgy", PAIRS_NULLS, 1.5],
    ["regr_r2", PAIRS_4, 0.2727272727272727],
    ["regr_r2", "VALUES (null, 1) AS tab(y, x)", null],
    ["regr_r2", PAIRS_NULL_X, 0.7500000000000001],
    ["regr_r2", PAIRS_NULLS, 1.0],
    ["regr_sxx", PAIRS_4, 2.75],
    ["regr_sxx", PAIRS_NULL_X, 2.0],
    ["regr_sxx", PAIRS_NULLS, 2.0],
    ["regr_sxy", PAIRS_4, 0.75],
    ["regr_sxy", PAIRS_NULL_X, 1.0],
    ["regr_sxy", PAIRS_NULLS, 1.0],
    ["regr_syy", PAIRS_4, 0.75],
    ["regr_syy", PAIRS_NULL_X, 0.6666666666666666],
    ["regr_syy", PAIRS_NULLS, 0.5],
    ["regr_slope", "VALUES (1,1), (2,2), (3,3) AS tab(y, x)", 1.0],
    ["regr_slope", "VALUES (1, null) AS tab(y, x)", null],
    ["regr_intercept", "VALUES (1,1), (2,2), (3,3) AS tab(y, x)", 0.0],
    ["regr_intercept", "VALUES (null, 1) AS tab(y, x)", null],
  ];
  for (const [fn, rows, expected] of cases) near(await value(`SELECT ${fn}(y, x) FROM ${rows}`), expected, `${fn} over ${rows}`);
});

test("moments: stddev, variance, skewness and kurtosis; one row gives null for sample statistics", async () => {
  const three = "VALUES (1), (2), (3) AS tab(col)";
  near(await value(`SELECT stddev_pop(col) FROM ${three}`), 0.816496580927726, `SELECT stddev_pop(col) FROM ${three}`);
  near(await value(`SELECT stddev_samp(col) FROM ${three}`), 1.0, `SELECT stddev_samp(col) FROM ${three}`);
  near(await value(`SELECT std(col) FROM ${three}`), 1.0, `SELECT std(col) FROM ${three}`);
  near(await value(`SELECT var_pop(col) FROM ${three}`), 0.6666666666666666, `SELECT var_pop(col) FROM ${three}`);
  near(await value(`SELECT variance(col) FROM ${three}`), 1.0, `SELECT variance(col) FROM ${three}`);
  near(await value("SELECT skewness(col) FROM VALUES (-10), (-20), (100), (1000) AS tab(col)"), 1.1135657469022011, "SELECT skewness(col) FROM VALUES (-10), (-20), (100), (1000) AS tab(col)");
  near(await value("SELECT skewness(col) FROM VALUES (-1000), (-100), (10), (20) AS tab(col)"), -1.1135657469022011, "SELECT skewness(col) FROM VALUES (-1000), (-100), (10), (20) AS tab(col)");
  near(await value("SELECT kurtosis(col) FROM VALUES (-10), (-20), (100), (1000) AS tab(col)"), -0.7014368047529627, "SELECT kurtosis(col) FROM VALUES (-10), (-20), (100), (1000) AS tab(col)");
  near(await value("SELECT kurtosis(col) FROM VALUES (1), (10), (100), (10), (1) as tab(col)"), 0.19432323191699075, "SELECT kurtosis(col) FROM VALUES (1), (10), (100), (10), (1) as tab(col)");
  assert.equal(await value("SELECT stddev_samp(col) FROM VALUES (1) AS tab(col)"), null);
  assert.equal(await value("SELECT var_pop(col) FROM VALUES (CAST(NULL AS INT)) AS tab(col)"), null);
});

test("covariance and correlation", async () => {
  near(await value("SELECT covar_pop(c1, c2) FROM VALUES (1,1), (2,2), (3,3) AS tab(c1, c2)"), 0.6666666666666666, "SELECT covar_pop(c1, c2) FROM VALUES (1,1), (2,2), (3,3) AS tab(c1, c2)");
  near(await value("SELECT covar_samp(c1, c2) FROM VALUES (1,1), (2,2), (3,3) AS tab(c1, c2)"), 1.0, "SELECT covar_samp(c1, c2) FROM VALUES (1,1), (2,2), (3,3) AS tab(c1, c2)");
  near(await value("SELECT corr(c1, c2) FROM VALUES (3, 2), (3, 3), (6, 4) as tab(c1, c2)"), 0.8660254037844387, "SELECT corr(c1, c2) FROM VALUES (3, 2), (3, 3), (6, 4) as tab(c1, c2)");
  // A constant side makes Spark's divisor zero, and Catalyst's division gives null, not NaN.
  assert.equal(await value("SELECT corr(c1, c2) FROM VALUES (1, 2), (1, 3) as tab(c1, c2)"), null);
});

test("max_by, min_by, bit_and/or/xor and count_if", async () => {
  assert.equal(await value("SELECT max_by(x, y) FROM VALUES ('a', 10), ('b', 50), ('c', 20) AS tab(x, y)"), "b");
  assert.equal(await value("SELECT min_by(x, y) FROM VALUES ('a', 10), ('b', 50), ('c', 20) AS tab(x, y)"), "a");
  assert.equal(await value("SELECT bit_and(col) FROM VALUES (3), (5) AS tab(col)"), 1);
  assert.equal(await value("SELECT bit_or(col) FROM VALUES (3), (5) AS tab(col)"), 7);
  assert.equal(await value("SELECT bit_xor(col) FROM VALUES (3), (5) AS tab(col)"), 6);
  assert.equal(await value("SELECT count_if(col % 2 = 0) FROM VALUES (NULL), (0), (1), (2), (3) AS tab(col)"), 2);
  assert.equal(await value("SELECT count_if(col IS NULL) FROM VALUES (NULL), (0), (1), (2), (3) AS tab(col)"), 1);
});

test("percentile, median, percentile_approx and mode", async () => {
  near(await value("SELECT percentile(col, 0.3) FROM VALUES (0), (10) AS tab(col)"), 3.0, "SELECT percentile(col, 0.3) FROM VALUES (0), (10) AS tab(col)");
  assert.deepEqual(await value("SELECT percentile(col, array(0.25, 0.75)) FROM VALUES (0), (10) AS tab(col)"), [2.5, 7.5]);
  near(await value("SELECT median(col) FROM VALUES (0), (10) AS tab(col)"), 5.0, "SELECT median(col) FROM VALUES (0), (10) AS tab(col)");
  near(await value("SELECT percentile(col, 0.5, f) FROM VALUES (0, 1), (10, 3) AS tab(col, f)"), 10.0, "SELECT percentile(col, 0.5, f) FROM VALUES (0, 1), (10, 3) AS tab(col, f)");
  assert.deepEqual(await value("SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM VALUES (0), (1), (2), (10) AS tab(col)"), [1, 1, 0]);
  assert.equal(await value("SELECT percentile_approx(col, 0.5, 100) FROM VALUES (0), (6), (7), (9), (10) AS tab(col)"), 7);
  assert.equal(await value("SELECT mode(col) FROM VALUES (0), (10), (10) AS tab(col)"), 10);
  assert.equal(await value("SELECT mode(col) FROM VALUES (0), (10), (10), (null), (null), (null) AS tab(col)"), 10);
  await assert.rejects(async () => value("SELECT percentile(col, 1.5) FROM VALUES (0) AS tab(col)"), /between 0.0 and 1.0/);
});

test("statistical aggregates group, and keep their state across micro-batches and a restart", async () => {
  const rows = await spark.sql("SELECT k, stddev_pop(v) AS s, max_by(n, v) AS m FROM VALUES ('a', 1, 'x'), ('a', 3, 'y'), ('b', 5, 'z') AS t(k, v, n) GROUP BY k ORDER BY k").collect();
  assert.deepEqual(rows.map((r) => [r.k, r.s, r.m]), [["a", 1, "y"], ["b", 0, "z"]]);

  const runs = restartedAggregation(spark, "k STRING, v INT, n STRING", () => [expr("var_samp(v)").alias("var"), expr("corr(v, v * v)").alias("corr"), expr("max_by(n, v)").alias("top"), expr("percentile(v, 0.5)").alias("p50"), expr("mode(n)").alias("mode"), expr("bit_or(v)").alias("bits")], "stats");
  const run = async (data: { k: string; v: number; n: string }[]) => (await runs(data)).map((r) => [r.k, r.var, r.corr, r.top, r.p50, r.mode, r.bits]);
  await run([{ k: "a", v: 1, n: "x" }, { k: "a", v: 2, n: "y" }]);
  const after = await run([{ k: "a", v: 4, n: "y" }, { k: "b", v: 8, n: "z" }]);
  const spreadOfA = [1, 2, 4];
  const mean = spreadOfA.reduce((s, x) => s + x, 0) / 3;
  const variance = spreadOfA.reduce((s, x) => s + (x - mean) ** 2, 0) / 2;
  assert.equal(after.length, 2);
  near(after[0][1], variance, "var_samp across the restart");
  assert.ok(typeof after[0][2] === "number" && after[0][2] > 0.98 && after[0][2] < 1);
  assert.deepEqual([after[0][3], after[0][4], after[0][5], after[0][6]], ["y", 2, "y", 7]);
  assert.deepEqual(after[1].slice(1), [null, null, "z", 8, "z", 8]);
});

test("try_sum gives null where an integral sum leaves the long range; try_avg is avg", async () => {
  assert.equal(await value("SELECT try_sum(col) FROM VALUES (5), (10), (15) AS tab(col)"), 30);
  assert.equal(await value("SELECT try_sum(col) FROM VALUES (9223372036854775807L), (1L) AS tab(col)"), null);
  assert.equal(await value("SELECT sum(col) FROM VALUES (9223372036854775807L), (1L) AS tab(col)"), Number(-9223372036854775808n));
  assert.equal(await value("SELECT try_sum(col) FROM VALUES (-9223372036854775807L), (-1L), (5L) AS tab(col)"), Number(-9223372036854775803n));
  assert.equal(await value("SELECT try_avg(col) FROM VALUES (1), (2), (3) AS tab(col)"), 2);
  const grouped = await spark.sql("SELECT k, try_sum(v) AS s FROM VALUES ('a', 9223372036854775807L), ('a', 1L), ('b', 1L) AS t(k, v) GROUP BY k ORDER BY k").collect();
  assert.deepEqual(grouped.map((r) => r.s), [null, 1n]);
});

test("try_sum and try_avg of intervals: sum and avg, null where the interval sum overflows", async () => {
  assert.equal(await value("SELECT try_sum(col) FROM VALUES (interval '1' month), (interval '2' month) AS tab(col)"), 3);
  assert.equal(await value("SELECT try_sum(col) FROM VALUES (interval '2147483647' month), (interval '1' month) AS tab(col)"), null);
  assert.equal(await value("SELECT try_avg(col) FROM VALUES (interval '2147483647' month), (interval '1' month) AS tab(col)"), null);
  await assert.rejects(value("SELECT sum(col) FROM VALUES (interval '2147483647' month), (interval '1' month) AS tab(col)"), /overflow/);
});

test("approx_count_distinct is Spark's HyperLogLog++: exact on small sets, within its error bound, relativeSD sets the precision", async () => {
  assert.equal(await value("SELECT approx_count_distinct(col1) FROM VALUES (1), (1), (2), (2), (3) tab(col1)"), 3);
  assert.equal(await value("SELECT approx_count_distinct(c) FROM VALUES (0.0D), (-0.0D), (double('NaN')), (double('NaN')) tab(c)"), 2);
  for (const [n, rsd] of [[1000, 0.05], [100_000, 0.05], [100_000, 0.01]] as const) {
    const estimate = (await value(`SELECT approx_count_distinct(id, ${rsd}) FROM range(${n})`)) as number;
    assert.ok(Math.abs(estimate - n) / n < 3 * rsd, `${estimate} for ${n} distinct values at relativeSD ${rsd}`);
  }
  await assert.rejects(value("SELECT approx_count_distinct(id, 0.5) FROM range(3)"), /at least 4 bits/);
  const grouped = await spark.sql("SELECT k, approx_count_distinct(v) AS n FROM VALUES ('a', 1), ('a', 1), ('a', 2), ('b', 7) t(k, v) GROUP BY k ORDER BY k").collect();
  assert.deepEqual(grouped.map((r) => r.n), [2n, 1n]);
});
