/**
 * Compiles a bound expression into an evaluator that computes a whole column per batch. Each node
 * becomes one vector kernel call: no per-row closures or objects on the common paths. Constant
 * subtrees (literals, casts of literals, functions of constants) are folded once at compile time,
 * and comparisons with a constant compare against the scalar without materializing it.
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { sliceView } from "../../columnar/ops.js";
import type { Vector } from "../../columnar/vector.js";
import { andValidity, isValid } from "../../columnar/vector.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { InternalError } from "../../errors.js";
import type { LiteralValue } from "../../sql/expression.js";
import type { BoundExpr, BoundLiteral } from "../../plan/expressions/bound.js";
import { boundChildren } from "../../plan/expressions/bound.js";
import { StructType } from "../../types/data-types.js";
import type { EvalContext } from "./vectors.js";
import { broadcastLiteral, defaultContext } from "./vectors.js";
import { castVector, tryCastVector } from "./cast.js";
import { UTC, requireZone } from "../../columnar/time-zone.js";
import { compareScalar, compareVectors } from "./compare.js";
import type { ComparisonOp } from "./compare.js";
import { arithmetic, unaryArithmetic } from "./arithmetic.js";
import type { ArithmeticOp } from "./arithmetic.js";
import { and, choose, inBytesLiterals, inList, inNumberSet, isNull, markWhere, not, or } from "./logic.js";
import { likeBytes, likeRegex } from "./functions/string-functions.js";
import { kernelFor } from "./functions/kernels.js";
import { compileHigherOrder } from "./functions/higher-order-functions.js";

export type { EvalContext } from "./vectors.js";

/**
 * Evaluates a compiled expression over a batch; the result has `batch.numRows` slots and the
 * expression's data type. `ctx` supplies the micro-batch's processing time for
 * `current_timestamp()` (default: the wall clock at the call).
 */
export type Evaluator = (batch: Batch, ctx?: EvalContext) => Vector;

type Ev = (batch: Batch, ctx: EvalContext) => Vector;

/** Compiles `b`. Aggregate nodes cannot be compiled (the aggregate operator evaluates their arguments). */
export function compileExpr(b: BoundExpr): Evaluator {
  const ev = compile(fold(b));
  return (batch, ctx) => ev(batch, ctx ?? defaultContext());
}

/** Compiles several expressions (a projection) sharing one context per call. */
export function compileProjection(exprs: readonly BoundExpr[]): (batch: Batch, ctx?: EvalContext) => Vector[] {
  const evs = exprs.map((e) => compile(fold(e)));
  return (batch, ctx) => {
    const c = ctx ?? defaultContext();
    return evs.map((ev) => ev(batch, c));
  };
}

/** Calls that must run per batch (or per row), never folded into a constant. */
const NONDETERMINISTIC = new Set(["current_timestamp", "current_date", "localtimestamp", "unix_timestamp", "rand", "randn", "uuid", "shuffle", "monotonically_increasing_id", "spark_partition_id", "input_file_name", "input_file_block_start", "input_file_block_length"]);

function isConstant(b: BoundExpr): boolean {
  switch (b.kind) {
    case "literal":
      return true;
    case "ref":
    case "aggregate":
    case "lambdaVar":
      return false;
    case "call":
      if (NONDETERMINISTIC.has(b.fn.name)) return false;
      return b.args.every(isConstant);
    default:
      return boundChildren(b).every(isConstant);
  }
}

const ONE_ROW = makeBatch(StructType([]), [], 1);

/** The value in slot `i` in `LiteralExpr` encoding. */
function scalarOf(v: Vector, i: number): LiteralValue | undefined {
  if (!isValid(v, i)) return null;
  switch (v.kind) {
    case "i64":
      return v.values[i];
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values[i];
    case "bool":
      return v.values[i] === 1;
    case "bytes":
      return v.type.typeName === "binary" || v.type.typeName === "interval" ? v.data.slice(v.offsets[i], v.offsets[i + 1]) : decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    case "decimal":
      return v.values[i];
    default:
      return undefined;
  }
}

/** Replaces constant, non-literal subtrees of atomic type by literals. */
function fold(b: BoundExpr): BoundExpr {
  if (b.kind === "literal" || b.kind === "ref" || b.kind === "aggregate" || b.kind === "lambdaVar") return b;
  if (b.kind === "lambda") return { ...b, body: fold(b.body) };
  if (isConstant(b)) {
    try {
      const v = compile(b)(ONE_ROW, defaultContext());
      const value = scalarOf(v, 0);
      if (value !== undefined) return { kind: "literal", value, dataType: b.dataType, nullable: value === null } satisfies BoundLiteral;
    } catch {
      // Leave it to run time, where the error carries the batch context.
    }
    return b;
  }
  switch (b.kind) {
    case "field":
    case "cast":
    case "unary":
    case "isNull":
      return { ...b, child: fold(b.child) };
    case "binary":
      return { ...b, left: fold(b.left), right: fold(b.right) };
    case "in":
      return { ...b, child: fold(b.child), list: b.list.map(fold) };
    case "like":
      return { ...b, child: fold(b.child), pattern: fold(b.pattern) };
    case "case":
      return {
        ...b,
        branches: b.branches.map((x) => ({ when: fold(x.when), then: fold(x.then) })),
        otherwise: b.otherwise === null ? null : fold(b.otherwise),
      };
    case "call":
      return { ...b, args: b.args.map(fold) };
  }
}

/**
 * A literal as a vector of the batch's length: broadcast once, then views of its first rows for
 * batches no longer than it (chunks of a micro-batch vary in length; broadcasting a string literal
 * per chunk copied its bytes once per row, every chunk). Kernels never write to their inputs.
 */
function literalEv(value: LiteralValue, b: BoundExpr): Ev {
  let cached: Vector | null = null;
  return (batch) => {
    const n = batch.numRows;
    if (cached === null || cached.length < n) cached = broadcastLiteral(value, b.dataType, n);
    return cached.length === n ? cached : sliceView(cached, 0, n);
  };
}

function compile(b: BoundExpr): Ev {
  switch (b.kind) {
    case "ref": {
      const ordinal = b.ordinal;
      return (batch) => {
        const v = batch.columns[ordinal];
        if (v === undefined) throw new InternalError(`eval: column ${ordinal} ('${b.name}') is not in the batch`);
        return v;
      };
    }
    case "field": {
      const child = compile(b.child);
      const ordinal = b.ordinal;
      return (batch, ctx) => {
        const s = child(batch, ctx);
        if (s.kind !== "struct") throw new InternalError(`eval: field '${b.name}' of a ${s.type.typeName} vector`);
        const f = s.children[ordinal];
        if (s.valid === null || f.kind === "null") return f;
        return { ...f, valid: andValidity(s.valid, f.valid, f.length) } as Vector;
      };
    }
    case "literal":
      return literalEv(b.value, b);
    case "cast": {
      const child = compile(b.child);
      const to = b.dataType;
      const zone = b.timeZone === undefined ? UTC : requireZone(b.timeZone);
      if (b.isTry === true) return (batch, ctx) => tryCastVector(child(batch, ctx), to, zone);
      return (batch, ctx) => castVector(child(batch, ctx), to, zone);
    }
    case "unary": {
      const child = compile(b.child);
      if (b.op === "not") return (batch, ctx) => not(child(batch, ctx));
      const op = b.op;
      return (batch, ctx) => unaryArithmetic(op, child(batch, ctx));
    }
    case "binary":
      return compileBinary(b);
    case "isNull": {
      const child = compile(b.child);
      const negated = b.negated;
      return (batch, ctx) => isNull(child(batch, ctx), negated);
    }
    case "in":
      return compileIn(b);
    case "like": {
      const child = compile(b.child);
      const pattern = compile(b.pattern);
      const shape = b.likeShape;
      const compiled = b.compiled;
      const { regex, escape } = b;
      return (batch, ctx) => {
        const v = child(batch, ctx);
        if (v.kind !== "bytes") throw new InternalError(`eval: LIKE on a ${v.type.typeName} vector`);
        if (shape !== null && !regex) return likeBytes(v, shape);
        return likeRegex(v, compiled === null ? pattern(batch, ctx) : v, compiled, regex, escape);
      };
    }
    case "case": {
      const whens = b.branches.map((x) => compile(x.when));
      const thens = b.branches.map((x) => compile(x.then));
      const otherwise = b.otherwise === null ? null : compile(b.otherwise);
      const type = b.dataType;
      return (batch, ctx) => {
        const n = batch.numRows;
        const choice = new Int32Array(n).fill(-2);
        for (let k = 0; k < whens.length; k++) markWhere(whens[k](batch, ctx), choice, k, -2);
        const sources = thens.map((t) => t(batch, ctx));
        const other = otherwise === null ? -1 : sources.length;
        if (otherwise !== null) sources.push(otherwise(batch, ctx));
        for (let i = 0; i < n; i++) if (choice[i] === -2) choice[i] = other;
        return choose(type, sources, choice);
      };
    }
    case "call": {
      if (b.args.some((a) => a.kind === "lambda")) return compileHigherOrder(b, compile);
      const kernel = kernelFor(b);
      const args = b.args.map(compile);
      return (batch, ctx) => kernel(args.map((a) => a(batch, ctx)), batch.numRows, ctx, b);
    }
    case "aggregate":
      throw new InternalError(`eval: aggregate ${b.name}(...) cannot be evaluated as a scalar expression`);
    case "lambda":
    case "lambdaVar":
      // A higher-order call compiles its lambdas (their parameters become columns).
      throw new InternalError(`eval: a ${b.kind === "lambda" ? "lambda" : `lambda variable '${b.name}'`} outside a higher-order function`);
  }
}

const COMPARISONS = new Set(["=", "<=>", "<", "<=", ">", ">="]);

function compileBinary(b: Extract<BoundExpr, { kind: "binary" }>): Ev {
  const op = b.op;
  if (op === "and" || op === "or") {
    const l = compile(b.left);
    const r = compile(b.right);
    return op === "and" ? (batch, ctx) => and(l(batch, ctx), r(batch, ctx)) : (batch, ctx) => or(l(batch, ctx), r(batch, ctx));
  }
  if (COMPARISONS.has(op)) {
    const cmp = op as ComparisonOp;
    if (b.right.kind === "literal" && b.left.kind !== "literal") {
      const l = compile(b.left);
      const value = b.right.value;
      return (batch, ctx) => compareScalar(cmp, l(batch, ctx), value, false);
    }
    if (b.left.kind === "literal" && b.right.kind !== "literal") {
      const r = compile(b.right);
      const value = b.left.value;
      return (batch, ctx) => compareScalar(cmp, r(batch, ctx), value, true);
    }
    const l = compile(b.left);
    const r = compile(b.right);
    return (batch, ctx) => compareVectors(cmp, l(batch, ctx), r(batch, ctx));
  }
  const l = compile(b.left);
  const r = compile(b.right);
  const type = b.dataType;
  const aop = op as ArithmeticOp;
  return (batch, ctx) => arithmetic(aop, l(batch, ctx), r(batch, ctx), type);
}

function compileIn(b: Extract<BoundExpr, { kind: "in" }>): Ev {
  const child = compile(b.child);
  const negated = b.negated;
  const allLiteral = b.list.every((x) => x.kind === "literal");
  const kind = b.child.dataType.typeName;
  if (allLiteral && (kind === "long" || kind === "integer" || kind === "short" || kind === "byte")) {
    const set = new Set<number | bigint>();
    let hasNull = false;
    for (const x of b.list) {
      if (x.kind !== "literal") continue;
      if (x.value === null) hasNull = true;
      else if (typeof x.value === "number" || typeof x.value === "bigint") set.add(x.value);
    }
    const items = b.list.map(compile);
    return (batch, ctx) => {
      const v = child(batch, ctx);
      return inNumberSet(v, set, hasNull, negated) ?? inList(v, items.map((i) => i(batch, ctx)), negated);
    };
  }
  if (allLiteral && (kind === "string" || kind === "binary")) {
    const encoder = new TextEncoder();
    const literals: Uint8Array[] = [];
    let hasNull = false;
    for (const x of b.list) {
      if (x.kind !== "literal") continue;
      if (x.value === null) hasNull = true;
      else if (typeof x.value === "string") literals.push(encoder.encode(x.value));
      else if (x.value instanceof Uint8Array) literals.push(x.value);
    }
    if (literals.length + (hasNull ? 1 : 0) === b.list.length) {
      const items = b.list.map(compile);
      return (batch, ctx) => {
        const v = child(batch, ctx);
        return inBytesLiterals(v, literals, hasNull, negated) ?? inList(v, items.map((i) => i(batch, ctx)), negated);
      };
    }
  }
  const items = b.list.map(compile);
  return (batch, ctx) => inList(child(batch, ctx), items.map((i) => i(batch, ctx)), negated);
}
