/** String functions. */
import type { DataType } from "../../../types/data-types.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  DecimalType,
  IntegerType,
  LongType,
  StringType,
  isNumeric,
} from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { Expr } from "../../../sql/expression.js";
import type { BoundExpr } from "../bound.js";
import { equalsIgnoreNullability, findCommonTypeForComparison, findWiderCommonType, implicitCastType, isAtomic, typeString } from "../coercion.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { anyNullable, argTypeError, expectArg, simple } from "./define.js";
import { sessionSetting } from "../session-zone.js";

const S = StringType();
const I = IntegerType();
const B = BinaryType();

export const STRING_FUNCTIONS: readonly FunctionDef[] = [
  {
    // Strings, binaries (when every argument is binary) or arrays (when every argument is one).
    name: "concat",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const types = ctx.args.map((a) => a.dataType);
      if (types.length > 0 && types.every((t) => t.typeName === "array")) {
        const t = findWiderCommonType(types);
        if (t === null) throw new AnalysisError(`analysis: function concat requires arrays of a common type, got (${types.map(typeString).join(", ")})`);
        const args = ctx.args.map((a) => ctx.cast(a, t));
        return { args, dataType: t, nullable: anyNullable(args) };
      }
      // Binary inputs concatenate as binary unless spark.sql.function.concatBinaryAsString is set.
      const allBinary = types.length > 0 && types.every((t) => t.typeName === "binary") && sessionSetting("spark.sql.function.concatBinaryAsString") !== "true";
      if (allBinary) return { args: ctx.args, dataType: B, nullable: anyNullable(ctx.args) };
      const args = ctx.args.map((_, i) => expectArg(ctx, i, "string"));
      return { args, dataType: S, nullable: anyNullable(args) };
    },
  },
  {
    name: "concat_ws",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const args = ctx.args.map((a, i) =>
        i > 0 && a.dataType.typeName === "array" ? expectArg(ctx, i, ArrayType(S)) : expectArg(ctx, i, "string"),
      );
      return { args, dataType: S, nullable: args[0].nullable };
    },
  },
  simple("lower", ["string"], S, { aliases: ["lcase"] }),
  simple("upper", ["string"], S, { aliases: ["ucase"] }),
  simple("trim", ["string", "string"], S, { minArgs: 1 }),
  simple("ltrim", ["string", "string"], S, { minArgs: 1 }),
  simple("rtrim", ["string", "string"], S, { minArgs: 1 }),
  simple("btrim", ["string", "string"], S, { minArgs: 1 }),
  simple("length", ["stringOrBinary"], I, { aliases: ["char_length", "character_length", "len"] }),
  simple("bit_length", ["stringOrBinary"], I),
  simple("octet_length", ["stringOrBinary"], I),
  simple("substring", ["stringOrBinary", I, I], (a) => a[0].dataType, { minArgs: 2, aliases: ["substr"] }),
  simple("left", ["stringOrBinary", I], (a) => a[0].dataType),
  simple("right", ["string", I], S),
  simple("regexp_extract", ["string", "string", I], S, { minArgs: 2 }),
  simple("regexp_extract_all", ["string", "string", I], ArrayType(S), { minArgs: 2 }),
  {
    name: "regexp_replace",
    minArgs: 3,
    maxArgs: 4,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, i < 3 ? "string" : I));
      // Spark checks a constant position at analysis (`VALUE_OUT_OF_RANGE`).
      const pos = ctx.raw.length > 3 ? constNumber(ctx.raw[3]) : null;
      if (pos !== null && pos < 1) throw new AnalysisError(`analysis: function regexp_replace expects a position of at least 1, got ${pos}`);
      return { args, dataType: S, nullable: anyNullable(args) };
    },
  },
  simple("regexp_count", ["string", "string"], I),
  simple("regexp_substr", ["string", "string"], S, { alwaysNullable: true }),
  simple("regexp_instr", ["string", "string", I], I, { minArgs: 2 }),
  simple("rlike", ["string", "string"], BooleanType(), { aliases: ["regexp_like", "regexp"] }),
  simple("like", ["string", "string"], BooleanType()),
  simple("ilike", ["string", "string"], BooleanType()),
  simple("split", ["string", "string", I], ArrayType(S, false), { minArgs: 2 }),
  simple("split_part", ["string", "string", I], S),
  {
    name: "locate",
    aliases: ["position"],
    minArgs: 2,
    maxArgs: 3,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, i < 2 ? "string" : I));
      return { args, dataType: I, nullable: anyNullable(args) };
    },
  },
  simple("instr", ["string", "string"], I),
  simple("startswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("endswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("contains", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("ascii", ["string"], I),
  simple("chr", [LongType()], S, { aliases: ["char"] }),
  simple("base64", [B], S),
  simple("unbase64", ["string"], B),
  simple("encode", ["string", "string"], B),
  {
    // decode(bin, charset), or decode(expr, search, result, …[, default]) (a CASE on `<=>`).
    name: "decode",
    minArgs: 2,
    maxArgs: Infinity,
    resolve: resolveDecode,
  },
  {
    name: "elt",
    minArgs: 2,
    maxArgs: Infinity,
    resolve(ctx) {
      const index = expectArg(ctx, 0, I);
      const inputs = ctx.args.slice(1);
      // Binary inputs give binary unless spark.sql.function.eltOutputAsString is set.
      const allBinary = inputs.every((a) => a.dataType.typeName === "binary") && sessionSetting("spark.sql.function.eltOutputAsString") !== "true";
      const args = [index, ...inputs.map((_, k) => (allBinary ? ctx.args[k + 1] : expectArg(ctx, k + 1, "string")))];
      return { args, dataType: allBinary ? B : S, nullable: true };
    },
  },
  simple("find_in_set", ["string", "string"], I),
  {
    name: "format_number",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const x = expectArg(ctx, 0, "numeric");
      const d = oneOf(ctx, 1, [I, S], "an int or string");
      return { args: [x, d], dataType: S, nullable: true };
    },
  },
  {
    name: "format_string",
    aliases: ["printf"],
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const fmt = expectArg(ctx, 0, "string");
      const args = [fmt, ...ctx.args.slice(1)];
      for (const a of args.slice(1)) {
        if (!isAtomic(a.dataType) && a.dataType.typeName !== "null") argTypeError(ctx.name, "an atomic", a.dataType);
      }
      checkFormatIndexes(ctx.raw[0]);
      return { args, dataType: S, nullable: fmt.nullable };
    },
  },
  simple("initcap", ["string"], S),
  simple("levenshtein", ["string", "string", I], I, { minArgs: 2 }),
  simple("luhn_check", ["string"], BooleanType()),
  {
    name: "lpad",
    minArgs: 2,
    maxArgs: 3,
    resolve: (ctx) => resolvePad(ctx),
  },
  {
    name: "rpad",
    minArgs: 2,
    maxArgs: 3,
    resolve: (ctx) => resolvePad(ctx),
  },
  {
    name: "overlay",
    minArgs: 3,
    maxArgs: 4,
    resolve(ctx) {
      const binary = ctx.args[0].dataType.typeName === "binary" && ctx.args[1].dataType.typeName === "binary";
      const t = binary ? B : S;
      const args = [expectArg(ctx, 0, t), expectArg(ctx, 1, t), expectArg(ctx, 2, I)];
      if (ctx.args.length > 3) args.push(expectArg(ctx, 3, I));
      return { args, dataType: t, nullable: anyNullable(args) };
    },
  },
  simple("repeat", ["string", I], S),
  simple("replace", ["string", "string", "string"], S, { minArgs: 2 }),
  simple("sentences", ["string", "string", "string"], ArrayType(ArrayType(S)), { minArgs: 1 }),
  simple("soundex", ["string"], S),
  simple("space", [I], S),
  simple("substring_index", ["string", "string", I], S),
  simple("translate", ["string", "string", "string"], S),
  {
    name: "hex",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const a = oneOf(ctx, 0, [LongType(), B, S], "a bigint, binary or string");
      return { args: [a], dataType: S, nullable: a.nullable };
    },
  },
  simple("unhex", ["string"], B, { alwaysNullable: true }),
  {
    name: "to_binary",
    minArgs: 1,
    maxArgs: 2,
    resolve: (ctx) => resolveToBinary(ctx, false),
  },
  {
    name: "try_to_binary",
    minArgs: 1,
    maxArgs: 2,
    resolve: (ctx) => resolveToBinary(ctx, true),
  },
  simple("url_encode", ["string"], S),
  simple("url_decode", ["string"], S),
  simple("parse_url", ["string", "string", "string"], S, { minArgs: 2, alwaysNullable: true }),
  {
    name: "mask",
    minArgs: 1,
    maxArgs: 5,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, "string"));
      const defaults: (string | null)[] = [null, "X", "x", "n", null];
      const options: Record<string, string> = {};
      const keys = ["", "upper", "lower", "digit", "other"];
      for (let i = 1; i < 5; i++) {
        const raw = ctx.raw[i];
        let value = defaults[i];
        if (raw !== undefined) {
          const a = args[i];
          if (a.kind !== "literal") {
            throw new AnalysisError(`analysis: function mask expects argument ${i + 1} (${keys[i]}Char) to be a constant string of one character`);
          }
          value = a.value === null ? null : String(a.value);
          if (value !== null && Array.from(value).length !== 1) {
            throw new AnalysisError(`analysis: function mask expects argument ${i + 1} (${keys[i]}Char) to be a single character, got '${value}'`);
          }
        }
        if (value !== null) options[keys[i]] = value;
      }
      return { args: [args[0]], dataType: S, nullable: args[0].nullable, options };
    },
  },
  {
    name: "to_number",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveToNumber(ctx, false),
  },
  {
    name: "try_to_number",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveToNumber(ctx, true),
  },
  {
    name: "to_char",
    aliases: ["to_varchar"],
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const x = ctx.args[0];
      if (!isNumeric(x.dataType) && x.dataType.typeName !== "null") argTypeError(ctx.name, "a numeric", x.dataType);
      const format = constFormat(ctx, 1);
      numberFormatShape(format, ctx.name);
      return { args: [x], dataType: S, nullable: true, options: { format } };
    },
  },
  {
    name: "reverse",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const a = ctx.args[0].dataType.typeName === "array" ? ctx.args[0] : expectArg(ctx, 0, "string");
      return { args: [a], dataType: a.dataType, nullable: a.nullable };
    },
  },
];

/**
 * Spark's implicit cast to a `TypeCollection`: the argument as it is when one of `types` is its
 * type, else cast to the first of `types` it can be implicitly cast to.
 */
function oneOf(ctx: ResolveContext, i: number, types: readonly DataType[], text: string): BoundExpr {
  const a = ctx.args[i];
  if (types.some((t) => equalsIgnoreNullability(t, a.dataType))) return a;
  for (const t of types) {
    const c = implicitCastType(a.dataType, t);
    if (c !== null) return ctx.cast(a, c);
  }
  return argTypeError(ctx.name, text, a.dataType);
}

/** lpad/rpad: bytes when the input (and pad) are binary, else characters; the default pad is a space or a zero byte. */
function resolvePad(ctx: ResolveContext): ResolvedCall {
  const binary = ctx.args[0].dataType.typeName === "binary" && (ctx.args.length < 3 || ctx.args[2].dataType.typeName === "binary");
  const t = binary ? B : S;
  const args = [expectArg(ctx, 0, t), expectArg(ctx, 1, I)];
  if (ctx.args.length > 2) args.push(expectArg(ctx, 2, t));
  return { args, dataType: t, nullable: anyNullable(args) };
}

function resolveDecode(ctx: ResolveContext): ResolvedCall {
  if (ctx.args.length === 2) {
    const args = [expectArg(ctx, 0, B), expectArg(ctx, 1, "string")];
    return { args, dataType: S, nullable: anyNullable(args) };
  }
  const input = ctx.args[0];
  const rest = ctx.args.slice(1);
  const pairs = Math.floor(rest.length / 2);
  const hasDefault = rest.length % 2 === 1;
  const results = rest.filter((_, k) => k % 2 === 1);
  if (hasDefault) results.push(rest[rest.length - 1]);
  // Without a default Spark's CASE ends in `ELSE CAST(NULL AS STRING)`, which takes part in widening.
  const resultTypes = results.map((r) => r.dataType);
  if (!hasDefault) resultTypes.push(S);
  const t = findWiderCommonType(resultTypes);
  if (t === null) throw new AnalysisError(`analysis: function decode requires results of a common type, got (${resultTypes.map(typeString).join(", ")})`);
  const args: BoundExpr[] = [];
  for (let k = 0; k < pairs; k++) {
    const search = rest[2 * k];
    const common = equalsIgnoreNullability(input.dataType, search.dataType)
      ? input.dataType
      : (findCommonTypeForComparison(input.dataType, search.dataType) ?? findWiderCommonType([input.dataType, search.dataType]));
    if (common === null) {
      throw new AnalysisError(`analysis: function decode cannot compare ${typeString(input.dataType)} with ${typeString(search.dataType)}`);
    }
    args.push(ctx.cast(input, common), ctx.cast(search, common), ctx.cast(rest[2 * k + 1], t));
  }
  if (hasDefault) args.push(ctx.cast(rest[rest.length - 1], t));
  return { args, dataType: t, nullable: true, options: { pairs: String(pairs), default: hasDefault ? "1" : "0" } };
}

const BINARY_FORMATS = new Set(["hex", "utf-8", "utf8", "base64"]);

/**
 * to_binary(str[, fmt]): `fmt` must be a constant (a literal, or an expression over literals read
 * at run time); a literal outside hex/utf-8/utf8/base64 is an analysis error for to_binary and a
 * null result for try_to_binary.
 */
function resolveToBinary(ctx: ResolveContext, lenient: boolean): ResolvedCall {
  const str = expectArg(ctx, 0, "string");
  if (ctx.args.length === 1) return { args: [str], dataType: B, nullable: true, options: { format: "hex" } };
  const f = ctx.args[1];
  if (!isConstant(ctx.raw[1])) {
    if (lenient) return { args: [str], dataType: B, nullable: true, options: { format: "invalid" } };
    throw new AnalysisError(`analysis: function ${ctx.name} expects the format (argument 2) to be a constant string, got '${typeString(f.dataType)}' column`);
  }
  if (f.dataType.typeName !== "string" && f.dataType.typeName !== "null") {
    if (lenient) return { args: [str], dataType: B, nullable: true, options: { format: "invalid" } };
    throw new AnalysisError(`analysis: function ${ctx.name} expects the format to be one of 'hex', 'utf-8', 'utf8', or 'base64', got a ${typeString(f.dataType)}`);
  }
  if (f.kind === "literal") {
    if (f.value === null) return { args: [str], dataType: B, nullable: true, options: { format: "null" } };
    const fmt = String(f.value).toLowerCase();
    if (!BINARY_FORMATS.has(fmt)) {
      if (lenient) return { args: [str], dataType: B, nullable: true, options: { format: "invalid" } };
      throw new AnalysisError(`analysis: function ${ctx.name} expects the format to be one of 'hex', 'utf-8', 'utf8', or 'base64', got '${String(f.value)}'`);
    }
    return { args: [str], dataType: B, nullable: true, options: { format: fmt } };
  }
  // A constant expression (`concat('utf', '-8')`): its value is read at run time.
  return { args: [str, f], dataType: B, nullable: true, options: { format: "dynamic" } };
}

/** Whether an unresolved expression is built from literals alone (Spark's `foldable`). */
function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case "literal":
      return true;
    case "call":
      return e.args.every(isConstant);
    case "cast":
    case "unary":
    case "alias":
      return isConstant(e.child);
    case "binary":
      return isConstant(e.left) && isConstant(e.right);
    default:
      return false;
  }
}

/** The value of a numeric literal (or a negated one), else null. */
function constNumber(e: Expr): number | null {
  if (e.kind === "literal" && (typeof e.value === "number" || typeof e.value === "bigint")) return Number(e.value);
  if (e.kind === "unary" && e.op === "-") {
    const v = constNumber(e.child);
    return v === null ? null : -v;
  }
  return null;
}

function constFormat(ctx: ResolveContext, i: number): string {
  const a = ctx.args[i];
  if (a.kind === "literal" && typeof a.value === "string") return a.value;
  throw new AnalysisError(`analysis: function ${ctx.name} expects the format (argument ${i + 1}) to be a constant string`);
}

function resolveToNumber(ctx: ResolveContext, lenient: boolean): ResolvedCall {
  const str = expectArg(ctx, 0, "string");
  const format = constFormat(ctx, 1);
  const shape = numberFormatShape(format, ctx.name);
  return {
    args: [str],
    dataType: DecimalType(Math.max(shape.precision, 1), shape.scale),
    nullable: lenient || str.nullable,
    options: { format, lenient: lenient ? "1" : "0" },
  };
}

/**
 * Validates a to_number/to_char format (Spark's `ToNumberParser`): digits `0`/`9`, at most one
 * decimal point `.`/`D`, grouping `,`/`G` between digits, an optional `$`, a sign `S`/`MI` at
 * either end and `PR` at the end. Returns the precision and scale of the decimal it reads.
 */
export function numberFormatShape(format: string, fn: string): { precision: number; scale: number } {
  const bad = (why: string): never => {
    throw new AnalysisError(`analysis: function ${fn} has an invalid format '${format}': ${why}`);
  };
  const f = format.toUpperCase();
  let digitsBefore = 0;
  let digitsAfter = 0;
  let seenPoint = false;
  let seenDollar = false;
  let seenSign = false;
  let seenPr = false;
  let i = 0;
  let anyDigit = false;
  while (i < f.length) {
    const c = f[i];
    if (seenPr) bad("PR must be at the end");
    if (c === "0" || c === "9") {
      anyDigit = true;
      if (seenPoint) digitsAfter++;
      else digitsBefore++;
      i++;
    } else if (c === "." || c === "D") {
      if (seenPoint) bad("at most one decimal point");
      seenPoint = true;
      i++;
    } else if (c === "," || c === "G") {
      if (seenPoint) bad("grouping separators must come before the decimal point");
      if (!anyDigit) bad("a grouping separator needs digits before it");
      if (!/[09]/.test(f[i + 1] ?? "")) bad("a grouping separator needs digits after it");
      i++;
    } else if (c === "$") {
      if (seenDollar) bad("at most one '$'");
      seenDollar = true;
      i++;
    } else if (c === "S" || f.startsWith("MI", i)) {
      if (seenSign) bad("at most one sign");
      if (i !== 0 && i + (c === "S" ? 1 : 2) !== f.length) bad("the sign must be at the start or the end");
      seenSign = true;
      i += c === "S" ? 1 : 2;
    } else if (f.startsWith("PR", i)) {
      if (seenSign || i + 2 !== f.length) bad("PR must be at the end");
      seenPr = true;
      i += 2;
    } else bad(`unexpected character '${format[i]}'`);
  }
  if (!anyDigit) bad("it contains no digits");
  return { precision: digitsBefore + digitsAfter, scale: digitsAfter };
}

/** format_string: `%0$s` (argument index 0) is an analysis error in Spark. */
function checkFormatIndexes(raw: Expr): void {
  if (raw.kind !== "literal" || typeof raw.value !== "string") return;
  if (/%0\$/.test(raw.value)) {
    throw new AnalysisError(`analysis: function format_string has an illegal argument index '%0$' in '${raw.value}'; indexes start at 1`);
  }
}

/**
 * Spark's output name of a string-function call where it is not `name(args)`: defaults it fills in
 * (`split(s, p, -1)`, `locate(a, b, 1)`), canonical names (`substr` → `substring`, `to_varchar` →
 * `to_char`), upper-case pretty names (`RLIKE`) and the TRIM grammar. Undefined: `name(args)`.
 */
export function stringCallSql(lowerName: string, args: readonly string[]): string | undefined {
  const list = args.join(", ");
  const filled = (name: string, arity: number, defaults: readonly string[]): string | undefined => {
    if (args.length >= arity) return undefined;
    const missing = defaults.slice(defaults.length - (arity - args.length));
    return `${name}(${[...args, ...missing].join(", ")})`;
  };
  switch (lowerName) {
    case "locate":
    case "position":
      return filled(lowerName, 3, ["1"]);
    case "split":
      return filled("split", 3, ["-1"]);
    case "regexp_extract":
    case "regexp_extract_all":
      return filled(lowerName, 3, ["1"]);
    case "regexp_replace":
      return filled("regexp_replace", 4, ["1"]);
    case "regexp_instr":
      return filled("regexp_instr", 3, ["0"]);
    case "replace":
      return filled("replace", 3, [""]);
    case "lpad":
    case "rpad":
      // The default pad is a space for strings and a zero byte for binary (Spark's X'00').
      return filled(lowerName, 3, [/^unhex\(|^X'|^CAST\(.* AS BINARY\)$/.test(args[0] ?? "") ? "X'00'" : " "]);
    case "mask":
      return filled("mask", 5, ["X", "x", "n", "NULL"]);
    case "substr":
    case "substring":
      return args.length === 2 ? `${lowerName}(${list}, 2147483647)` : undefined;
    case "to_varchar":
      return `to_char(${list})`;
    case "rlike":
    case "regexp":
    case "regexp_like":
      return `${lowerName.toUpperCase()}(${list})`;
    case "trim":
    case "ltrim":
    case "rtrim":
      if (args.length !== 2) return undefined;
      return `TRIM(${lowerName === "trim" ? "BOTH" : lowerName === "ltrim" ? "LEADING" : "TRAILING"} ${args[1]} FROM ${args[0]})`;
  }
  return undefined;
}
