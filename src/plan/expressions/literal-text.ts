/**
 * Literal values as Spark prints them: in output column names (pretty SQL: strings unquoted,
 * numbers as Java prints them) and in casts to string (`Double.toString`, `Float.toString`).
 */
import type { LiteralExpr } from "../expression.js";
import { formatDecimal } from "../../columnar/values.js";

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  return javaFormat(x, x.toExponential());
}

/** Java's `Float.toString` for a float32 value (shortest digits that round-trip through float32). */
export function javaFloatString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  let exp = x.toExponential(8);
  for (let p = 0; p <= 8; p++) {
    const candidate = x.toExponential(p);
    if (Math.fround(Number(candidate)) === x) {
      exp = candidate;
      break;
    }
  }
  return javaFormat(x, exp);
}

/** Lays out `d.dddde±n` digits the way Java does for the magnitude of `x`. */
function javaFormat(x: number, exponential: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (m === null) return String(x);
  const sign = m[1];
  const digits = (m[2] + (m[3] ?? "")).replace(/0+$/, "") || "0";
  const e = Number(m[4]);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    if (e >= 0) {
      const intPart = digits.slice(0, e + 1).padEnd(e + 1, "0");
      const frac = digits.slice(e + 1) || "0";
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || "0"}E${e}`;
}

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
