// The Structured Streaming programming guide's "Basic Operations - Selection, Projection,
// Aggregation" (Python), ported with only syntax changes: IoT device readings arrive as JSON files;
// the same stream is queried with the DataFrame API and, through a temp view, with spark.sql.
//   INPUT=/data/devices OUTPUT=/data/out CHECKPOINTS=/data/_checkpoints \
//   npx sluice run examples/spark/basic-operations-sql.ts
// Writes three results as JSON: OUTPUT/signal (devices with signal > 10), OUTPUT/by_type
// (counts per device type) and OUTPUT/total (the count from SQL).
import { SparkSession, StructType, StructField, StringType, DoubleType, TimestampType } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("basic_operations").getOrCreate();

// streaming DataFrame with IOT device data with schema { device: string, deviceType: string, signal: double, time: timestamp }
const schema = StructType([
  StructField("device", StringType()),
  StructField("deviceType", StringType()),
  StructField("signal", DoubleType()),
  StructField("time", TimestampType()),
]);
const df = spark.readStream.schema(schema).json(env("INPUT"));

// Select the devices which have signal more than 10
const signal = df.select("device").where("signal > 10");

// Running count of the number of updates for each device type
const byType = df.groupBy("deviceType").count();

df.createOrReplaceTempView("updates");
const total = spark.sql("select count(*) from updates"); // returns another streaming DF

const once = { availableNow: true } as const;
const q1 = signal.writeStream.format("json").option("checkpointLocation", `${env("CHECKPOINTS")}/signal`).trigger(once).start(`${env("OUTPUT")}/signal`);
// Aggregations keep their whole result in complete mode; the memory sink shows it as a table.
const q2 = byType.writeStream.format("memory").queryName("by_type").outputMode("complete").option("checkpointLocation", `${env("CHECKPOINTS")}/by_type`).trigger(once).start();
const q3 = total.writeStream.format("memory").queryName("total").outputMode("complete").option("checkpointLocation", `${env("CHECKPOINTS")}/total`).trigger(once).start();
await Promise.all([q1.awaitTermination(), q2.awaitTermination(), q3.awaitTermination()]);

await spark.table("by_type").write.mode("overwrite").json(`${env("OUTPUT")}/by_type`);
await spark.table("total").write.mode("overwrite").json(`${env("OUTPUT")}/total`);
