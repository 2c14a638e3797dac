/**
 * The streaming file sink: data files plus Spark's `_spark_metadata/<N>` log, batch ids already
 * logged are skipped, Spark's file naming and SinkFileStatus lines; files read back with DuckDB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream } from "../../../../src/index.js";
import { fileSinkConnector, resolveFileSinkOptions } from "../../../../src/connectors/file/file-sink.js";
import type { StreamSink } from "../../../../src/connectors/sink.js";
import { readSinkLogFiles } from "../../../../src/tables/parquet-log/sink-log.js";
import { escapePathName } from "../../../../src/tables/files/partition-path.js";
import type { SinkContext } from "../../../../src/connectors/registry.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { localFileSystem, resolveLocation, routeLocalStorage } from "../../../../src/storage/resolve.js";
import { CountingStorage } from "../../../../src/storage/forwarding.js";
import type { StorageCallCounts } from "../../../../src/storage/forwarding.js";
import { visibleSinkFiles } from "../../../support/spark-metadata.js";
import { query } from "../../formats/parquet/duckdb.js";
import { tempPath, uniqueName } from "../../api/support.js";

const spark = SparkSession.builder.appName("file-sink-test").getOrCreate();
const schema = toSchema("id STRING, n BIGINT");

function sinkFor(path: string, options: Record<string, string> = {}, partitionBy: string[] = [], format: "parquet" | "json" | "csv" = "parquet"): StreamSink {
  const ctx: SinkContext = { options: { path, ...options }, schema, outputMode: "append", partitionBy, queryName: null, queryId: "q" };
  return fileSinkConnector(format).create(ctx);
}

async function* chunks(...rows: { id: string | null; n: bigint | null }[][]) {
  for (const r of rows) yield batchFromRows(schema, r);
}

test("each batch adds data files and a _spark_metadata/N entry in Spark's SinkFileStatus format", async () => {
  const out = tempPath("out");
  const sink = sinkFor(out);
  assert.equal(sink.description, `FileSink[file://${out}]`);
  const { files: committed, ...result } = await sink.addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }], [{ id: "b", n: null }]) });
  assert.deepEqual(result, { numOutputRows: 2, metrics: {} });
  const files = readdirSync(out).filter((f) => f.endsWith(".parquet"));
  assert.equal(files.length, 1);
  assert.deepEqual(committed?.map((f) => f.key), [`${resolveLocation(out).key}/${files[0]}`], "the batch reports the file it committed");
  assert.match(files[0], /^part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
  const [version, line, ...rest] = readFileSync(join(out, "_spark_metadata", "0"), "utf8").split("\n");
  assert.equal(version, "v1");
  assert.deepEqual(rest.filter((l) => l !== ""), []);
  const status = JSON.parse(line);
  assert.deepEqual(Object.keys(status), ["path", "size", "isDir", "modificationTime", "blockReplication", "blockSize", "action"]);
  assert.equal(status.path, `file://${join(out, files[0])}`);
  assert.equal(status.action, "add");
  assert.equal(status.isDir, false);
  assert.equal(status.size, readFileSync(join(out, files[0])).length);
  assert.deepEqual(await query(`SELECT id, n FROM read_parquet('${out}/*.parquet') ORDER BY id`), [
    { id: "a", n: "1" },
    { id: "b", n: null },
  ]);
});

test("a batch id already in the log is skipped without writing files", async () => {
  const out = tempPath("out");
  const sink = sinkFor(out);
  await sink.addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }]) });
  const again = sinkFor(out); // a restarted query's sink
  assert.deepEqual(await again.addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }]) }), { numOutputRows: 0, metrics: {} });
  assert.equal(readdirSync(out).filter((f) => f.endsWith(".parquet")).length, 1);
  const { files: committed, ...result } = await again.addBatch({ batchId: 1, schema, outputMode: "append", data: chunks([{ id: "b", n: 2n }]) });
  assert.deepEqual(result, { numOutputRows: 1, metrics: {} });
  assert.equal(committed?.length, 1);
  const { storage, key } = resolveLocation(out);
  const listed = await readSinkLogFiles(storage, key);
  assert.equal(listed?.length, 2);
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_parquet('${out}/*.parquet')`), [{ c: "2" }]);
});

test("maxRecordsPerFile rolls files; partitionBy writes Hive folders with escaped values and a default for null", async () => {
  const out = tempPath("out");
  const rows = [
    { id: "a/b", n: 1n },
    { id: "a/b", n: 2n },
    { id: "a/b", n: 3n },
    { id: null, n: 4n },
    { id: "", n: 5n },
  ];
  await sinkFor(out, { maxRecordsPerFile: "2" }, ["id"]).addBatch({ batchId: 0, schema, outputMode: "append", data: chunks(rows) });
  // An empty string is the null partition, as in Spark (and Delta): no `id=` folder.
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith("id=")).sort(), ["id=__HIVE_DEFAULT_PARTITION__", "id=a%2Fb"]);
  assert.equal(readdirSync(join(out, "id=a%2Fb")).length, 2);
  assert.equal(escapePathName("x:y=z"), "x%3Ay%3Dz");
  const all = await query(`SELECT n FROM read_parquet('${out}/*/*.parquet') ORDER BY n`);
  assert.deepEqual(all.map((r) => r.n), ["1", "2", "3", "4", "5"]);
});

test("json format writes JSON lines; gzip compression writes .json.gz", async () => {
  const out = tempPath("json");
  await sinkFor(out, {}, [], "json").addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }, { id: null, n: 2n }]) });
  const f = readdirSync(out).filter((x) => x.endsWith(".json"));
  assert.equal(f.length, 1);
  assert.equal(readFileSync(join(out, f[0]), "utf8"), '{"id":"a","n":1}\n{"n":2}\n');
  const gz = tempPath("gz");
  await sinkFor(gz, { compression: "gzip" }, [], "json").addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }]) });
  assert.equal(readdirSync(gz).filter((x) => x.endsWith(".json.gz")).length, 1);
  assert.deepEqual(await query(`SELECT id FROM read_json_auto('${gz}/*.json.gz')`), [{ id: "a" }]);
});

test("csv format writes Spark's CSV, with a header when asked, partitioned, read back by DuckDB; gzip writes .csv.gz", async () => {
  const out = tempPath("csv");
  const sink = sinkFor(out, { header: "true" }, ["id"], "csv");
  await sink.addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "a", n: 1n }, { id: "a", n: null }, { id: null, n: 3n }]) });
  const files = readdirSync(join(out, "id=a")).filter((x) => x.endsWith(".csv"));
  assert.equal(files.length, 1);
  assert.equal(readFileSync(join(out, "id=a", files[0]), "utf8"), "n\n1\n\n");
  const rows = await query(`SELECT id, n FROM read_csv('${out}/*/*.csv', header = true, hive_partitioning = true, columns = {'n': 'BIGINT'}) ORDER BY n NULLS FIRST`);
  assert.deepEqual(rows, [
    { id: "a", n: null },
    { id: "a", n: "1" },
    { id: null, n: "3" },
  ]);
  const gz = tempPath("csvgz");
  await sinkFor(gz, { compression: "gzip", sep: ";" }, [], "csv").addBatch({ batchId: 0, schema, outputMode: "append", data: chunks([{ id: "x;y", n: 1n }]) });
  const g = readdirSync(gz).filter((x) => x.endsWith(".csv.gz"));
  assert.equal(g.length, 1);
  assert.deepEqual(await query(`SELECT column0 AS id, column1 AS n FROM read_csv('${gz}/*.csv.gz', header = false, delim = ';', quote = '"', escape = '\\')`), [{ id: "x;y", n: "1" }]);
  // sluice's CSV reader (Spark's defaults) reads back what the writer wrote, quotes and all.
  const batchOut = tempPath("csvbatch");
  const written = [
    { id: 'say "hi", twice', n: 2n },
    { id: "", n: null },
    { id: null, n: -1n },
    { id: "ends with a backslash, \\", n: 4n },
    { id: 'a \\" b', n: 5n },
  ];
  await spark.createDataFrame(written, "id STRING, n BIGINT").write.option("header", true).csv(batchOut);
  const back = await spark.read.format("csv").schema("id STRING, n BIGINT").option("header", true).load(batchOut).collect();
  // As in Spark, the empty string is written as "" and read back as null (it equals nullValue).
  assert.deepEqual(back.map((r) => [r.id, r.n]), [
    ['say "hi", twice', 2n],
    [null, null],
    [null, -1n],
    ["ends with a backslash, \\", 4n],
    ['a \\" b', 5n],
  ]);
  assert.match(readFileSync(join(batchOut, readdirSync(batchOut).find((x) => x.endsWith(".csv")) ?? ""), "utf8"), /^id,n\n"say \\"hi\\", twice",2\n"",\n,-1\n/);
  assert.throws(() => resolveFileSinkOptions("csv", { path: "/tmp/x", sep: ";;" }, schema, []), /option 'sep' must be one character/);
  assert.throws(() => resolveFileSinkOptions("csv", { path: "/tmp/x" }, toSchema("a ARRAY<INT>, b INT"), []), /does not support array<int> data type \(column a\)/);
});

test("option errors name the option or column", () => {
  const check = (format: "parquet" | "json", options: Record<string, string>, partitionBy: string[] = []) => resolveFileSinkOptions(format, options, schema, partitionBy);
  assert.throws(() => check("parquet", {}), /'path' is not specified/);
  assert.throws(() => check("parquet", { path: "/tmp/x", compression: "lzo" }), /option 'compression' must be one of/);
  assert.throws(() => check("json", { path: "/tmp/x", compression: "snappy" }), /json sink: option 'compression' must be none or gzip/);
  assert.throws(() => check("parquet", { path: "/tmp/x", maxRecordsPerFile: "-1" }), /maxRecordsPerFile/);
  assert.throws(() => check("parquet", { path: "/tmp/x" }, ["nope"]), /partition column 'nope' not found in schema \[id, n\]/);
  assert.throws(() => check("parquet", { path: "/tmp/x" }, ["id", "n"]), /cannot use all columns for partition columns/);
});

test("through writeStream: the log compacts every 10 batches and readers see every row once", async () => {
  const ms = new MemoryStream("id STRING, n BIGINT", uniqueName("ms"));
  const out = tempPath("out");
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .writeStream.format("parquet").option("checkpointLocation", tempPath("ck")).start(out);
  for (let i = 0; i < 11; i++) {
    ms.addData([{ id: `e${i}`, n: BigInt(i) }]);
    await q.processAllAvailable();
  }
  await q.stop();
  assert.equal(q.exception, null);
  const log = readdirSync(join(out, "_spark_metadata"));
  assert.ok(log.includes("9.compact"), `log files: ${log.join(", ")}`);
  assert.ok(log.includes("10"));
  const { storage, key } = resolveLocation(out);
  assert.equal((await readSinkLogFiles(storage, key))?.length, 11);
  assert.deepEqual(await query(`SELECT count(*) AS c, count(DISTINCT id) AS d FROM read_parquet('${out}/*.parquet')`), [{ c: "11", d: "11" }]);
});

test("the sink lists its log once; expired log files are deleted as the session's fileSink.log settings say", async () => {
  const out = tempPath("out");
  const counting = new CountingStorage(localFileSystem());
  const undo = routeLocalStorage(() => counting);
  const sessionConf = {
    "spark.sql.streaming.minBatchesToRetain": "4",
    "spark.sql.streaming.fileSink.log.compactInterval": "3",
    "spark.sql.streaming.fileSink.log.cleanupDelay": "0ms",
  };
  const perBatch: StorageCallCounts[] = [];
  try {
    const ctx: SinkContext = { options: { path: out }, schema, outputMode: "append", partitionBy: [], queryName: null, queryId: "q", sessionConf };
    const sink = fileSinkConnector("parquet").create(ctx);
    for (let b = 0; b < 30; b++) {
      counting.reset();
      await sink.addBatch({ batchId: b, schema, outputMode: "append", data: chunks([{ id: `e${b}`, n: BigInt(b) }]) });
      perBatch.push(counting.reset());
    }
  } finally {
    undo();
  }
  assert.equal(perBatch[0].list, 1, "the first batch lists the log");
  assert.deepEqual(perBatch.slice(1).map((c) => c.list), new Array<number>(29).fill(0));
  const calls = (c: StorageCallCounts): number => c.get + c.head + c.put + c.createWriter + c.delete;
  const cycle = (from: number): number => perBatch.slice(from, from + 3).reduce((n, c) => n + calls(c), 0);
  assert.equal(cycle(9), cycle(27), "a compaction cycle costs the same early and late");
  // After batch 29: the last 4 batches start at 26, whose compaction batch is 23.
  assert.deepEqual(readdirSync(join(out, "_spark_metadata")).filter((n) => /^\d/.test(n)).sort(), ["23.compact", "24", "25", "26.compact", "27", "28", "29.compact"]);
  assert.equal((await visibleSinkFiles(out)).length, 30, "an independent reader of the log sees every file");
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_parquet([${(await visibleSinkFiles(out)).map((f) => `'${f}'`).join(",")}])`), [{ c: "30" }]);
});
