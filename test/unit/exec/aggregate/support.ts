/**
 * Streaming runs for aggregate state tests: each run starts `groupBy("k").agg(…)` over one memory
 * stream in complete mode on the same checkpoint, adds its rows, returns the result ordered by `k`
 * and stops the query, so the next run resumes from the checkpointed state.
 */
import { MemoryStream, col } from "../../../../src/index.js";
import type { Column, SparkSession } from "../../../../src/index.js";
import { tempPath, uniqueName } from "../../api/support.js";

export function restartedAggregation(spark: SparkSession, schema: string, aggs: () => Column[], name: string): (data: Record<string, unknown>[]) => Promise<Record<string, unknown>[]> {
  const checkpoint = tempPath(`ck-${name}`);
  const ms = new MemoryStream(schema, uniqueName(name));
  return async (data) => {
    const out = uniqueName(`${name}_out`);
    const q = spark.readStream
      .format("memory")
      .option("name", ms.name)
      .load()
      .groupBy("k")
      .agg(...aggs())
      .writeStream.format("memory")
      .queryName(out)
      .outputMode("complete")
      .option("checkpointLocation", checkpoint)
      .start();
    try {
      ms.addData(data);
      await q.processAllAvailable();
      return await spark.table(out).orderBy(col("k")).collect();
    } finally {
      await q.stop();
    }
  };
}
