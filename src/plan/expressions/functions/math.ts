/**
 * Math and bitwise functions: Spark's `mathExpressions.scala`, `bitwiseExpressions.scala`, the
 * random generators (`rand`, `randn`) and the function forms of arithmetic (`mod`, `pmod`,
 * `positive`, `negative`, `try_add` …). Argument casts follow each expression's `inputTypes`.
 */
import type { DataType, DecimalType as DecimalTypeT } from "../../../types/data-types.js";
import {
  BooleanType,
  ByteType,
  DecimalType,
  DoubleType,
  IntegerType,
  LongType,
  MAX_DECIMAL_PRECISION,
  StringType,
  isIntegral,
  isNumeric,
} from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { BoundExpr } from "../bound.js";
import { decimalArithmeticType, decimalForType, findTightestCommonType, implicitCastType, literalDecimal, typeString } from "../coercion.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { anyNullable, argTypeError, expectArg, simple } from "./define.js";

const D = DoubleType();

/** A function of one double returning a double (`UnaryMathExpression`). */
function unaryDouble(name: string, opts: { aliases?: readonly string[]; alwaysNullable?: boolean } = {}): FunctionDef {
  return simple(name, [D], D, opts);
}

/** A function of two doubles returning a double (`BinaryMathExpression`). */
function binaryDouble(name: string, aliases?: readonly string[]): FunctionDef {
  return simple(name, [D, D], D, { aliases });
}

/** A zero-argument constant (`e()`, `pi()`). */
function constant(name: string): FunctionDef {
  return { name, minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: D, nullable: false }) };
}

export const MATH_FUNCTIONS: readonly FunctionDef[] = [
  simple("abs", ["numeric"], (a) => a[0].dataType),
  { name: "round", minArgs: 1, maxArgs: 2, resolve: (ctx) => resolveRound(ctx, "round") },
  { name: "bround", minArgs: 1, maxArgs: 2, resolve: (ctx) => resolveRound(ctx, "bround") },
  { name: "floor", minArgs: 1, maxArgs: 2, resolve: (ctx) => resolveFloorCeil(ctx, "floor") },
  { name: "ceil", aliases: ["ceiling"], minArgs: 1, maxArgs: 2, resolve: (ctx) => resolveFloorCeil(ctx, "ceil") },
  simple("isnan", [D], BooleanType(), { neverNull: true }),
  constant("e"),
  constant("pi"),
  ...["acos", "asin", "atan", "cbrt", "cos", "cosh", "sin", "sinh", "sqrt", "tan", "tanh", "cot", "csc", "sec"].map((n) => unaryDouble(n)),
  ...["acosh", "asinh", "atanh", "degrees", "radians", "exp", "expm1", "rint"].map((n) => unaryDouble(n)),
  unaryDouble("signum", { aliases: ["sign"] }),
  // Logarithms are null at and below their asymptote (Hive's behaviour, kept by Spark).
  unaryDouble("ln", { alwaysNullable: true }),
  unaryDouble("log10", { alwaysNullable: true }),
  unaryDouble("log1p", { alwaysNullable: true }),
  unaryDouble("log2", { alwaysNullable: true }),
  {
    name: "log",
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, D));
      return { args, dataType: D, nullable: true, options: { base: args.length === 1 ? "e" : "arg" } };
    },
  },
  binaryDouble("atan2"),
  binaryDouble("pow", ["power"]),
  binaryDouble("hypot"),
  simple("bin", [LongType()], StringType()),
  {
    name: "conv",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const args = [expectArg(ctx, 0, StringType()), expectArg(ctx, 1, IntegerType()), expectArg(ctx, 2, IntegerType())];
      return { args, dataType: StringType(), nullable: true };
    },
  },
  simple("factorial", [IntegerType()], LongType(), { alwaysNullable: true }),
  shift("shiftleft"),
  shift("shiftright"),
  shift("shiftrightunsigned"),
  {
    name: "width_bucket",
    minArgs: 4,
    maxArgs: 4,
    resolve(ctx) {
      const args = [expectArg(ctx, 0, D), expectArg(ctx, 1, D), expectArg(ctx, 2, D), expectArg(ctx, 3, LongType())];
      return { args, dataType: LongType(), nullable: true };
    },
  },
  {
    name: "bit_count",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const a = ctx.args[0];
      const t = a.dataType;
      if (!(isIntegral(t) || t.typeName === "boolean" || t.typeName === "null")) argTypeError(ctx.name, "an integral or boolean", t);
      return { args: [t.typeName === "null" ? ctx.cast(a, LongType()) : a], dataType: IntegerType(), nullable: a.nullable };
    },
  },
  {
    name: "bit_get",
    aliases: ["getbit"],
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const args = [expectArg(ctx, 0, "integral"), expectArg(ctx, 1, IntegerType())];
      return { args, dataType: ByteType(), nullable: anyNullable(args) };
    },
  },
  {
    name: "nanvl",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [a, b] = ctx.args;
      const floating = (t: DataType): boolean => t.typeName === "float" || t.typeName === "double";
      // NaNvl accepts double or float (anything else is cast to double); TypeCoercion's NaNvl rule
      // widens a float beside a double, so the result is float only when both are.
      const t: DataType = a.dataType.typeName === "float" && b.dataType.typeName === "float" ? a.dataType : D;
      for (const x of [a, b]) if (!floating(x.dataType) && implicitCastType(x.dataType, D) === null) argTypeError(ctx.name, "a double or float", x.dataType);
      const args = [ctx.cast(a, t), ctx.cast(b, t)];
      return { args, dataType: t, nullable: anyNullable(args) };
    },
  },
  randomDef("rand", ["random"]),
  randomDef("randn"),
  arithmeticDef("mod", "%"),
  arithmeticDef("pmod", "pmod"),
  arithmeticDef("try_add", "+"),
  arithmeticDef("try_subtract", "-"),
  arithmeticDef("try_multiply", "*"),
  arithmeticDef("try_divide", "/"),
  unaryNumeric("positive"),
  unaryNumeric("negative"),
];

/** `positive(x)` / `negative(x)`: numeric (a string is read as double), result of the same type. */
function unaryNumeric(name: string): FunctionDef {
  return simple(name, ["numeric"], (a) => a[0].dataType);
}

/** shiftleft / shiftright / shiftrightunsigned: (int or bigint, int) → the left type. */
function shift(name: string): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const t = ctx.args[0].dataType;
      const left = t.typeName === "long" ? ctx.args[0] : expectArg(ctx, 0, implicitCastType(t, IntegerType()) === null ? LongType() : IntegerType());
      const args = [left, expectArg(ctx, 1, IntegerType())];
      return { args, dataType: left.dataType, nullable: anyNullable(args) };
    },
  };
}

/** rand / randn: an optional INT or BIGINT seed (no implicit cast), never null. */
function randomDef(name: string, aliases?: readonly string[]): FunctionDef {
  return {
    name,
    aliases,
    minArgs: 0,
    maxArgs: 1,
    resolve(ctx) {
      if (ctx.args.length === 0) {
        const seed = BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(Math.random() * 2 ** 32)));
        return { args: [], dataType: D, nullable: false, options: { seed: String(seed) } };
      }
      const a = ctx.args[0];
      const t = a.dataType.typeName;
      if (t !== "integer" && t !== "long" && t !== "null") argTypeError(ctx.name, '("INT" or "BIGINT")', a.dataType);
      return { args: [a], dataType: D, nullable: false };
    },
  };
}

type ArithmeticFnOp = "+" | "-" | "*" | "/" | "%" | "pmod";

/**
 * The function forms of arithmetic, typed as the operators are (Spark's `DecimalPrecision` and
 * `PromoteStrings`): `mod` is `%`, `pmod` the positive remainder, `try_*` null on overflow.
 */
function arithmeticDef(name: string, op: ArithmeticFnOp): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const r = arithmeticTypes(ctx, op);
      return { ...r, options: { op } };
    },
  };
}

function arithmeticTypes(ctx: ResolveContext, op: ArithmeticFnOp): ResolvedCall {
  const dateSide = ctx.args.findIndex((a) => a.dataType.typeName === "date");
  if (dateSide >= 0 && (op === "+" || (op === "-" && dateSide === 0))) {
    // try_add(date, n) / try_add(n, date) / try_subtract(date, n): Spark's DateAdd and DateSub.
    const days = expectArg(ctx, 1 - dateSide, IntegerType());
    const date = ctx.args[dateSide];
    return { args: dateSide === 0 ? [date, days] : [days, date], dataType: date.dataType, nullable: true };
  }
  let [l, r] = ctx.args;
  if (l.dataType.typeName === "string") l = ctx.cast(l, D);
  if (r.dataType.typeName === "string") r = ctx.cast(r, D);
  if (l.dataType.typeName === "null") l = ctx.cast(l, r.dataType.typeName === "null" ? D : r.dataType);
  if (r.dataType.typeName === "null") r = ctx.cast(r, l.dataType);
  for (const x of [l, r]) if (!isNumeric(x.dataType)) argTypeError(ctx.name, "a numeric", x.dataType);
  const lt = l.dataType;
  const rt = r.dataType;
  const floating = (t: DataType): boolean => t.typeName === "float" || t.typeName === "double";
  const anyDecimal = lt.typeName === "decimal" || rt.typeName === "decimal";
  if (anyDecimal && !floating(lt) && !floating(rt)) {
    const dl = operandDecimal(l);
    const dr = operandDecimal(r);
    const args = [ctx.cast(l, dl), ctx.cast(r, dr)];
    return { args, dataType: decimalArithmeticType(op === "pmod" ? "%" : op, dl, dr), nullable: true };
  }
  if (op === "/") return { args: [ctx.cast(l, D), ctx.cast(r, D)], dataType: D, nullable: true };
  const t = anyDecimal ? D : findTightestCommonType(lt, rt);
  if (t === null) throw new AnalysisError(`analysis: function ${ctx.name} cannot apply to ${typeString(lt)} and ${typeString(rt)}`);
  return { args: [ctx.cast(l, t), ctx.cast(r, t)], dataType: t, nullable: true };
}

/**
 * The decimal an operand of decimal arithmetic is read as: its own type, or for an integral
 * literal the fewest digits that hold it (`DecimalPrecision`'s `literalPickMinimumPrecision`).
 */
function operandDecimal(e: BoundExpr): DecimalTypeT {
  const t = e.dataType;
  if (t.typeName === "decimal") return t;
  const d = literalDecimal(e) ?? decimalForType(t);
  if (d === null) return argTypeError("arithmetic", "a numeric", t);
  return d;
}

/** An integer literal scale argument (`round(x, 2)`), or 0 when absent. */
function scaleArg(ctx: ResolveContext, fn: string): number {
  if (ctx.raw.length < 2) return 0;
  const a = ctx.args[1];
  const raw = ctx.raw[1];
  const v = a.kind === "literal" ? a.value : raw.kind === "literal" ? raw.value : undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || (a.dataType.typeName !== "integer" && a.dataType.typeName !== "short" && a.dataType.typeName !== "byte")) {
    throw new AnalysisError(`analysis: function ${fn} requires the scale parameter to be an int literal, got ${ctx.argNames[1]}`);
  }
  return v;
}

/** `RoundBase.dataType` for a decimal input. */
function roundedDecimal(t: DecimalTypeT, scale: number): DecimalTypeT {
  const integral = t.precision - t.scale + 1;
  if (scale < 0) return DecimalType(Math.min(Math.max(integral, -scale + 1), MAX_DECIMAL_PRECISION), 0);
  const s = Math.min(t.scale, scale);
  return DecimalType(Math.min(integral + s, MAX_DECIMAL_PRECISION), s);
}

function resolveRound(ctx: ResolveContext, fn: string): ResolvedCall {
  const x = expectArg(ctx, 0, "numeric");
  const s = scaleArg(ctx, fn);
  const t = x.dataType;
  const dataType: DataType = t.typeName === "decimal" ? roundedDecimal(t, s) : t;
  return { args: [x], dataType, nullable: true, options: { scale: String(s), mode: fn === "bround" ? "half_even" : "half_up" } };
}

function resolveFloorCeil(ctx: ResolveContext, fn: "floor" | "ceil"): ResolvedCall {
  if (ctx.args.length === 2) {
    // RoundCeil / RoundFloor: the value as a decimal, rounded to a literal scale.
    const s = scaleArg(ctx, fn);
    const a = ctx.args[0];
    let dt: DecimalTypeT | null = decimalForType(a.dataType);
    if (dt === null && (a.dataType.typeName === "string" || a.dataType.typeName === "null")) dt = DecimalType(38, 18);
    if (dt === null) argTypeError(ctx.name, "a numeric", a.dataType);
    const x = ctx.cast(a, dt);
    return { args: [x], dataType: roundedDecimal(dt, s), nullable: true, options: { scale: String(s), mode: fn === "ceil" ? "ceiling" : "floor" } };
  }
  const x = expectArg(ctx, 0, "numeric");
  const t = x.dataType;
  let dataType: DataType = LongType();
  if (t.typeName === "decimal") dataType = t.scale === 0 ? t : DecimalType(Math.min(38, t.precision - t.scale + 1), 0);
  const arg: BoundExpr = isIntegral(t) ? ctx.cast(x, LongType()) : t.typeName === "float" ? ctx.cast(x, D) : x;
  return { args: [arg], dataType, nullable: x.nullable };
}

/**
 * Spark's output-column name of a math call whose `prettyName` differs from the name as written
 * (`CEIL(x)`, `POWER(x, y)`, `LOG(E(), x)`), given the argument texts; undefined for the default
 * `name(args)`. For the binder's `callSql`.
 */
export function mathCallSql(lowerName: string, args: readonly string[]): string | undefined {
  const list = args.join(", ");
  switch (lowerName) {
    case "ceil":
    case "floor":
      return args.length === 1 ? `${lowerName.toUpperCase()}(${list})` : undefined;
    case "e":
    case "pi":
      return `${lowerName.toUpperCase()}()`;
    case "power":
    case "signum":
      return `${lowerName.toUpperCase()}(${list})`;
    case "log":
      return args.length === 1 ? `LOG(E(), ${list})` : `LOG(${list})`;
    case "round":
    case "bround":
      return args.length === 1 ? `${lowerName}(${list}, 0)` : undefined;
    case "random":
      return `rand(${list})`;
    case "positive":
      return `(+ ${list})`;
  }
  return UPPER_NAMES.has(lowerName) ? `${lowerName.toUpperCase()}(${list})` : undefined;
}

/** Functions whose Spark `prettyName` is their upper-case name. */
const UPPER_NAMES: ReadonlySet<string> = new Set([
  "acos", "asin", "atan", "cbrt", "cos", "cosh", "sin", "sinh", "sqrt", "tan", "tanh", "cot", "csc", "sec",
  "acosh", "asinh", "atanh", "degrees", "radians", "exp", "expm1", "log10", "log1p", "log2", "atan2", "hypot",
]);
