// CSV source with a header line in every file and a DDL schema (header names are not used: the
// schema's columns map by position). Quoted fields with commas and quotes, empty
// fields (null), a value that does not parse as its type (null, the rest of the row kept:
// PERMISSIVE), a short row (missing columns null), an extra column (dropped), CRLF line ends, and
// `escape` set to `"` so RFC 4180 doubled quotes read as one quote (Spark's default escape is `\`).
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("csv")
      .option("header", "true")
      .option("escape", "\"")
      .schema("id INT, city STRING, temp DOUBLE, note STRING")
      .load(input)
      .selectExpr("id", "city", "temp", "note", "temp * 2 AS temp2"),
};
export default query;
