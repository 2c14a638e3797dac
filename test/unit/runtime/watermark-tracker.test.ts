/**
 * The query watermark as Spark's WatermarkTracker computes it: per operator max event time minus
 * delay, only rising; an operator without rows yet counts as 0; min (default) or max across
 * operators; the global value never moves back; the policy setting is checked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WatermarkTracker, watermarkPolicy } from "../../../src/runtime/watermark-tracker.js";
import { ConfigError } from "../../../src/errors.js";

const stats = (count: number, max: number, delayMs: number) => ({ count, min: 0, max, avg: 0, delayMs });

test("one operator: max event time minus the delay, never moving back", () => {
  const t = new WatermarkTracker("min");
  t.update([stats(3, 25_000, 10_000)]);
  assert.equal(t.currentMs, 15_000);
  t.update([stats(1, 20_000, 10_000)]); // an older max does not lower it
  assert.equal(t.currentMs, 15_000);
  t.update([stats(0, Number.NEGATIVE_INFINITY, 10_000)]); // no rows: unchanged
  assert.equal(t.currentMs, 15_000);
});

test("two inputs: min waits for the slower one (0 until it has rows); max follows the faster", () => {
  const min = new WatermarkTracker("min");
  min.update([stats(5, 100_000, 0), stats(0, Number.NEGATIVE_INFINITY, 0)]);
  assert.equal(min.currentMs, 0, "the second input has seen nothing yet");
  min.update([stats(0, Number.NEGATIVE_INFINITY, 0), stats(2, 40_000, 0)]);
  assert.equal(min.currentMs, 40_000);
  const max = new WatermarkTracker("max");
  max.update([stats(5, 100_000, 0), stats(0, Number.NEGATIVE_INFINITY, 0)]);
  assert.equal(max.currentMs, 100_000);
});

test("a restored watermark is kept until the data passes it; the policy setting is validated", () => {
  const t = new WatermarkTracker("min");
  t.set(50_000);
  t.update([stats(1, 55_000, 10_000)]);
  assert.equal(t.currentMs, 50_000);
  t.update([stats(1, 70_000, 10_000)]);
  assert.equal(t.currentMs, 60_000);
  assert.equal(watermarkPolicy({}), "min");
  assert.equal(watermarkPolicy({ "spark.sql.streaming.multipleWatermarkPolicy": "MAX" }), "max");
  assert.throws(() => watermarkPolicy({ "spark.sql.streaming.multipleWatermarkPolicy": "median" }), ConfigError);
});
