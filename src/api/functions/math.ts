/**
 * Column builders: math and bitwise functions (Spark's Python/Scala names and signatures). Where
 * PySpark takes a column, a `string` is a column name; where it also takes a number, the number is
 * a literal. (`abs`, `round`, `floor`, `ceil` and `isnan` are in `../functions.ts`.)
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { Expr } from "../../sql/expression.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** A column, a column name, or a number literal. */
export type ColumnOrNumber = ColumnName | number;

function numExpr(x: ColumnOrNumber): Expr {
  return typeof x === "number" ? literalExpr(x) : colExpr(x);
}

/** Inverse cosine in radians. @example acos("x") */
export function acos(col: ColumnName): Column {
  return fn1("acos", col);
}

/** Inverse hyperbolic cosine. @example acosh("x") */
export function acosh(col: ColumnName): Column {
  return fn1("acosh", col);
}

/** Inverse sine in radians. @example asin("x") */
export function asin(col: ColumnName): Column {
  return fn1("asin", col);
}

/** Inverse hyperbolic sine. @example asinh("x") */
export function asinh(col: ColumnName): Column {
  return fn1("asinh", col);
}

/** Inverse tangent in radians. @example atan("x") */
export function atan(col: ColumnName): Column {
  return fn1("atan", col);
}

/** Inverse hyperbolic tangent. @example atanh("x") */
export function atanh(col: ColumnName): Column {
  return fn1("atanh", col);
}

/** The angle of the point (x, y) from the positive x axis, in radians. @example atan2("y", "x") */
export function atan2(col1: ColumnOrNumber, col2: ColumnOrNumber): Column {
  return call("atan2", [numExpr(col1), numExpr(col2)]);
}

/** Binary text of a bigint (two's complement for negative values). @example bin("n") // bin(13) = "1101" */
export function bin(col: ColumnName): Column {
  return fn1("bin", col);
}

/** Rounds half to even to `scale` decimal places. @example bround("price", 2) */
export function bround(col: ColumnName, scale = 0): Column {
  return call("bround", [colExpr(col), literalExpr(scale)]);
}

/** Cube root. @example cbrt("volume") */
export function cbrt(col: ColumnName): Column {
  return fn1("cbrt", col);
}

/** A number's text in base `fromBase` converted to base `toBase` (negative: signed). @example conv("hex", 16, 10) */
export function conv(col: ColumnName, fromBase: number, toBase: number): Column {
  return call("conv", [colExpr(col), literalExpr(fromBase), literalExpr(toBase)]);
}

/** Cosine. @example cos("angle") */
export function cos(col: ColumnName): Column {
  return fn1("cos", col);
}

/** Hyperbolic cosine. @example cosh("x") */
export function cosh(col: ColumnName): Column {
  return fn1("cosh", col);
}

/** Cotangent, `1 / tan(x)`. @example cot("angle") */
export function cot(col: ColumnName): Column {
  return fn1("cot", col);
}

/** Cosecant, `1 / sin(x)`. @example csc("angle") */
export function csc(col: ColumnName): Column {
  return fn1("csc", col);
}

/** Secant, `1 / cos(x)`. @example sec("angle") */
export function sec(col: ColumnName): Column {
  return fn1("sec", col);
}

/** Radians to degrees. @example degrees("angle") */
export function degrees(col: ColumnName): Column {
  return fn1("degrees", col);
}

/** Degrees to radians. @example radians("bearing") */
export function radians(col: ColumnName): Column {
  return fn1("radians", col);
}

/** Euler's number. @example e() // 2.718281828459045 */
export function e(): Column {
  return call("e", []);
}

/** π. @example pi() // 3.141592653589793 */
export function pi(): Column {
  return call("pi", []);
}

/** e to the power of the value. @example exp("x") */
export function exp(col: ColumnName): Column {
  return fn1("exp", col);
}

/** `exp(x) - 1`, exact near zero. @example expm1("x") */
export function expm1(col: ColumnName): Column {
  return fn1("expm1", col);
}

/** n! for n in [0, 20], else null. @example factorial("n") */
export function factorial(col: ColumnName): Column {
  return fn1("factorial", col);
}

/** `sqrt(a² + b²)`. @example hypot("dx", "dy") */
export function hypot(col1: ColumnOrNumber, col2: ColumnOrNumber): Column {
  return call("hypot", [numExpr(col1), numExpr(col2)]);
}

/**
 * Natural logarithm of a column, or with two arguments the logarithm of `col` in base `arg1`; null
 * for non-positive input. @example log("x"); log(10, "x")
 */
export function log(arg1: ColumnOrNumber, col?: ColumnName): Column {
  return col === undefined ? call("log", [numExpr(arg1)]) : call("log", [numExpr(arg1), colExpr(col)]);
}

/** Natural logarithm; null for non-positive input. @example ln("x") */
export function ln(col: ColumnName): Column {
  return fn1("ln", col);
}

/** Base-10 logarithm. @example log10("x") */
export function log10(col: ColumnName): Column {
  return fn1("log10", col);
}

/** `ln(1 + x)`, exact near zero. @example log1p("x") */
export function log1p(col: ColumnName): Column {
  return fn1("log1p", col);
}

/** Base-2 logarithm. @example log2("x") */
export function log2(col: ColumnName): Column {
  return fn1("log2", col);
}

/** The value negated. @example negative("delta") */
export function negative(col: ColumnName): Column {
  return fn1("negative", col);
}

/** The value itself. @example positive("delta") */
export function positive(col: ColumnName): Column {
  return fn1("positive", col);
}

/** The non-negative remainder of `dividend / divisor`. @example pmod("n", 7) */
export function pmod(dividend: ColumnOrNumber, divisor: ColumnOrNumber): Column {
  return call("pmod", [numExpr(dividend), numExpr(divisor)]);
}

/** `col1` to the power `col2`. @example pow("base", 2) */
export function pow(col1: ColumnOrNumber, col2: ColumnOrNumber): Column {
  return call("pow", [numExpr(col1), numExpr(col2)]);
}

/** `col1` to the power `col2`. @example power("base", 2) */
export function power(col1: ColumnOrNumber, col2: ColumnOrNumber): Column {
  return call("power", [numExpr(col1), numExpr(col2)]);
}

/** Uniform random doubles in [0, 1); with a seed, Spark's sequence of partition 0. @example rand(42) */
export function rand(seed?: number): Column {
  return call("rand", seed === undefined ? [] : [literalExpr(seed)]);
}

/** Standard normal random doubles; with a seed, Spark's sequence of partition 0. @example randn(42) */
export function randn(seed?: number): Column {
  return call("randn", seed === undefined ? [] : [literalExpr(seed)]);
}

/** The nearest integer as a double, ties to even. @example rint("x") */
export function rint(col: ColumnName): Column {
  return fn1("rint", col);
}

/** The value shifted left by `numBits`. @example shiftleft("flags", 2) */
export function shiftleft(col: ColumnName, numBits: number): Column {
  return call("shiftleft", [colExpr(col), literalExpr(numBits)]);
}

/** The value shifted right by `numBits`, keeping the sign. @example shiftright("flags", 2) */
export function shiftright(col: ColumnName, numBits: number): Column {
  return call("shiftright", [colExpr(col), literalExpr(numBits)]);
}

/** The value shifted right by `numBits`, filling with zeros. @example shiftrightunsigned("flags", 2) */
export function shiftrightunsigned(col: ColumnName, numBits: number): Column {
  return call("shiftrightunsigned", [colExpr(col), literalExpr(numBits)]);
}

/** -1.0, 0.0 or 1.0 by the value's sign. @example signum("delta") */
export function signum(col: ColumnName): Column {
  return fn1("signum", col);
}

/** -1.0, 0.0 or 1.0 by the value's sign. @example sign("delta") */
export function sign(col: ColumnName): Column {
  return fn1("sign", col);
}

/** Sine. @example sin("angle") */
export function sin(col: ColumnName): Column {
  return fn1("sin", col);
}

/** Hyperbolic sine. @example sinh("x") */
export function sinh(col: ColumnName): Column {
  return fn1("sinh", col);
}

/** Square root. @example sqrt("area") */
export function sqrt(col: ColumnName): Column {
  return fn1("sqrt", col);
}

/** Tangent. @example tan("angle") */
export function tan(col: ColumnName): Column {
  return fn1("tan", col);
}

/** Hyperbolic tangent. @example tanh("x") */
export function tanh(col: ColumnName): Column {
  return fn1("tanh", col);
}

/** The bucket (1..numBucket, 0 below, numBucket+1 above) of an equi-width histogram. @example width_bucket("v", lit(0), lit(10), lit(5)) */
export function width_bucket(v: ColumnName, min: ColumnName, max: ColumnName, numBucket: ColumnOrNumber): Column {
  return call("width_bucket", [colExpr(v), colExpr(min), colExpr(max), numExpr(numBucket)]);
}

/** The number of set bits of an integral (as 64 bits) or boolean. @example bit_count("flags") */
export function bit_count(col: ColumnName): Column {
  return fn1("bit_count", col);
}

/** The bit (0 or 1) at `pos`, counted from the right from 0. @example bit_get("flags", lit(3)) */
export function bit_get(col: ColumnName, pos: ColumnName): Column {
  return call("bit_get", [colExpr(col), colExpr(pos)]);
}

/** The bit (0 or 1) at `pos`, counted from the right from 0. @example getbit("flags", lit(3)) */
export function getbit(col: ColumnName, pos: ColumnName): Column {
  return call("getbit", [colExpr(col), colExpr(pos)]);
}

/** `col2` where `col1` is NaN, else `col1`. @example nanvl("ratio", lit(0)) */
export function nanvl(col1: ColumnName, col2: ColumnName): Column {
  return call("nanvl", [colExpr(col1), colExpr(col2)]);
}

/** `left + right`, null where it overflows. @example try_add("a", "b") */
export function try_add(left: ColumnName, right: ColumnName): Column {
  return call("try_add", [colExpr(left), colExpr(right)]);
}

/** `left - right`, null where it overflows. @example try_subtract("a", "b") */
export function try_subtract(left: ColumnName, right: ColumnName): Column {
  return call("try_subtract", [colExpr(left), colExpr(right)]);
}

/** `left * right`, null where it overflows. @example try_multiply("a", "b") */
export function try_multiply(left: ColumnName, right: ColumnName): Column {
  return call("try_multiply", [colExpr(left), colExpr(right)]);
}

/** `left / right`, null for a zero divisor. @example try_divide("a", "b") */
export function try_divide(left: ColumnName, right: ColumnName): Column {
  return call("try_divide", [colExpr(left), colExpr(right)]);
}
