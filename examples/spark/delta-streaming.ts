// Delta Lake's examples/python/streaming.py, ported with only syntax changes (the random value of
// the first batch write is a fixed offset; the first stream writes the rate source's first ROWS
// rows and the last runs until ROWS rows are counted, instead of ten seconds each):
//   TABLE=/data/delta-table CHECKPOINTS=/data/_checkpoints npx sluice run examples/spark/delta-streaming.ts
import { SparkSession, DeltaTable } from "sluice";
import type { DataFrame } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};
const path = env("TABLE");
const checkpoints = env("CHECKPOINTS");
const rows = Number(process.env.ROWS ?? "20");

const spark = SparkSession.builder.appName("delta_streaming").getOrCreate();

// Create a table(key, value) of some data
let data = spark.range(8);
data = data.withColumn("value", data.col("id").plus(1000));
await data.write.format("delta").mode("overwrite").save(path);

// Stream writes to the table: the rate source's first ROWS values as ids
const streamingDf = spark.readStream.format("rate").option("rowsPerSecond", String(rows)).load().limit(rows);
const stream = streamingDf.selectExpr("value as id").writeStream.format("delta").option("checkpointLocation", `${checkpoints}/write`).start(path);
while ((await spark.read.format("delta").load(path).count()) < 8 + rows) await new Promise((r) => setTimeout(r, 100));
await stream.stop();

// Stream reads from the table
const stream2 = spark.readStream.format("delta").load(path).writeStream.format("memory").queryName("read_back").option("checkpointLocation", `${checkpoints}/read`).trigger({ availableNow: true }).start();
await stream2.awaitTermination();
console.log(`read back ${await spark.table("read_back").count()} rows`);

// Streaming aggregates in Update mode, upserted into the table with merge
const deltaTable = DeltaTable.forPath(spark, path);
async function upsertToDelta(microBatchOutputDF: DataFrame, _batchId: number): Promise<void> {
  await deltaTable
    .alias("t")
    .merge(microBatchOutputDF.alias("s"), "s.id = t.id")
    .whenMatchedUpdateAll()
    .whenNotMatchedInsertAll()
    .execute();
}
const streamingAggregatesDF = spark.readStream.format("rate").option("rowsPerSecond", String(rows)).load().selectExpr("value % 10 as id").groupBy("id").count().withColumnRenamed("count", "value");
const stream3 = streamingAggregatesDF.writeStream.foreachBatch(upsertToDelta).outputMode("update").option("checkpointLocation", `${checkpoints}/upsert`).start();
// Until at least ROWS rate rows have been counted in (Delta's example sleeps ten seconds instead).
while (stream3.recentProgress.reduce((n, p) => n + p.numInputRows, 0) < rows) await new Promise((r) => setTimeout(r, 100));
await stream3.stop();
console.log(`upserted ${stream3.recentProgress.reduce((n, p) => n + p.numInputRows, 0)} rate rows`);

// Batch read
await spark.read.format("delta").load(path).orderBy("id").show(100);
