import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, ConfigError } from "../../../../src/index.js";

test("a source folder that does not exist fails at load(), naming the path (as Spark)", () => {
  const spark = SparkSession.builder.getOrCreate();
  const missing = join(mkdtempSync(join(tmpdir(), "sluice-missing-")), "landng");
  assert.throws(
    () => spark.readStream.format("text").load(missing),
    (e: unknown) => e instanceof ConfigError && e.message === `text source: path does not exist: ${missing}`,
  );
  // A glob path may match nothing yet: it is not checked.
  assert.doesNotThrow(() => spark.readStream.format("text").load(join(missing, "*.json")));
});
