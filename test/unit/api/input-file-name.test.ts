/**
 * input_file_name(), input_file_block_start() and input_file_block_length(): the file each row was
 * read from (file and Delta sources), "" / -1 where rows no longer come straight from a file; and
 * the quarantine table's `_source`, which is the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SparkSession, ExpectationError, col, from_json, input_file_name } from "../../../src/index.js";
import { tempPath } from "./support.js";

const spark = SparkSession.builder.appName("input-file-name-test").getOrCreate();

function landing(files: Record<string, string>): string {
  const dir = tempPath("landing");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test("each row names the file it was read from; rows after an aggregation name none", async () => {
  const dir = landing({ "one.json": '{"a":1}\n{"a":2}\n', "two.json": '{"a":3}\n' });
  const url = (f: string) => pathToFileURL(join(dir, f)).href;
  const df = spark.read.format("json").schema("a INT").load(dir);
  const rows = await df.select(col("a"), input_file_name().alias("f")).selectExpr("a", "f", "input_file_block_start() AS s", "input_file_block_length() AS len").collect();
  assert.deepEqual(
    [...rows].sort((x, y) => Number(x.a) - Number(y.a)),
    [
      { a: 1, f: url("one.json"), s: 0n, len: BigInt(statSync(join(dir, "one.json")).size) },
      { a: 2, f: url("one.json"), s: 0n, len: BigInt(statSync(join(dir, "one.json")).size) },
      { a: 3, f: url("two.json"), s: 0n, len: BigInt(statSync(join(dir, "two.json")).size) },
    ],
  );
  assert.deepEqual(await df.groupBy().count().select(input_file_name().alias("f")).collect(), [{ f: "" }]);
  assert.deepEqual(await spark.range(2).select(input_file_name().alias("f")).collect(), [{ f: "" }, { f: "" }]);
});

test("queries running at once each see their own files", async () => {
  const files = (tag: string) => Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${tag}-${i}.json`, Array.from({ length: 50 }, (_, k) => `{"a":${i * 100 + k}}`).join("\n") + "\n"]));
  const dirs = [landing(files("x")), landing(files("y"))];
  const results = await Promise.all(dirs.map((d) => spark.read.format("json").schema("a INT").load(d).filter("a >= 0").select(input_file_name().alias("f")).collect()));
  results.forEach((rows, i) => {
    assert.equal(rows.length, 300);
    for (const { f } of rows) assert.ok(String(f).startsWith(pathToFileURL(dirs[i]).href + "/"), `${String(f)} is not in ${dirs[i]}`);
  });
});

test("a Delta table's rows name their data file", async () => {
  const table = tempPath("delta");
  await spark.createDataFrame([{ a: 1 }, { a: 2 }], "a INT").write.format("delta").save(table);
  const files = await spark.read.format("delta").load(table).select(input_file_name().alias("f")).collect();
  assert.equal(files.length, 2);
  for (const { f } of files) assert.match(String(f), new RegExp(`^${pathToFileURL(table).href}/part-00000-.*\\.parquet$`));
});

test("quarantined rows from a file source carry the file in _source", async () => {
  const dir = landing({ "events-1.json": '{"id":"a","n":1}\n{"id":null,"n":2}\nnot json\n' });
  const out = tempPath("q");
  const q = spark.readStream
    .format("text")
    .load(dir)
    .select(from_json(col("value"), "id STRING, n INT").alias("d"))
    .select("d.*")
    .expectOrQuarantine("has_id", col("id").isNotNull())
    .writeStream.format("delta")
    .option("checkpointLocation", join(out, "checkpoint"))
    .option("quarantinePath", join(out, "quarantine"))
    .start(join(out, "silver"));
  await q.processAllAvailable();
  await q.stop();
  const bad = await spark.read.format("delta").load(join(out, "quarantine")).select("_source", "id", "n").collect();
  const file = pathToFileURL(join(dir, "events-1.json")).href;
  assert.deepEqual(
    [...bad].sort((x, y) => Number(x.n ?? 99) - Number(y.n ?? 99)),
    [
      { _source: file, id: null, n: 2 },
      { _source: file, id: null, n: null },
    ],
  );
});

test("expectOrFail names the file of the failing record", async () => {
  const dir = landing({ "ok.json": '{"id":"a"}\n', "bad.json": '{"id":"b"}\n{"id":null}\n' });
  await assert.rejects(
    spark.read.format("json").schema("id STRING").load(dir).expectOrFail("has_id", "id IS NOT NULL").collect(),
    (e: unknown) => e instanceof ExpectationError && e.context.path === pathToFileURL(join(dir, "bad.json")).href && e.message.includes(`read from ${pathToFileURL(join(dir, "bad.json")).href}`),
  );
});
