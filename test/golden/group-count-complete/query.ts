// The seed's Gold job shape: groupBy(...).count() in complete mode (the whole result table every
// batch; the output is the last batch's table). A null key is its own group; a group seen only
// in the first batch stays in the result.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "complete",
  build: ({ readStream, input }) =>
    readStream().format("json").schema("event_id STRING, user_id STRING, event_type STRING").load(input).groupBy("event_type").count(),
};
export default query;
