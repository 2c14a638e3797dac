// JSON source with a schema that names `_corrupt_record` (PERMISSIVE): a broken line becomes a row
// of nulls holding the line's text; a field of the wrong type is null with the other fields kept
// and the line in `_corrupt_record`; a top-level array of objects is one row per element (the JSON
// source, unlike from_json, reads arrays as rows); a scalar or `null` line is corrupt; blank lines
// are no rows; nested arrays are read.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("id INT, name STRING, tags ARRAY<STRING>, _corrupt_record STRING")
      .load(input)
      .selectExpr("id", "name", "tags", "tags[1] AS tag1", "_corrupt_record"),
};
export default query;
