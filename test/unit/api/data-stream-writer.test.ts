/**
 * `readStream` / `writeStream` definition errors, raised synchronously at `load()`, `trigger()` or
 * `start()` with Spark-like messages (and a did-you-mean where a name was mistyped).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, ConfigError, MemoryStream, count, col } from "../../../src/index.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("stream-writer-test").getOrCreate();
const input = new MemoryStream("id STRING, n INT", uniqueName("ms"));
const stream = spark.readStream.format("memory").option("name", input.name).load();
const aggregated = stream.groupBy("id").agg(count("*").alias("c"));

function throwsWith(f: () => unknown, cls: typeof AnalysisError | typeof ConfigError, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test("a memory source DataFrame is streaming and has the MemoryStream's schema", () => {
  assert.equal(stream.isStreaming, true);
  assert.deepEqual(stream.columns, ["id", "n"]);
  assert.equal(aggregated.isStreaming, true);
});

test("complete mode without an aggregation is refused at start()", () => {
  throwsWith(
    () => stream.writeStream.format("memory").queryName(uniqueName()).outputMode("complete").start(),
    AnalysisError,
    /complete output mode not supported when there are no streaming aggregations/,
  );
});

test("append mode after an aggregation (no watermark) is refused at start()", () => {
  throwsWith(
    () => aggregated.writeStream.format("memory").queryName(uniqueName()).outputMode("append").start(),
    AnalysisError,
    /append output mode not supported when there are streaming aggregations on streaming DataFrames without watermark/,
  );
  // The default output mode is append.
  throwsWith(() => aggregated.writeStream.format("console").start(), AnalysisError, /append output mode not supported/);
});

test("sorting a stream is refused unless it sorts an aggregation in complete mode", async () => {
  throwsWith(
    () => stream.orderBy("id").writeStream.format("console").start(),
    AnalysisError,
    /sorting is not supported on streaming DataFrames, unless it is on an aggregated DataFrame in complete output mode/,
  );
  throwsWith(() => aggregated.orderBy("c").writeStream.format("console").outputMode("update").start(), AnalysisError, /sorting is not supported/);
  const q = aggregated.orderBy(col("c").desc()).writeStream.format("memory").queryName(uniqueName()).outputMode("complete").start();
  await q.stop();
  assert.equal(q.exception, null);
});

test("limit on an append-mode stream emits n rows over the whole query, across batches and restarts", async () => {
  const input = new MemoryStream("id STRING, n INT", uniqueName("ms-limit"));
  const checkpoint = tempPath("limit-checkpoint");
  const name = uniqueName("limited");
  const start = () =>
    spark.readStream.format("memory").option("name", input.name).load().limit(3).writeStream.format("memory").queryName(name).option("checkpointLocation", checkpoint).start();
  let q = start();
  input.addData([{ id: "a", n: 1 }, { id: "b", n: 2 }]);
  await q.processAllAvailable();
  input.addData([{ id: "c", n: 3 }, { id: "d", n: 4 }]);
  await q.processAllAvailable();
  await q.stop();
  q = start();
  input.addData([{ id: "e", n: 5 }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id), ["a", "b", "c"]);
  throwsWith(() => stream.limit(3).groupBy("id").count().writeStream.format("console").outputMode("update").start(), AnalysisError, /limits are not supported/);
});

test("writeStream on a batch DataFrame is refused", () => {
  throwsWith(() => spark.createDataFrame([], "a INT").writeStream, AnalysisError, /can be called only on a streaming DataFrame/);
});

test("batch actions on a stream are refused", async () => {
  await assert.rejects(stream.collect(), (e: unknown) => e instanceof AnalysisError && /writeStream\.start\(\)/.test(e.message));
  await assert.rejects(stream.count(), AnalysisError);
  await assert.rejects(stream.show(), AnalysisError);
});

test("the file sink supports only append mode", () => {
  throwsWith(
    () => aggregated.writeStream.format("parquet").outputMode("complete").option("checkpointLocation", tempPath("ck")).start(tempPath("out")),
    AnalysisError,
    /data source parquet does not support complete output mode/,
  );
  throwsWith(
    () => aggregated.writeStream.format("json").outputMode("update").option("checkpointLocation", tempPath("ck")).start(tempPath("out")),
    AnalysisError,
    /data source json does not support update output mode/,
  );
});

test("a parquet sink needs a checkpointLocation (option or session default) and a path", async () => {
  throwsWith(
    () => stream.writeStream.format("parquet").option("path", tempPath("out")).start(),
    AnalysisError,
    /checkpointLocation must be specified either through option\("checkpointLocation", \.\.\.\) or spark\.conf\.set\("spark\.sql\.streaming\.checkpointLocation"/,
  );
  throwsWith(() => stream.writeStream.format("parquet").option("checkpointLocation", tempPath("ck")).start(), ConfigError, /'path' is not specified/);
  // foreachBatch needs one too.
  throwsWith(() => stream.writeStream.foreachBatch(() => undefined).start(), AnalysisError, /checkpointLocation must be specified/);
  // The session default is used under the query's name.
  const root = tempPath("root");
  spark.conf.set("spark.sql.streaming.checkpointLocation", root);
  try {
    const name = uniqueName("named");
    const q = stream.writeStream.format("parquet").queryName(name).start(tempPath("out"));
    await q.started;
    await q.stop();
    assert.equal(q.exception, null);
    const { existsSync } = await import("node:fs");
    assert.ok(existsSync(`${root}/${name}/metadata`));
  } finally {
    spark.conf.unset("spark.sql.streaming.checkpointLocation");
  }
});

test("unknown sink and source formats are ConfigErrors with a suggestion", () => {
  throwsWith(() => stream.writeStream.format("parqet").start(), ConfigError, /unknown sink format 'parqet'; did you mean 'parquet'\?/);
  throwsWith(() => stream.writeStream.format("consol").start(), ConfigError, /did you mean 'console'/);
  throwsWith(() => spark.readStream.format("jsn").load("/tmp"), ConfigError, /unknown source format 'jsn'; did you mean 'json'\?/);
});

test("unknown options are ConfigErrors with a suggestion, at load() or start()", () => {
  throwsWith(() => spark.readStream.format("memory").option("name", input.name).option("nme", "x").load(), ConfigError, /unknown option 'nme'; did you mean 'name'\?/);
  throwsWith(
    () => stream.writeStream.format("parquet").option("pth", "x").option("checkpointLocation", tempPath("ck")).start(),
    ConfigError,
    /parquet sink: unknown option 'pth'; did you mean 'path'\?/,
  );
  throwsWith(() => stream.writeStream.format("console").option("numRow", 5).start(), ConfigError, /did you mean 'numRows'/);
  throwsWith(() => stream.writeStream.format("console").option("numRows", "many").start(), ConfigError, /option 'numRows' must be a positive integer, got "many"/);
  throwsWith(() => spark.readStream.format("rate").option("rowsPerSecond", -1).load(), ConfigError, /rowsPerSecond/);
  throwsWith(() => spark.readStream.format("memory").option("name", "no_such_stream").load(), ConfigError, /no MemoryStream named 'no_such_stream'/);
});

test("bad trigger strings and shapes are ConfigErrors at trigger()", () => {
  const w = () => stream.writeStream;
  throwsWith(() => w().trigger({ processingTime: "5 secnds" }), ConfigError, /unknown unit 'secnds' in interval "5 secnds"/);
  throwsWith(() => w().trigger({ processingTime: "abc" }), ConfigError, /in interval "abc"/);
  throwsWith(() => w().trigger({ processingTime: "" }), ConfigError, /processingTime/);
  throwsWith(() => w().trigger({ processingTime: -5 }), ConfigError, /non-negative/);
  throwsWith(() => w().trigger({ continuous: "1 second" }), ConfigError, /continuous processing is not supported/);
  // Type-level misuse from JavaScript callers.
  throwsWith(() => w().trigger(JSON.parse('{"once": false}')), ConfigError, /once must be true/);
  throwsWith(() => w().trigger(JSON.parse("{}")), ConfigError, /exactly one of processingTime, availableNow, once; got none/);
  throwsWith(() => w().trigger(JSON.parse('{"once": true, "availableNow": true}')), ConfigError, /got once, availableNow/);
  // Accepted forms.
  w().trigger({ processingTime: "1 minute" }).trigger({ processingTime: "interval 2 seconds" }).trigger({ processingTime: 500 });
  w().trigger({ availableNow: true }).trigger({ once: true });
});

test("bad output modes are ConfigErrors", () => {
  throwsWith(() => stream.writeStream.outputMode("upsert"), ConfigError, /unknown output mode 'upsert'/);
  stream.writeStream.outputMode("Complete"); // case-insensitive
});

test("the memory sink needs a queryName", () => {
  throwsWith(() => stream.writeStream.format("memory").start(), ConfigError, /queryName must be specified for the memory sink/);
});

test("two active queries cannot share a name", async () => {
  const name = uniqueName("dup");
  const q = stream.writeStream.format("memory").queryName(name).start();
  try {
    throwsWith(() => stream.writeStream.format("memory").queryName(name).start(), AnalysisError, new RegExp(`query with name '${name}' as a query with that name is already active`));
  } finally {
    await q.stop();
  }
  // Once stopped, the name is free again.
  const again = stream.writeStream.format("memory").queryName(name).start();
  await again.stop();
  assert.equal(again.exception, null);
});
