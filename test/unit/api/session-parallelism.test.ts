import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, ConfigError } from "../../../src/index.js";
import { defaultWorkers } from "../../../src/api/session.js";

test("worker threads default to none on one or two cores, else one per core", () => {
  assert.equal(defaultWorkers(1), 0);
  assert.equal(defaultWorkers(2), 0);
  assert.equal(defaultWorkers(3), 3);
  assert.equal(defaultWorkers(8), 8);
});

test("sluice.exec.workers overrides the default; a bad value names the setting", () => {
  const spark = SparkSession.builder.appName("parallelism").getOrCreate();
  try {
    spark.conf.set("sluice.exec.workers", 2);
    assert.equal(spark.conf.parallelism().workers, 2);
    spark.conf.set("sluice.exec.workers", "-1");
    assert.throws(() => spark.conf.parallelism(), (e: unknown) => e instanceof ConfigError && /sluice\.exec\.workers/.test(e.message));
  } finally {
    spark.conf.unset("sluice.exec.workers");
  }
  assert.equal(spark.conf.parallelism().workers, defaultWorkers());
});
