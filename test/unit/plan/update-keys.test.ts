/**
 * Update-mode keys: the output columns that identify an aggregation's row, traced through
 * projections (renames, reordering) and row-preserving operators.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, count, sum, col } from "../../../src/index.js";
import { updateKeys } from "../../../src/plan/update-keys.js";
import { uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("update-keys-test").getOrCreate();
const input = new MemoryStream("user STRING, day STRING, n INT", uniqueName("ms"));
const stream = spark.readStream.format("memory").option("name", input.name).load();

test("a groupBy's grouping columns are its keys, in grouping order", () => {
  assert.deepEqual(updateKeys(stream.groupBy("day", "user").count().resolved), { kind: "keys", columns: ["day", "user"] });
});

test("keys follow renames and reordering by later projections and filters", () => {
  const df = stream
    .groupBy("user", "day")
    .agg(sum("n").alias("total"), count("*").alias("c"))
    .select(col("total"), col("day").alias("d"), col("user").alias("u"))
    .filter("total > 1");
  assert.deepEqual(updateKeys(df.resolved), { kind: "keys", columns: ["u", "d"] });
});

test("an aggregation whose grouping column is dropped has no usable key", () => {
  const df = stream.groupBy("user", "day").count().select("user", "count");
  const k = updateKeys(df.resolved);
  assert.equal(k.kind, "unknown");
});

test("a computed column over a key is not the key", () => {
  const df = stream.groupBy("user").count().selectExpr("upper(user) AS user", "count");
  assert.equal(updateKeys(df.resolved).kind, "unknown");
});

test("queries without aggregation are append-only", () => {
  assert.deepEqual(updateKeys(stream.filter("n > 0").dropDuplicates(["user"]).resolved), { kind: "appendOnly" });
});
