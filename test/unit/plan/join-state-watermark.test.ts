/**
 * State watermarks from time-range join conditions, as Spark's StreamingJoinHelper derives them:
 * which conjuncts bound which side, the -1 ms of non-strict comparisons, constants in seconds, and
 * the conditions that bound nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, expr } from "../../../src/index.js";
import { stateValueWatermark } from "../../../src/plan/join-state-watermark.js";
import type { BoundExpr } from "../../../src/plan/expressions/bound.js";
import { bindExpr } from "../../../src/plan/expressions/bind.js";

const spark = SparkSession.builder.getOrCreate();
const pair = spark.createDataFrame([], "lt TIMESTAMP, x INT, rt TIMESTAMP").schema;
const bind = (sql: string): BoundExpr => bindExpr(expr(sql).expr, pair);

test("a range `r within [l, l + 1 h]` bounds the left side by w - 1 h and the right by w", () => {
  const c = bind("CAST(rt AS LONG) >= CAST(lt AS LONG) AND CAST(rt AS LONG) <= CAST(lt AS LONG) + 3600");
  assert.equal(stateValueWatermark(c, 0, 2)?.(10_000_000), 10_000_000 - 3_600_000 - 1);
  assert.equal(stateValueWatermark(c, 2, 0)?.(10_000_000), 10_000_000 - 1);
});

test("strict comparisons keep the bound exact; timestamps compare directly; the least bound wins", () => {
  assert.equal(stateValueWatermark(bind("rt > lt"), 2, 0)?.(5000), 5000);
  assert.equal(stateValueWatermark(bind("CAST(lt AS LONG) < CAST(rt AS LONG) - 10 AND CAST(lt AS LONG) < CAST(rt AS LONG) - 20"), 2, 0)?.(100_000), 110_000);
});

test("conditions that bound nothing: other columns, products, the side's time on the small side", () => {
  assert.equal(stateValueWatermark(bind("CAST(rt AS LONG) < CAST(lt AS LONG) + x"), 0, 2), null);
  assert.equal(stateValueWatermark(bind("rt = lt"), 0, 2), null);
  assert.equal(stateValueWatermark(bind("CAST(lt AS LONG) < CAST(rt AS LONG) * 2"), 0, 2), null);
  assert.equal(stateValueWatermark(bind("lt < rt"), 0, 2), null, "lt is the smaller: lt is not bounded by this");
  assert.equal(stateValueWatermark(null, 0, 2), null);
});

test("INTERVAL literals bound state as Spark's helper does: day-time and month-free calendar intervals count, months do not", () => {
  const c = bind("rt >= lt AND rt <= lt + INTERVAL 1 HOUR");
  assert.equal(stateValueWatermark(c, 0, 2)?.(10_000_000), 10_000_000 - 3_600_000 - 1);
  assert.equal(stateValueWatermark(c, 2, 0)?.(10_000_000), 10_000_000 - 1);
  const minus = bind("lt > rt - INTERVAL '30' MINUTE");
  assert.equal(stateValueWatermark(minus, 0, 2)?.(10_000_000), 10_000_000 - 1_800_000);
  const calendar = bind("rt <= lt + INTERVAL '1 day 2 hours'");
  assert.equal(stateValueWatermark(calendar, 0, 2)?.(200_000_000), 200_000_000 - 93_600_000 - 1);
  assert.equal(stateValueWatermark(bind("rt <= lt + INTERVAL 1 MONTH"), 0, 2), null);
});
