/**
 * The console sink prints each micro-batch as Spark's ConsoleSink does: a `Batch: N` banner
 * between dashed lines, the show() table, and an empty line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, count } from "../../../../src/index.js";
import { ConsoleSink } from "../../../../src/connectors/console/console-sink.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { captureStdout, uniqueName } from "../../api/support.js";

const spark = SparkSession.builder.appName("console-test").getOrCreate();
const BAR = "-------------------------------------------";

test("each batch prints a Batch: N banner and the table, through writeStream.format('console')", async () => {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("ms"));
  const out = await captureStdout(async () => {
    const q = spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("console").start();
    ms.addData([
      { id: "a", n: 1 },
      { id: "b", n: null },
    ]);
    await q.processAllAvailable();
    ms.addData([{ id: "c", n: 3 }]);
    await q.processAllAvailable();
    await q.stop();
  });
  assert.equal(
    out,
    [
      BAR,
      "Batch: 0",
      BAR,
      "+---+----+",
      "| id|   n|",
      "+---+----+",
      "|  a|   1|",
      "|  b|NULL|",
      "+---+----+",
      "",
      BAR,
      "Batch: 1",
      BAR,
      "+---+---+",
      "| id|  n|",
      "+---+---+",
      "|  c|  3|",
      "+---+---+",
      "",
      "",
    ].join("\n"),
  );
});

test("numRows and truncate options; complete mode prints the whole result table", async () => {
  const ms = new MemoryStream("k STRING", uniqueName("ms"));
  const out = await captureStdout(async () => {
    const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("k").agg(count("*").alias("c"))
      .writeStream.format("console").outputMode("complete").option("numRows", 1).option("truncate", false).start();
    ms.addData([{ k: "a long key of more than twenty characters" }, { k: "b" }]);
    await q.processAllAvailable();
    await q.stop();
    assert.equal(q.lastProgress?.sink.numOutputRows, 2);
    assert.equal(q.lastProgress?.sink.description, "ConsoleSink");
  });
  assert.equal(
    out,
    [
      BAR,
      "Batch: 0",
      BAR,
      `+${"-".repeat(41)}+---+`,
      `|k${" ".repeat(40)}|c  |`,
      `+${"-".repeat(41)}+---+`,
      "|a long key of more than twenty characters|1  |",
      `+${"-".repeat(41)}+---+`,
      "only showing top 1 row",
      "",
      "",
    ].join("\n"),
  );
});

test("ConsoleSink counts every row but keeps only what it prints", async () => {
  const schema = toSchema("x INT");
  let printed = "";
  const sink = new ConsoleSink(2, true, (s) => {
    printed += s;
  });
  async function* chunks() {
    for (let i = 0; i < 5; i++) yield batchFromRows(schema, [{ x: i * 2 }, { x: i * 2 + 1 }]);
  }
  const r = await sink.addBatch({ batchId: 7, schema, outputMode: "append", data: chunks() });
  assert.deepEqual(r, { numOutputRows: 10 });
  assert.equal(printed, `${BAR}\nBatch: 7\n${BAR}\n+---+\n|  x|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows\n\n`);
});
