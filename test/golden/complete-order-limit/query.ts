// An aggregation sorted and limited in complete mode (the only mode where Spark allows sorting a
// stream): the final table is the top 3 users by event count, ties broken by user id; the row
// order is part of the output.
import { count, desc, sum } from "sluice";
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "complete",
  ordered: true,
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("user STRING, amount BIGINT")
      .load(input)
      .groupBy("user")
      .agg(count("*").alias("n"), sum("amount").alias("total"))
      .orderBy(desc("n"), "user")
      .limit(3),
};
export default query;
