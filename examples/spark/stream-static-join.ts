// The Structured Streaming programming guide's stream–static joins (Python), ported with only
// syntax changes: a static table of device types joined with a stream of readings, inner and left
// outer, both written as Parquet.
//   TYPES=/data/types.json INPUT=/data/readings OUTPUT=/data/out CHECKPOINTS=/data/_checkpoints \
//   npx sluice run examples/spark/stream-static-join.ts
import { SparkSession } from "sluice";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`set ${name} (see the header of this file)`);
  return v;
};

const spark = SparkSession.builder.appName("stream_static_join").getOrCreate();

const staticDf = spark.read.schema("type STRING, description STRING").json(env("TYPES"));
const streamingDf = spark.readStream.schema("device STRING, type STRING, value DOUBLE").json(env("INPUT"));

const inner = streamingDf.join(staticDf, "type"); // inner equi-join with a static DF
const leftOuter = streamingDf.join(staticDf, "type", "left_outer"); // left outer join with a static DF

const once = { availableNow: true } as const;
const q1 = inner.writeStream.format("parquet").option("checkpointLocation", `${env("CHECKPOINTS")}/inner`).trigger(once).start(`${env("OUTPUT")}/inner`);
const q2 = leftOuter.writeStream.format("parquet").option("checkpointLocation", `${env("CHECKPOINTS")}/left_outer`).trigger(once).start(`${env("OUTPUT")}/left_outer`);
await Promise.all([q1.awaitTermination(), q2.awaitTermination()]);
