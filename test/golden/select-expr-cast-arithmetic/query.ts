// selectExpr with CAST and arithmetic over a JSON source with a DDL schema: int/long/double
// arithmetic and its result types, int division to double, % with negatives, 32-bit int overflow
// wrapping (non-ANSI), CAST string → int (trimmed, fraction truncated, null on failure), CAST
// double → int (toward zero), CAST to string, null propagation.
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("id BIGINT, price DOUBLE, qty INT, code STRING")
      .load(input)
      .selectExpr(
        "id",
        "CAST(price AS INT) AS price_int",
        "price * qty AS total",
        "qty + 1 AS qty_plus",
        "qty / 2 AS half",
        "qty % 3 AS rem",
        "qty * 1000000000 AS wrapped",
        "id * 2 + 1 AS id2",
        "CAST(code AS INT) AS code_int",
        "CAST(id AS STRING) AS id_s",
        "-price AS neg",
        "price IS NULL AS no_price",
      ),
};
export default query;
