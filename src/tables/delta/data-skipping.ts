/**
 * Delta data skipping: keeping only the files of a snapshot that may hold a row matching a filter,
 * decided per file from its partition values (exact) and its statistics (min/max/nullCount bounds).
 *
 * The filter is split into AND conjuncts; a file is dropped when some conjunct is proved false or
 * null for every row of it. A conjunct over partition columns only is evaluated exactly on the
 * file's partition values; any other conjunct is read as comparisons between a column (top-level
 * or nested struct field, possibly under an order-preserving cast) and constants, combined with
 * AND / OR / NOT. Whatever is not understood, and every bound that cannot be trusted, keeps the
 * file: this never drops a file that could hold a match.
 *
 * Bounds that are not trusted or are widened:
 * - float/double maxima are never used (NaN sorts above every number in Spark, and writers differ
 *   on whether NaN reaches the stats); minima are widened by one ulp (Spark prints float32 values
 *   in their shortest decimal form);
 * - timestamps are written with millisecond precision, so both bounds are widened by 1 ms; a
 *   timestamp bound without an explicit zone is ambiguous and not used;
 * - a string maximum at least the prefix length long (`delta.dataSkippingStringPrefixLength`, 32)
 *   is only an upper bound when it ends with Delta's tie-breaker (U+007F or U+10FFFF); a string
 *   minimum, a prefix of the real minimum, is always a lower bound. Strings compare in code point
 *   (UTF-8 byte) order, as Spark does;
 * - long values are parsed exactly (beyond 2^53) and decimals at the column's scale, rounded
 *   outwards.
 */
import { SourceError } from "../../errors.js";
import { DEFAULT_PARTITION_TIME_ZONE, partitionVector, parsePartitionValue } from "./partition-values.js";
import type { DeltaFile, DeltaMetadata } from "./snapshot.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import { boundChildren, splitConjuncts } from "../../plan/expressions/bound.js";
import { equalsIgnoreNullability } from "../../plan/expressions/coercion.js";
import type { Evaluator } from "../../exec/eval/compile.js";
import { compileExpr } from "../../exec/eval/compile.js";
import { castVector } from "../../exec/eval/cast.js";
import { makeBatch } from "../../columnar/batch.js";
import { vectorFromValues } from "../../columnar/build.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import type { DataType } from "../../types/data-types.js";
import { StructField, StructType, isStruct } from "../../types/data-types.js";
import { STRING_PREFIX_LENGTH } from "./stats.js";

/**
 * The files of `files` that may contain a row for which `filter` is true, in their order.
 * `filter` is bound against the table's schema as the Delta source outputs it: columns are matched
 * to `metadata.schema` by name (case-insensitively) and must have the table's type, or the
 * conjunct using them is ignored. Never throws on bad stats or partition values: such a file is kept.
 * `options.timeZone` must match the reader's (see {@link PruneOptions}).
 */
export function pruneFiles(files: readonly DeltaFile[], metadata: DeltaMetadata, filter: BoundExpr, options: PruneOptions = {}): DeltaFile[] {
  // With column mapping, stats and partition values are keyed by physical names: keep everything.
  const mapping = metadata.configuration["delta.columnMapping.mode"];
  if (mapping !== undefined && mapping !== "none") return [...files];
  const table = new TableColumns(metadata, options.timeZone ?? DEFAULT_PARTITION_TIME_ZONE);
  const checks: FileCheck[] = [];
  for (const c of splitConjuncts(filter)) {
    const check = partitionCheck(c, table) ?? rangeCheck(c, table);
    if (check !== null) checks.push(check);
  }
  if (checks.length === 0) return [...files];
  const out: DeltaFile[] = [];
  for (const f of files) {
    const view = new FileView(f, table);
    if (checks.every((check) => check(view))) out.push(f);
  }
  return out;
}

/** Options of {@link pruneFiles}. */
export interface PruneOptions {
  /**
   * The time zone zone-less timestamp partition values are read in: must be the one the reader
   * builds partition columns with (`readDeltaFile`'s `timeZone`); UTC by default, as there.
   */
  readonly timeZone?: string;
}

/** Decides whether a file may hold a row for which one conjunct is true. */
type FileCheck = (file: FileView) => boolean;

/** Scalars in the encoding of literal values: bigint for long/timestamp/decimal (unscaled), number, string, boolean. */
type Scalar = bigint | number | string | boolean;

const TIME_DEPENDENT = new Set(["current_timestamp", "current_date"]);
const ASCII_MAX = 0x7f;
const UTF8_MAX = 0x10ffff;
const MICROS_PER_MILLI = 1000n;
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;
const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
};

// ---------------------------------------------------------------------------------------------
// Columns of the table

/** A table column (or nested struct field) the filter refers to. */
interface ColumnPath {
  /** Field names as in the table schema, outermost first. */
  readonly path: readonly string[];
  readonly type: DataType;
  /** The partition column's name, when this is one. */
  readonly partition: string | null;
}

class TableColumns {
  readonly partitionNames: ReadonlyMap<string, string>;
  /** Strings at least this long without a tie-breaker are truncated prefixes. */
  readonly prefixLength: number;

  constructor(
    readonly metadata: DeltaMetadata,
    readonly timeZone: string,
  ) {
    const names = new Map<string, string>();
    for (const p of metadata.partitionColumns) names.set(p.toLowerCase(), p);
    this.partitionNames = names;
    const configured = Number(metadata.configuration["delta.dataSkippingStringPrefixLength"] ?? STRING_PREFIX_LENGTH);
    this.prefixLength = Number.isInteger(configured) && configured > 0 ? Math.min(configured, STRING_PREFIX_LENGTH) : STRING_PREFIX_LENGTH;
  }

  /** The table column that `e` (a `ref`, or `field`s over one) reads, or null. */
  resolve(e: BoundExpr): ColumnPath | null {
    if (e.kind === "ref") {
      const field = uniqueField(this.metadata.schema, e.name);
      if (field === null || !equalsIgnoreNullability(field.dataType, e.dataType)) return null;
      const partition = this.partitionNames.get(field.name.toLowerCase()) ?? null;
      return { path: [field.name], type: field.dataType, partition };
    }
    if (e.kind === "field") {
      const parent = this.resolve(e.child);
      if (parent === null || parent.partition !== null || !isStruct(parent.type)) return null;
      const field = parent.type.fields[e.ordinal] as StructField | undefined;
      if (field === undefined || field.name.toLowerCase() !== e.name.toLowerCase()) return null;
      if (!equalsIgnoreNullability(field.dataType, e.dataType)) return null;
      return { path: [...parent.path, field.name], type: field.dataType, partition: null };
    }
    return null;
  }
}

function uniqueField(t: StructType, name: string): StructField | null {
  const exact = t.fields.filter((f) => f.name === name);
  if (exact.length === 1) return exact[0];
  const folded = t.fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : null;
}

// ---------------------------------------------------------------------------------------------
// Conjuncts over partition columns only: exact evaluation

/**
 * A check evaluating `e` on the partition values, when `e` reads only partition columns and
 * nothing time-dependent; null otherwise.
 */
function partitionCheck(e: BoundExpr, table: TableColumns): FileCheck | null {
  if (table.partitionNames.size === 0) return null;
  const columns: { ordinal: number; column: ColumnPath }[] = [];
  let ok = true;
  const visit = (x: BoundExpr): void => {
    if (!ok) return;
    if (x.kind === "ref") {
      const column = table.resolve(x);
      if (column === null || column.partition === null) ok = false;
      else if (!columns.some((c) => c.ordinal === x.ordinal)) columns.push({ ordinal: x.ordinal, column });
      return;
    }
    if (x.kind === "aggregate" || (x.kind === "call" && TIME_DEPENDENT.has(x.fn.name))) {
      ok = false;
      return;
    }
    for (const c of boundChildren(x)) visit(c);
  };
  visit(e);
  if (!ok || columns.length === 0) return null;
  const schema = StructType(columns.map((c) => StructField(c.column.path[0], c.column.type)));
  let evaluate: Evaluator;
  try {
    evaluate = compileExpr(remapRefs(e, columns.map((c) => c.ordinal)));
  } catch {
    return null;
  }
  return (file) => {
    try {
      const vectors: Vector[] = [];
      for (const { column } of columns) {
        const raw = file.partitionValue(column.partition ?? "");
        if (raw === undefined) return true;
        vectors.push(partitionVector(column.type, raw, 1, column.path[0], table.timeZone));
      }
      const result = evaluate(makeBatch(schema, vectors, 1));
      return result.kind === "bool" && isValid(result, 0) && result.values[0] === 1;
    } catch {
      return true;
    }
  };
}

/** `e` with each `ref` to `ordinals[k]` turned into a `ref` to `k`. */
function remapRefs(e: BoundExpr, ordinals: readonly number[]): BoundExpr {
  switch (e.kind) {
    case "ref":
      return { ...e, ordinal: ordinals.indexOf(e.ordinal) };
    case "literal":
    case "lambdaVar":
      return e;
    case "lambda":
      return { ...e, body: remapRefs(e.body, ordinals) };
    case "field":
    case "cast":
    case "unary":
    case "isNull":
      return { ...e, child: remapRefs(e.child, ordinals) };
    case "binary":
      return { ...e, left: remapRefs(e.left, ordinals), right: remapRefs(e.right, ordinals) };
    case "in":
      return { ...e, child: remapRefs(e.child, ordinals), list: e.list.map((x) => remapRefs(x, ordinals)) };
    case "like":
      return { ...e, child: remapRefs(e.child, ordinals), pattern: remapRefs(e.pattern, ordinals) };
    case "case":
      return {
        ...e,
        branches: e.branches.map((b) => ({ when: remapRefs(b.when, ordinals), then: remapRefs(b.then, ordinals) })),
        otherwise: e.otherwise === null ? null : remapRefs(e.otherwise, ordinals),
      };
    case "call":
    case "aggregate":
      return { ...e, args: e.args.map((x) => remapRefs(x, ordinals)) };
  }
}

// ---------------------------------------------------------------------------------------------
// Other conjuncts: comparisons against min/max bounds

/** A column under order-preserving casts: the values compared are `casts` applied to the column's. */
interface Operand {
  readonly column: ColumnPath;
  /** Casts from the column's type, innermost first; the last is the comparison type. */
  readonly casts: readonly DataType[];
  readonly type: DataType;
}

type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A predicate over bounds; `keep` is "cannot tell" (the file may match). */
type Skip =
  | { readonly kind: "keep" }
  | { readonly kind: "none" }
  | { readonly kind: "and" | "or"; readonly left: Skip; readonly right: Skip }
  | { readonly kind: "compare"; readonly operand: Operand; readonly op: CompareOp; readonly value: Scalar }
  | { readonly kind: "isNull"; readonly operand: Operand; readonly negated: boolean }
  | { readonly kind: "in"; readonly operand: Operand; readonly values: readonly Scalar[] }
  | { readonly kind: "notIn"; readonly operand: Operand; readonly values: readonly Scalar[] }
  | { readonly kind: "nullOrNot"; readonly operand: Operand; readonly value: Scalar }
  | { readonly kind: "startsWith"; readonly operand: Operand; readonly prefix: string };

const KEEP: Skip = { kind: "keep" };
const NONE: Skip = { kind: "none" };

function rangeCheck(e: BoundExpr, table: TableColumns): FileCheck | null {
  const skip = toSkip(e, false, table);
  if (skip.kind === "keep") return null;
  return (file) => mayMatch(skip, file);
}

const NEGATED: Readonly<Record<CompareOp, CompareOp>> = { "=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<" };
const MIRRORED: Readonly<Record<CompareOp, CompareOp>> = { "=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/** What `e` (or NOT `e` when `negated`) requires of a file's bounds for a row to make it true. */
function toSkip(e: BoundExpr, negated: boolean, table: TableColumns): Skip {
  const constant = constantValue(e);
  if (constant !== undefined) {
    if (constant === null) return NONE;
    if (typeof constant !== "boolean") return KEEP;
    return constant !== negated ? KEEP : NONE;
  }
  switch (e.kind) {
    case "binary": {
      if (e.op === "and" || e.op === "or") {
        const left = toSkip(e.left, negated, table);
        const right = toSkip(e.right, negated, table);
        // NOT (a AND b) = NOT a OR NOT b (also in three-valued logic).
        const isAnd = (e.op === "and") !== negated;
        return combine(isAnd ? "and" : "or", left, right);
      }
      if (e.op === "=" || e.op === "<" || e.op === "<=" || e.op === ">" || e.op === ">=" || e.op === "<=>") {
        let operand = operandOf(e.left, table);
        let other = e.right;
        let op: CompareOp | "<=>" = e.op;
        if (operand === null) {
          operand = operandOf(e.right, table);
          other = e.left;
          if (op !== "<=>") op = MIRRORED[op];
        }
        if (operand === null) return KEEP;
        const value = constantValue(other);
        if (value === undefined || !equalsIgnoreNullability(other.dataType, operand.type)) return KEEP;
        if (op === "<=>") {
          if (value === null) return { kind: "isNull", operand, negated };
          return negated ? { kind: "nullOrNot", operand, value } : { kind: "compare", operand, op: "=", value };
        }
        // A comparison with NULL is null, and so is its negation: no row passes.
        if (value === null) return NONE;
        return { kind: "compare", operand, op: negated ? NEGATED[op] : op, value };
      }
      return KEEP;
    }
    case "unary":
      return e.op === "not" ? toSkip(e.child, !negated, table) : KEEP;
    case "isNull": {
      const operand = operandOf(e.child, table);
      return operand === null ? KEEP : { kind: "isNull", operand, negated: e.negated !== negated };
    }
    case "in": {
      const operand = operandOf(e.child, table);
      if (operand === null) return KEEP;
      const values: Scalar[] = [];
      let hasNull = false;
      for (const item of e.list) {
        const v = constantValue(item);
        if (v === undefined || !equalsIgnoreNullability(item.dataType, operand.type)) return KEEP;
        if (v === null) hasNull = true;
        else values.push(v);
      }
      if (e.negated === negated) return { kind: "in", operand, values };
      // x NOT IN (…, NULL, …) is never true.
      return hasNull ? NONE : { kind: "notIn", operand, values };
    }
    case "like": {
      // Only a positive (not negated, not under NOT) LIKE narrows the range.
      if (e.regex || e.negated !== negated || e.likeShape === null) return KEEP;
      const operand = operandOf(e.child, table);
      if (operand === null || operand.type.typeName !== "string") return KEEP;
      if (e.likeShape.op === "equals") return { kind: "compare", operand, op: "=", value: e.likeShape.text };
      if (e.likeShape.op === "startsWith") return { kind: "startsWith", operand, prefix: e.likeShape.text };
      return KEEP;
    }
    default: {
      // A boolean column on its own: `flag` is `flag = true`.
      const operand = e.dataType.typeName === "boolean" ? operandOf(e, table) : null;
      return operand === null ? KEEP : { kind: "compare", operand, op: "=", value: !negated };
    }
  }
}

function combine(kind: "and" | "or", left: Skip, right: Skip): Skip {
  if (kind === "and") {
    if (left.kind === "none" || right.kind === "none") return NONE;
    if (left.kind === "keep") return right;
    if (right.kind === "keep") return left;
  } else {
    if (left.kind === "keep" || right.kind === "keep") return KEEP;
    if (left.kind === "none") return right;
    if (right.kind === "none") return left;
  }
  return { kind, left, right };
}

/** `e` as a table column under order-preserving casts, or null. */
function operandOf(e: BoundExpr, table: TableColumns): Operand | null {
  const casts: DataType[] = [];
  let x = e;
  while (x.kind === "cast") {
    casts.unshift(x.dataType);
    x = x.child;
  }
  const column = table.resolve(x);
  if (column === null || !isOrderedType(column.type)) return null;
  let from = column.type;
  for (const to of casts) {
    if (!preservesOrder(from, to)) return null;
    from = to;
  }
  return { column, casts, type: from };
}

function isOrderedType(t: DataType): boolean {
  switch (t.typeName) {
    case "byte":
    case "short":
    case "integer":
    case "long":
    case "float":
    case "double":
    case "decimal":
    case "date":
    case "timestamp":
    case "string":
    case "boolean":
      return true;
    default:
      return false;
  }
}

const INTEGRAL_RANK: Readonly<Record<string, number>> = { byte: 0, short: 1, integer: 2, long: 3 };
const INTEGRAL_DIGITS: Readonly<Record<string, number>> = { byte: 3, short: 5, integer: 10, long: 20 };

/**
 * Casts that never turn a value into null and never reverse an order (`a <= b` implies
 * `cast(a) <= cast(b)`): bounds of the column then bound the cast values.
 */
function preservesOrder(from: DataType, to: DataType): boolean {
  if (equalsIgnoreNullability(from, to)) return true;
  const fromRank = INTEGRAL_RANK[from.typeName] as number | undefined;
  if (fromRank !== undefined) {
    const toRank = INTEGRAL_RANK[to.typeName] as number | undefined;
    if (toRank !== undefined) return toRank >= fromRank;
    if (to.typeName === "float" || to.typeName === "double") return true;
    if (to.typeName === "decimal") return to.precision - to.scale >= INTEGRAL_DIGITS[from.typeName];
    return false;
  }
  if (from.typeName === "float") return to.typeName === "double";
  if (from.typeName === "decimal") {
    if (to.typeName === "double") return true;
    return to.typeName === "decimal" && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  }
  if (from.typeName === "date") return to.typeName === "timestamp";
  return false;
}

/**
 * The value of a constant expression (no column, no function call) in its type's scalar encoding:
 * `null` for NULL, `undefined` when `e` is not constant or its value cannot be used.
 */
function constantValue(e: BoundExpr): Scalar | null | undefined {
  if (e.kind === "literal") {
    if (e.value === null) return null;
    return e.value instanceof Uint8Array ? undefined : e.value;
  }
  if (!isConstant(e)) return undefined;
  try {
    const v = compileExpr(e)(makeBatch(StructType([]), [], 1));
    return isValid(v, 0) ? scalarAt(v) ?? undefined : null;
  } catch {
    return undefined;
  }
}

function isConstant(e: BoundExpr): boolean {
  if (e.kind === "ref" || e.kind === "field" || e.kind === "call" || e.kind === "aggregate") return false;
  return boundChildren(e).every(isConstant);
}

/** Slot 0 of `v` as a scalar, or null when null or not comparable here (binary, nested). */
function scalarAt(v: Vector): Scalar | null {
  if (!isValid(v, 0)) return null;
  switch (v.kind) {
    case "i64":
    case "decimal":
      return v.values[0];
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values[0];
    case "bool":
      return v.values[0] === 1;
    case "bytes":
      return v.type.typeName === "string" ? decodeUtf8(v.data, v.offsets[0], v.offsets[1]) : null;
    default:
      return null;
  }
}

/** Bounds of an operand's values in one file; a null bound is unknown. */
interface Bounds {
  readonly min: Scalar | null;
  readonly max: Scalar | null;
  /** No value is null. */
  readonly noNulls: boolean;
  /** Every value is null (or there are none). */
  readonly allNull: boolean;
}

function mayMatch(s: Skip, file: FileView): boolean {
  switch (s.kind) {
    case "keep":
      return true;
    case "none":
      return false;
    case "and":
      return mayMatch(s.left, file) && mayMatch(s.right, file);
    case "or":
      return mayMatch(s.left, file) || mayMatch(s.right, file);
    case "isNull": {
      const b = file.bounds(s.operand);
      if (b === null) return true;
      return s.negated ? !b.allNull : !b.noNulls;
    }
    case "compare": {
      const b = file.bounds(s.operand);
      return b === null || (!b.allNull && compareMayMatch(s.op, s.value, b));
    }
    case "in": {
      const b = file.bounds(s.operand);
      return b === null || (!b.allNull && s.values.some((v) => compareMayMatch("=", v, b)));
    }
    case "notIn": {
      const b = file.bounds(s.operand);
      return b === null || (!b.allNull && s.values.every((v) => compareMayMatch("!=", v, b)));
    }
    case "nullOrNot": {
      const b = file.bounds(s.operand);
      return b === null || !b.noNulls || (!b.allNull && compareMayMatch("!=", s.value, b));
    }
    case "startsWith": {
      const b = file.bounds(s.operand);
      if (b === null) return true;
      if (b.allNull) return false;
      // Every string with the prefix is >= the prefix…
      if (typeof b.max === "string" && compareCodePoints(b.max, s.prefix) < 0) return false;
      // …and the least string above all of them does not start with the prefix.
      if (typeof b.min === "string" && !b.min.startsWith(s.prefix) && compareCodePoints(b.min, s.prefix) > 0) return false;
      return true;
    }
  }
}

/** Whether some non-null value `x` within `b` may satisfy `x op value`. */
function compareMayMatch(op: CompareOp, value: Scalar, b: Bounds): boolean {
  const lo = b.min === null ? null : compareScalars(b.min, value);
  const hi = b.max === null ? null : compareScalars(b.max, value);
  switch (op) {
    case "=":
      return !((lo !== null && lo > 0) || (hi !== null && hi < 0));
    case "!=":
      return !(lo === 0 && hi === 0);
    case "<":
      return !(lo !== null && lo >= 0);
    case "<=":
      return !(lo !== null && lo > 0);
    case ">":
      return !(hi !== null && hi <= 0);
    case ">=":
      return !(hi !== null && hi < 0);
  }
}

/** -1/0/1 in Spark's order (NaN above every number, strings by code point), or null when incomparable. */
function compareScalars(a: Scalar, b: Scalar): number | null {
  if (typeof a === "number" && typeof b === "number") {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return null;
}

/** Code point order (= UTF-8 byte order), unlike `<` on strings (UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(j) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  const ra = a.length - i;
  const rb = b.length - j;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------
// One file: partition values and parsed stats

/** A parsed stats JSON: numbers kept as their text (exact longs and decimals). */
interface FileStats {
  readonly numRecords: number | null;
  readonly minValues: Json;
  readonly maxValues: Json;
  readonly nullCount: Json;
}

class FileView {
  private stats: FileStats | null | undefined;
  private readonly cache = new Map<Operand, Bounds | null>();

  constructor(
    readonly file: DeltaFile,
    private readonly table: TableColumns,
  ) {}

  /** The serialized partition value (`null` for the null partition), or undefined when absent. */
  partitionValue(column: string): string | null | undefined {
    const pv = this.file.partitionValues;
    if (Object.hasOwn(pv, column)) return pv[column];
    const lower = column.toLowerCase();
    const keys = Object.keys(pv).filter((k) => k.toLowerCase() === lower);
    return keys.length === 1 ? pv[keys[0]] : undefined;
  }

  /** Bounds of the operand's values in this file, or null when unknown. */
  bounds(operand: Operand): Bounds | null {
    let b = this.cache.get(operand);
    if (b === undefined) {
      try {
        b = this.computeBounds(operand);
      } catch {
        b = null;
      }
      this.cache.set(operand, b);
    }
    return b;
  }

  private computeBounds(operand: Operand): Bounds | null {
    const { column } = operand;
    if (column.partition !== null) {
      const raw = this.partitionValue(column.partition);
      if (raw === undefined) return null;
      const tz = this.table.timeZone;
      if (parsePartitionValue(column.type, raw, column.partition, tz) === null) return { min: null, max: null, noNulls: false, allNull: true };
      const value = castScalar(partitionVector(column.type, raw, 1, column.partition, tz), operand.casts);
      if (value === null) return null;
      return { min: value, max: value, noNulls: true, allNull: false };
    }
    const stats = this.parsedStats();
    if (stats === null) return null;
    const nulls = jsonInteger(lookup(stats.nullCount, column.path));
    const noNulls = nulls === 0;
    const allNull = nulls !== null && stats.numRecords !== null && nulls === stats.numRecords;
    const minVector = boundVector(column.type, lookup(stats.minValues, column.path), false, this.table.prefixLength);
    const maxVector = boundVector(column.type, lookup(stats.maxValues, column.path), true, this.table.prefixLength);
    const min = minVector === null ? null : castScalar(minVector, operand.casts);
    const max = maxVector === null ? null : castScalar(maxVector, operand.casts);
    return { min, max, noNulls, allNull };
  }

  private parsedStats(): FileStats | null {
    if (this.stats === undefined) this.stats = parseStats(this.file.stats);
    return this.stats;
  }
}

function castScalar(v: Vector, casts: readonly DataType[]): Scalar | null {
  let x = v;
  for (const t of casts) x = castVector(x, t);
  return scalarAt(x);
}

function parseStats(text: string | undefined): FileStats | null {
  if (text === undefined) return null;
  let json: Json;
  try {
    json = parseJson(text);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  const n = jsonInteger(json.numRecords ?? null);
  return {
    numRecords: n,
    minValues: json.minValues ?? null,
    maxValues: json.maxValues ?? null,
    nullCount: json.nullCount ?? null,
  };
}

function lookup(o: Json, path: readonly string[]): Json {
  let cur = o;
  for (const name of path) {
    if (!isObject(cur)) return null;
    if (Object.hasOwn(cur, name)) {
      cur = cur[name];
      continue;
    }
    const lower = name.toLowerCase();
    const keys = Object.keys(cur).filter((k) => k.toLowerCase() === lower);
    if (keys.length !== 1) return null;
    cur = cur[keys[0]];
  }
  return cur;
}

function jsonInteger(v: Json): number | null {
  if (!(v instanceof RawNumber) || !/^\d+$/.test(v.text)) return null;
  const n = Number(v.text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A one-slot vector of `type` holding a stats bound widened to be safe (see the file comment), or
 * null when the bound is absent, unparsable or not trusted.
 */
function boundVector(type: DataType, v: Json, isMax: boolean, prefixLength: number): Vector | null {
  switch (type.typeName) {
    case "byte":
    case "short":
    case "integer": {
      if (!(v instanceof RawNumber) || !/^-?\d+$/.test(v.text)) return null;
      const n = Number(v.text);
      const [lo, hi] = INT_RANGE[type.typeName];
      return n >= lo && n <= hi ? vectorFromValues(type, [n]) : null;
    }
    case "long": {
      if (!(v instanceof RawNumber) || !/^-?\d+$/.test(v.text)) return null;
      const n = BigInt(v.text);
      return n >= LONG_MIN && n <= LONG_MAX ? vectorFromValues(type, [n]) : null;
    }
    case "float":
    case "double": {
      if (isMax || !(v instanceof RawNumber)) return null;
      const n = Number(v.text);
      const x = type.typeName === "float" ? Math.fround(n) : n;
      if (!Number.isFinite(x)) return null;
      return vectorFromValues(type, [type.typeName === "float" ? nextDownFloat32(x) : nextDownFloat64(x)]);
    }
    case "decimal": {
      const text = v instanceof RawNumber ? v.text : typeof v === "string" ? v : null;
      if (text === null) return null;
      const unscaled = decimalAtScale(text, type.scale, isMax);
      return unscaled === null ? null : vectorFromValues(type, [unscaled]);
    }
    case "date": {
      if (typeof v !== "string") return null;
      const days = parsePartitionValue(type, v, "stats");
      return typeof days === "number" ? vectorFromValues(type, [days]) : null;
    }
    case "timestamp": {
      // Only with an explicit zone (as Delta writes them): a zone-less value would be ambiguous.
      if (typeof v !== "string" || !/(?:Z|[+-]\d{2}:?\d{2})$/.test(v)) return null;
      const micros = parsePartitionValue(type, v, "stats", "UTC");
      if (typeof micros !== "bigint") return null;
      // Stats keep milliseconds only: the real value is within 1 ms either way.
      const bound = isMax ? micros + MICROS_PER_MILLI : micros - MICROS_PER_MILLI;
      return bound >= LONG_MIN && bound <= LONG_MAX ? vectorFromValues(type, [bound]) : null;
    }
    case "string": {
      if (typeof v !== "string") return null;
      if (isMax && !trustedMaxString(v, prefixLength)) return null;
      return vectorFromValues(type, [v]);
    }
    case "boolean":
      return typeof v === "boolean" ? vectorFromValues(type, [v]) : null;
    default:
      return null;
  }
}

/** A max shorter than the prefix length was not cut; a longer one bounds only with a tie-breaker. */
function trustedMaxString(s: string, prefixLength: number): boolean {
  let count = 0;
  let last = 0;
  for (const ch of s) {
    count++;
    last = ch.codePointAt(0) ?? 0;
  }
  return count < prefixLength || last === ASCII_MAX || last === UTF8_MAX;
}

/** A decimal number text (`-12.5`, `1.25E+3`) as an unscaled value at `scale`, rounded up or down. */
function decimalAtScale(text: string, scale: number, roundUp: boolean): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const digits = `${m[2]}${m[3] ?? ""}`;
  const exponent = Number(m[4] ?? "0") - (m[3] ?? "").length + scale;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  let unscaled = BigInt(digits);
  const negative = m[1] === "-";
  if (exponent >= 0) {
    unscaled *= 10n ** BigInt(exponent);
  } else {
    const div = 10n ** BigInt(-exponent);
    const q = unscaled / div;
    const inexact = q * div !== unscaled;
    // Round the magnitude so that the signed value moves in the wanted direction.
    unscaled = inexact && roundUp !== negative ? q + 1n : q;
  }
  return negative ? -unscaled : unscaled;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The float32 just below `x` (finite `x`). */
function nextDownFloat32(x: number): number {
  if (x === 0) return -1.401298464324817e-45;
  f32[0] = x;
  i32[0] += x > 0 ? -1 : 1;
  return f32[0];
}

/** The double just below `x` (finite `x`). */
function nextDownFloat64(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += x > 0 ? -1n : 1n;
  return f64[0];
}

// ---------------------------------------------------------------------------------------------
// A JSON parser keeping numbers as text

class RawNumber {
  constructor(readonly text: string) {}
}
type Json = null | boolean | string | RawNumber | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

function isObject(v: Json): v is JsonObject {
  return v !== null && typeof v === "object" && !(v instanceof RawNumber) && !Array.isArray(v);
}

/** Parses JSON text; numbers become {@link RawNumber}s. Throws a SourceError on malformed input. */
function parseJson(text: string): Json {
  let i = 0;
  const fail = (): never => {
    throw new SourceError(`delta stats: malformed JSON at offset ${i}: ${text.slice(0, 80)}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: JsonObject = {};
      ws();
      if (text[i] === "}") {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        o[k] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return o;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      const a: Json[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return a;
        } else fail();
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return fail();
    i += m[0].length;
    return new RawNumber(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail();
  return v;
}
