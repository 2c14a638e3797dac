// union of two streaming sources (a JSON folder and a CSV folder) matched by position; rows of
// both are kept, duplicates included. Batches admit new files from each source independently.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) => {
    const a = readStream().format("json").schema("id STRING, v BIGINT").load(`${input}/a`).selectExpr("id", "'a' AS src", "v");
    const b = readStream()
      .format("csv")
      .option("header", true)
      .schema("key STRING, value BIGINT")
      .load(`${input}/b`)
      .selectExpr("key", "'b' AS src", "value * 10");
    return a.union(b);
  },
};
export default query;
