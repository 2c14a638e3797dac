/**
 * Literal values as Spark prints them: in output column names (pretty SQL: strings unquoted,
 * numbers as Java prints them) and in casts to string (`Double.toString`, `Float.toString`).
 */
import type { LiteralExpr } from "../../sql/expression.js";
import { formatDecimal } from "../../columnar/values.js";
import { javaDoubleString, javaFloatString } from "../../columnar/java-text.js";

/** A literal as it appears inside Spark's pretty SQL / output names (`x`, `1`, `1.5`, `NULL`, `true`). */
export function formatLiteral(e: LiteralExpr): string {
  const v = e.value;
  if (v === null) return "NULL";
  switch (e.dataType.typeName) {
    case "string":
      return String(v);
    case "double":
      return typeof v === "number" ? javaDoubleString(v) : String(v);
    case "float":
      return typeof v === "number" ? javaFloatString(Math.fround(v)) : String(v);
    case "decimal":
      return typeof v === "bigint" ? formatDecimal(v, e.dataType.scale) : String(v);
    case "timestamp":
      return typeof v === "bigint" ? `TIMESTAMP '${isoText(Number(v / 1000n)).replace("T", " ")}'` : String(v);
    case "date":
      return typeof v === "number" ? `DATE '${isoText(v * 86_400_000).slice(0, 10)}'` : String(v);
    case "binary":
      return v instanceof Uint8Array ? `X'${Buffer.from(v).toString("hex").toUpperCase()}'` : String(v);
    default:
      return String(v);
  }
}

function isoText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "").replace(/Z$/, "");
}
