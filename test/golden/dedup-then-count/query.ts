// Two stateful operators in a row, as a Silver → Gold job: dropDuplicates(["event_id"]) then
// groupBy("event_type").count() in update mode. A duplicate arriving in a later batch must not
// count again; a null event_id is one key (its first row is kept, later null-id rows dropped).
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "update",
  keys: ["event_type"],
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("event_id STRING, event_type STRING")
      .load(input)
      .dropDuplicates(["event_id"])
      .groupBy("event_type")
      .count(),
};
export default query;
