// The seed's Glue job (Bronze → Silver): text lines → from_json (PERMISSIVE) → filter → dropDuplicates.
// Input covers malformed lines, non-object records, type-mismatched fields (null, other fields
// kept: Spark ≥ 3.4 partial results), string fields given numbers/objects/booleans (re-serialised
// compactly), duplicate keys (last wins), an empty-string id (kept: not null), duplicates within a
// file, across files of one batch and across batches, a gzipped file and a file without a final newline.
import { col, from_json, StructType, StructField, StringType, LongType } from "sluice";
import type { GoldenQuery } from "../../support/golden-runner.js";

const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
  StructField("event_type", StringType(), true),
  StructField("payload", StringType(), true),
]);

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("text")
      .load(input)
      .selectExpr("CAST(value AS STRING)")
      .select(from_json(col("value"), schema).alias("data"))
      .select("data.*")
      .filter(col("event_id").isNotNull())
      .dropDuplicates(["event_id"]),
};
export default query;
