// groupBy().agg(sum, avg, min, max, count distinct, count) in update mode: each batch emits the
// groups it changed; the output is the batches' rows merged by key (the last emitted row of each
// group). Nulls are ignored by the aggregates (a group of only null amounts has a null sum/avg/
// min/max and a count of 0), a null key is a group, and count distinct spans batches.
// (Spark rejects distinct aggregates on streams; sluice supports them.)
import { avg, count, countDistinct, max, min, sum } from "sluice";
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "update",
  keys: ["user"],
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("user STRING, amount BIGINT, item STRING")
      .load(input)
      .groupBy("user")
      .agg(sum("amount"), avg("amount"), min("amount"), max("amount"), countDistinct("item"), count("amount").alias("n")),
};
export default query;
