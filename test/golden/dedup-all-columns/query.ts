// dropDuplicates() over every column: rows equal in all columns (nulls equal to nulls, as in
// grouping) appear once, within a batch and across batches; rows differing in any column stay.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream().format("json").schema("a STRING, b BIGINT, c DOUBLE").load(input).dropDuplicates(),
};
export default query;
