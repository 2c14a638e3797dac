/**
 * The fused scan (issue 15): `format("text")` → `CAST(value AS STRING)` → `from_json` parses the
 * file's lines in place. The planner must recognise exactly the plans where `value` is read only
 * through one `from_json` call, and the fused read must give the rows the unfused one gives, for
 * blank, malformed, CRLF and non-UTF-8 lines alike, in this thread and in worker threads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, col, from_json, lit } from "../../../src/index.js";
import type { DataFrame, Row } from "../../../src/index.js";
import { planPhysical } from "../../../src/exec/planner.js";

const spark = SparkSession.builder.appName("fused-text-json").getOrCreate();
const SCHEMA = "id STRING, n BIGINT, ts TIMESTAMP";

/** A landing folder of two files with every kind of line the parsers disagree on. */
function landing(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-fused-"));
  writeFileSync(
    join(dir, "a.json"),
    [
      `{"id":"a","n":1,"ts":"2024-05-01T10:00:00Z"}`,
      ``,
      `   `,
      `{"id":"b","n":"x"}`,
      `{"id":"c","n":2`,
      `[1,2]`,
      `null`,
      `{"id":"d\\u00e9","n":3} trailing`,
      `{"id":"e","n":4}\r`,
    ].join("\n") + "\n",
  );
  writeFileSync(join(dir, "b.json"), Buffer.concat([Buffer.from(`{"id":"f","n":5}\n{"id":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`","n":6}\n{"id":"g"}`)]));
  return dir;
}

function sortRows(rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : v))).sort();
}

/** The seed's shape, which fuses. */
function seed(df: DataFrame): DataFrame {
  return df.selectExpr("CAST(value AS STRING)").select(from_json(col("value"), SCHEMA).alias("data")).select("data.*");
}

/** The same rows through a plan that also reads `value` itself, which does not fuse. */
function unfused(df: DataFrame): DataFrame {
  return df
    .selectExpr("CAST(value AS STRING)")
    .select(from_json(col("value"), SCHEMA).alias("data"), col("value").alias("raw"))
    .select("data.*");
}

test("the seed's text → CAST → from_json plan fuses; other uses of value do not", () => {
  const dir = landing();
  const fusedPlan = planPhysical(seed(spark.read.format("text").load(dir)).resolved, { outputMode: "append", stateFor: () => null });
  assert.equal(fusedPlan.sources.length, 1);
  assert.equal(fusedPlan.sources[0].jsonValue?.fn.name, "from_json");
  assert.equal(fusedPlan.sources[0].readSchema.fields[0].dataType.typeName, "struct");

  const notFused = (df: DataFrame) => planPhysical(df.resolved, { outputMode: "append", stateFor: () => null }).sources[0].jsonValue;
  const text = () => spark.read.format("text").load(dir);
  assert.equal(notFused(unfused(text())), null, "value read beside from_json");
  assert.equal(notFused(text().select(from_json(col("value"), SCHEMA).alias("a"), from_json(col("value"), "id STRING").alias("b"))), null, "two schemas");
  assert.equal(notFused(text().select(lit(1).alias("one"))), null, "no from_json at all");
  assert.equal(notFused(spark.read.format("json").schema(SCHEMA).load(dir)), null, "not a text source");
  // Two uses of the same call share one parse.
  assert.notEqual(notFused(text().select(from_json(col("value"), SCHEMA).alias("a"), from_json(col("value"), SCHEMA).getField("id").alias("id"))), null);
});

test("fused and unfused reads give the same rows, in this thread and in workers", async () => {
  const dir = landing();
  const expected = sortRows(await unfused(spark.read.format("text").load(dir)).collect());
  assert.equal(expected.length, 12, "every line is a row, blank and malformed ones too");
  assert.deepEqual(sortRows(await seed(spark.read.format("text").load(dir)).collect()), expected);
  spark.conf.set("sluice.exec.workers", 2);
  spark.conf.set("sluice.exec.parallelMinBytes", 0);
  try {
    assert.deepEqual(sortRows(await seed(spark.read.format("text").load(dir)).collect()), expected);
  } finally {
    spark.conf.unset("sluice.exec.workers");
    spark.conf.unset("sluice.exec.parallelMinBytes");
  }
});

test("a streaming query fuses too, and its Silver rows equal the unfused query's", async () => {
  const dir = landing();
  const run = async (shape: (df: DataFrame) => DataFrame, name: string) => {
    const q = shape(spark.readStream.format("text").load(dir))
      .filter(col("id").isNotNull())
      .dropDuplicates(["id"])
      .writeStream.format("memory")
      .queryName(name)
      .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-fused-ck-")))
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    return sortRows(await spark.sql(`SELECT * FROM ${name}`).collect());
  };
  const fused = await run(seed, "fused_silver");
  assert.deepEqual(fused, await run(unfused, "unfused_silver"));
  // a, b (n does not fit: null), dé (text after the object ignored), e (CRLF), f, the non-UTF-8 id, g.
  assert.equal(fused.length, 7);
});

test("FAILFAST fails the fused read with from_json's error", async () => {
  const dir = landing();
  const failFast = (df: DataFrame) => df.select(from_json(col("value"), SCHEMA, { mode: "FAILFAST" }).alias("d")).select("d.*");
  await assert.rejects(failFast(spark.read.format("text").load(dir)).collect(), /from_json: malformed record at index 3 of its chunk in FAILFAST mode: .* \(file:\/\/.* line 4\)$/);
  // Not fused (a filter first): the error names the file the chunk came from.
  await assert.rejects(failFast(spark.read.format("text").load(dir).filter("value IS NOT NULL")).collect(), /from_json: malformed record at index 3 of its chunk read from file:\/\/.* in FAILFAST mode/);
});
