// The upsert pattern of AWS Glue streaming samples and Delta's docs: each micro-batch keeps the
// latest change per key (row_number over a window), then a SQL MERGE INTO applies it to a Delta
// table. Ported with only syntax changes.
//   INPUT=/data/changes TABLE=/data/customers CHECKPOINT=/data/_checkpoints/upsert \
//   npx sluice run examples/spark/foreach-batch-upsert.ts
import { SparkSession, Window, col, row_number } from "sluice";
import type { DataFrame } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("foreach_batch_upsert").getOrCreate();
const table = env("TABLE");

spark.sql(`CREATE TABLE IF NOT EXISTS delta.\`${table}\` (id BIGINT, name STRING, city STRING, updated_at TIMESTAMP) USING DELTA`);

const changes = spark.readStream.schema("id BIGINT, name STRING, city STRING, updated_at TIMESTAMP, op STRING").json(env("INPUT"));

function upsert(batch: DataFrame, batchId: number): void {
  const w = Window.partitionBy("id").orderBy(col("updated_at").desc());
  batch.withColumn("rn", row_number().over(w)).filter("rn = 1").drop("rn").createOrReplaceTempView("updates");
  spark.sql(`
    MERGE INTO delta.\`${table}\` t
    USING updates s
    ON t.id = s.id
    WHEN MATCHED AND s.op = 'delete' THEN DELETE
    WHEN MATCHED AND s.updated_at > t.updated_at THEN UPDATE SET t.name = s.name, t.city = s.city, t.updated_at = s.updated_at
    WHEN NOT MATCHED AND s.op <> 'delete' THEN INSERT (id, name, city, updated_at) VALUES (s.id, s.name, s.city, s.updated_at)
  `);
  console.log(`batch ${batchId} merged`);
}

const query = changes.writeStream
  .foreachBatch(upsert)
  .option("checkpointLocation", env("CHECKPOINT"))
  .trigger(process.env.TRIGGER === "availableNow" ? { availableNow: true } : { processingTime: "1 minute" })
  .start();

await query.awaitTermination();
