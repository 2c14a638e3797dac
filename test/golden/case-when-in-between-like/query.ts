// SQL predicates in filter strings and selectExpr: IN / NOT IN, BETWEEN, LIKE (% and _), CASE WHEN
// with an ELSE, and three-valued logic (a null country: `IN` is null, `OR` with true is true,
// with false it is null and the row is filtered out).
import type { GoldenQuery } from "../../support/golden-runner.js";

const query: GoldenQuery = {
  outputMode: "append",
  build: ({ readStream, input }) =>
    readStream()
      .format("json")
      .schema("name STRING, age INT, country STRING")
      .load(input)
      .filter("country IN ('DE', 'FR', 'NL') OR name LIKE 'A%'")
      .selectExpr(
        "name",
        "CASE WHEN age < 18 THEN 'minor' WHEN age BETWEEN 18 AND 64 THEN 'adult' WHEN age >= 65 THEN 'senior' ELSE 'unknown' END AS bracket",
        "name LIKE '%_son' AS is_son",
        "country NOT IN ('DE') AS not_de",
        "age BETWEEN 30 AND 40 AS thirties",
        "CASE country WHEN 'DE' THEN 'Germany' WHEN 'FR' THEN 'France' END AS country_name",
      ),
};
export default query;
