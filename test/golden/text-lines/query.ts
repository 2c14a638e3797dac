// The text source: one row per line, lines end at \n, \r\n or \r (not part of the value), an empty
// line is an empty string, no row after a final line end, a last line without one is a row.
// String functions count characters (code points), not bytes or UTF-16 units.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("text")
      .load(input)
      .selectExpr("value", "length(value) AS len", "upper(value) AS up", "substring(value, 2, 2) AS mid", "trim(value) = '' AS blank"),
};
export default query;
