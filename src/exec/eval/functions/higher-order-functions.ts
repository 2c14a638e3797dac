/**
 * Higher-order function kernels: lambdas over arrays and maps, evaluated columnar.
 *
 * A lambda's body is compiled once, as an ordinary expression over an "element batch": its
 * columns are the input columns the body reads, gathered to element positions (`rowOf`), then the
 * lambda's parameters as element-aligned vectors. Each function evaluates the body once per batch
 * over all elements of all rows (the list vector's child, the map's keys and items), never per row.
 * `aggregate` folds position by position: step k evaluates the merge once over the k-th element
 * of every row still folding. `array_sort` with a comparator runs a bottom-up merge sort of every
 * array at once, each round evaluating the comparator once over the pending comparison of every
 * merge in progress (O(longest array) rounds of O(n log n) comparisons in all).
 *
 * Unlike Spark's row-at-a-time `exists` / `forall`, the body is evaluated for every element, also
 * after the answer is known; that differs only when the body raises an error.
 */
import type { Batch } from "../../../columnar/batch.js";
import { makeBatch } from "../../../columnar/batch.js";
import type { ListVector, MapVector, ValidityMask, Vector } from "../../../columnar/vector.js";
import { compactMask, isValid } from "../../../columnar/vector.js";
import { nullVector } from "../../../columnar/build.js";
import { concat, take, takeOrNull } from "../../../columnar/ops.js";
import { ExecutionError, InternalError } from "../../../errors.js";
import type { BoundCall, BoundExpr, BoundLambda } from "../../../plan/expressions/bound.js";
import { boundChildren, mapBoundChildren } from "../../../plan/expressions/bound.js";
import type { DataType } from "../../../types/data-types.js";
import { IntegerType, StructField, StructType } from "../../../types/data-types.js";
import { slotText } from "../cast.js";
import type { EvalContext } from "../vectors.js";
import { boolVector, numberVector } from "../vectors.js";
import { SlotSet, asList, checkMapKeys, comparator, hashEquality, hashSlots } from "./collection-functions.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

/**
 * Kernels of the calls without a function argument: `array_sort(array)` (Spark's default
 * comparator: ascending, nulls last, sorted natively). Calls with lambdas go through
 * {@link compileHigherOrder}.
 */
export const HIGHER_ORDER_KERNELS: Readonly<Record<string, KernelFactory>> = {
  array_sort: fixed(([arr], n, _ctx, call) => sortNatural(asList(arr), n, call.dataType)),
};

/** A compiled expression, as `compile.ts` makes them. */
export type CompiledExpr = (batch: Batch, ctx: EvalContext) => Vector;

/**
 * Compiles a call of a higher-order function whose arguments include lambdas; `compile` compiles
 * an ordinary bound expression (the lambda bodies, after their parameters become columns).
 */
export function compileHigherOrder(call: BoundCall, compile: (b: BoundExpr) => CompiledExpr): CompiledExpr {
  const impl = IMPLEMENTATIONS[call.fn.name];
  if (impl === undefined) throw new InternalError(`eval: '${call.fn.name}' takes no lambda`);
  const args = call.args.map((a) => (a.kind === "lambda" ? null : compile(a)));
  const lambdas = call.args.map((a) => (a.kind === "lambda" ? compileLambda(a, compile) : null));
  return (batch, ctx) => {
    const values = args.map((a) => (a === null ? null : a(batch, ctx)));
    const fns = lambdas.map((l): LambdaFn | null => (l === null ? null : (m, rowOf, params) => l(batch, ctx, m, rowOf, params)));
    return impl({ call, n: batch.numRows, args: values, fns });
  };
}

// ---------------------------------------------------------------------------------------------
// Lambdas

/**
 * A lambda bound to one input batch: the body over `m` element positions, where `rowOf[j]` is the
 * input row of position j (null: position j is row j) and `params[k]` holds parameter k's values.
 */
type LambdaFn = (m: number, rowOf: Int32Array | null, params: readonly Vector[]) => Vector;

type CompiledLambda = (batch: Batch, ctx: EvalContext, m: number, rowOf: Int32Array | null, params: readonly Vector[]) => Vector;

function compileLambda(lambda: BoundLambda, compile: (b: BoundExpr) => CompiledExpr): CompiledLambda {
  // The input columns the body reads (also inside nested lambdas), in a compact order.
  const captured: { ordinal: number; name: string; type: DataType }[] = [];
  const slotOf = new Map<number, number>();
  const collect = (e: BoundExpr): void => {
    if (e.kind === "ref" && !slotOf.has(e.ordinal)) {
      slotOf.set(e.ordinal, captured.length);
      captured.push({ ordinal: e.ordinal, name: e.name, type: e.dataType });
    }
    for (const c of boundChildren(e)) collect(c);
  };
  collect(lambda.body);
  const paramSlot = new Map(lambda.params.map((p, k) => [p.id, captured.length + k]));
  const rewrite = (e: BoundExpr): BoundExpr => {
    if (e.kind === "ref") return { ...e, ordinal: slotOf.get(e.ordinal) ?? -1 };
    if (e.kind === "lambdaVar") {
      const slot = paramSlot.get(e.id);
      return slot === undefined ? e : { kind: "ref", ordinal: slot, name: e.name, dataType: e.dataType, nullable: e.nullable };
    }
    return mapBoundChildren(e, rewrite);
  };
  const body = compile(rewrite(lambda.body));
  const schema = StructType([
    ...captured.map((c, i) => StructField(`_c${i}_${c.name}`, c.type)),
    ...lambda.params.map((p, k) => StructField(`_p${k}_${p.name}`, p.dataType, p.nullable)),
  ]);
  return (batch, ctx, m, rowOf, params) => {
    const cols = captured.map((c) => {
      const v = batch.columns[c.ordinal];
      if (v === undefined) throw new InternalError(`eval: column ${c.ordinal} ('${c.name}') is not in the batch`);
      return rowOf === null ? v : take(v, rowOf);
    });
    return body(makeBatch(schema, [...cols, ...params], m), ctx);
  };
}

// ---------------------------------------------------------------------------------------------
// Functions

interface Input {
  readonly call: BoundCall;
  readonly n: number;
  /** The evaluated arguments; null at function positions. */
  readonly args: readonly (Vector | null)[];
  /** The lambdas; null at other positions (and for an omitted optional function). */
  readonly fns: readonly (LambdaFn | null)[];
}

const IMPLEMENTATIONS: Readonly<Record<string, (x: Input) => Vector>> = {
  transform: (x) => {
    const { layout, values } = listElements(listArg(x, 0));
    const f = fnArg(x, 1);
    const params = f.arity === 2 ? [values, positionVector(layout)] : [values];
    const out = f.fn(layout.count, layout.rowOf, params);
    return listOf(x.call.dataType, x.n, layout, out);
  },
  filter: (x) => {
    const { layout, values } = listElements(listArg(x, 0));
    const f = fnArg(x, 1);
    const keep = f.fn(layout.count, layout.rowOf, f.arity === 2 ? [values, positionVector(layout)] : [values]);
    const { offsets, selected } = select(layout, keep);
    return listOf(x.call.dataType, x.n, { ...layout, offsets }, take(values, selected));
  },
  exists: (x) => quantify(x, true),
  forall: (x) => quantify(x, false),
  aggregate,
  reduce: aggregate,
  zip_with: zipWith,
  array_sort: sortWithComparator,
  map_filter: (x) => {
    const { layout, keys, items } = mapElements(mapArg(x, 0));
    const keep = fnArg(x, 1).fn(layout.count, layout.rowOf, [keys, items]);
    const { offsets, selected } = select(layout, keep);
    return mapOf(x.call.dataType, x.n, { ...layout, offsets }, take(keys, selected), take(items, selected));
  },
  transform_keys: (x) => {
    const { layout, keys, items } = mapElements(mapArg(x, 0));
    const out = fnArg(x, 1).fn(layout.count, layout.rowOf, [keys, items]);
    // Spark's ArrayBasedMapBuilder: a null key and (under the EXCEPTION dedup policy) a duplicate fail.
    checkMapKeys("transform_keys", out, layout.offsets, layout.valid, x.n);
    return mapOf(x.call.dataType, x.n, layout, out, items);
  },
  transform_values: (x) => {
    const { layout, keys, items } = mapElements(mapArg(x, 0));
    const out = fnArg(x, 1).fn(layout.count, layout.rowOf, [keys, items]);
    return mapOf(x.call.dataType, x.n, layout, keys, out);
  },
  map_zip_with: mapZipWith,
};

/** exists (`any`) / forall: three-valued, as Spark with followThreeValuedLogicInArrayExists. */
function quantify(x: Input, any: boolean): Vector {
  const { layout, values } = listElements(listArg(x, 0));
  const p = fnArg(x, 1).fn(layout.count, layout.rowOf, [values]);
  const out = new Uint8Array(x.n);
  const valid = new Uint8Array(x.n);
  const { offsets } = layout;
  for (let i = 0; i < x.n; i++) {
    if (layout.valid !== null && layout.valid[i] === 0) continue;
    let decided = false;
    let sawNull = false;
    for (let j = offsets[i]; j < offsets[i + 1] && !decided; j++) {
      if (!isValid(p, j)) sawNull = true;
      else if ((p.kind === "bool" && p.values[j] === 1) === any) decided = true;
    }
    // exists: a true decides true; forall: a false decides false; otherwise a null makes it null.
    if (decided || !sawNull) {
      valid[i] = 1;
      out[i] = decided === any ? 1 : 0;
    }
  }
  return boolVector(out, compactMask(valid, x.n));
}

/**
 * aggregate(array, zero, merge[, finish]): every row's fold advances one element per step, so
 * step k evaluates `merge` once over the rows whose array has more than k elements.
 */
function aggregate(x: Input): Vector {
  const list = listArg(x, 0);
  const zero = x.args[1];
  if (zero === null || zero === undefined) throw new InternalError("eval: aggregate without an initial value");
  const merge = fnArg(x, 2).fn;
  const finish = x.fns[3] ?? null;
  const accType = x.call.args[1].dataType;
  const { layout, values } = listElements(list);
  const { offsets } = layout;
  const validRows: number[] = [];
  for (let i = 0; i < x.n; i++) if (layout.valid === null || layout.valid[i] === 1) validRows.push(i);
  let rows = Int32Array.from(validRows);
  let acc = take(zero, rows);
  const doneRows: Int32Array[] = [];
  const doneAcc: Vector[] = [];
  for (let k = 0; rows.length > 0; k++) {
    // Split the folding rows into those with a k-th element and those whose fold is done.
    const keep = new Int32Array(rows.length);
    const stop = new Int32Array(rows.length);
    let nKeep = 0;
    let nStop = 0;
    for (let p = 0; p < rows.length; p++) {
      if (offsets[rows[p] + 1] - offsets[rows[p]] > k) keep[nKeep++] = p;
      else stop[nStop++] = p;
    }
    if (nStop > 0) {
      const stopped = new Int32Array(nStop);
      for (let q = 0; q < nStop; q++) stopped[q] = rows[stop[q]];
      doneRows.push(stopped);
      doneAcc.push(nKeep === 0 ? acc : take(acc, stop.subarray(0, nStop)));
    }
    if (nKeep === 0) break;
    if (nKeep < rows.length) {
      const kept = keep.subarray(0, nKeep);
      acc = take(acc, kept);
      const next = new Int32Array(nKeep);
      for (let q = 0; q < nKeep; q++) next[q] = rows[kept[q]];
      rows = next;
    }
    const at = new Int32Array(rows.length);
    for (let p = 0; p < rows.length; p++) at[p] = offsets[rows[p]] + k;
    acc = withType(merge(rows.length, rows, [acc, take(values, at)]), accType);
  }
  // The final accumulators in input row order, then the finish function over them.
  const posOf = new Int32Array(x.n).fill(-1);
  let at = 0;
  for (const r of doneRows) for (const row of r) posOf[row] = at++;
  const finals = doneAcc.length === 0 ? nullVector(accType, 0) : concat(doneAcc);
  const ordered = Int32Array.from(validRows, (row) => posOf[row]);
  const accs = take(finals, ordered);
  const result = finish === null ? accs : finish(validRows.length, Int32Array.from(validRows), [accs]);
  const expand = new Int32Array(x.n).fill(-1);
  validRows.forEach((row, p) => (expand[row] = p));
  return withType(takeOrNull(result, expand), x.call.dataType);
}

/** zip_with: row i has max(|left|, |right|) elements, the shorter side read as nulls. */
function zipWith(x: Input): Vector {
  const a = listArg(x, 0);
  const b = listArg(x, 1);
  const valid = new Uint8Array(x.n);
  const offsets = new Int32Array(x.n + 1);
  for (let i = 0; i < x.n; i++) {
    const ok = isValid(a, i) && isValid(b, i);
    valid[i] = ok ? 1 : 0;
    offsets[i + 1] = offsets[i] + (ok ? Math.max(a.offsets[i + 1] - a.offsets[i], b.offsets[i + 1] - b.offsets[i]) : 0);
  }
  const count = offsets[x.n];
  const left = new Int32Array(count);
  const right = new Int32Array(count);
  const rowOf = new Int32Array(count);
  for (let i = 0; i < x.n; i++) {
    const la = a.offsets[i + 1] - a.offsets[i];
    const lb = b.offsets[i + 1] - b.offsets[i];
    for (let j = offsets[i], k = 0; j < offsets[i + 1]; j++, k++) {
      rowOf[j] = i;
      left[j] = k < la ? a.offsets[i] + k : -1;
      right[j] = k < lb ? b.offsets[i] + k : -1;
    }
  }
  const out = fnArg(x, 2).fn(count, rowOf, [takeOrNull(a.child, left), takeOrNull(b.child, right)]);
  return listOf(x.call.dataType, x.n, { valid: compactMask(valid, x.n), offsets }, out);
}

/**
 * map_zip_with: per row, the left map's keys (first occurrence) then the right's not in the left,
 * with each side's value for the key (its first entry) or null.
 */
function mapZipWith(x: Input): Vector {
  const l = mapArg(x, 0);
  const r = mapArg(x, 1);
  const allKeys = concat([l.keys, r.keys]);
  const base = l.keys.length;
  const set = new SlotSet(hashSlots(allKeys), hashEquality(allKeys));
  const entryOf = new Int32Array(allKeys.length);
  const keySlots: number[] = [];
  const leftIdx: number[] = [];
  const rightIdx: number[] = [];
  const rowOf: number[] = [];
  const offsets = new Int32Array(x.n + 1);
  const valid = new Uint8Array(x.n);
  for (let i = 0; i < x.n; i++) {
    if (isValid(l, i) && isValid(r, i)) {
      valid[i] = 1;
      set.reset(l.offsets[i + 1] - l.offsets[i] + r.offsets[i + 1] - r.offsets[i]);
      for (let j = l.offsets[i]; j < l.offsets[i + 1]; j++) {
        if (set.find(j) >= 0) continue;
        set.add(j);
        entryOf[j] = keySlots.length;
        keySlots.push(j);
        leftIdx.push(j);
        rightIdx.push(-1);
        rowOf.push(i);
      }
      for (let j = r.offsets[i]; j < r.offsets[i + 1]; j++) {
        const slot = base + j;
        const m = set.find(slot);
        if (m >= 0) {
          if (m < base && rightIdx[entryOf[m]] === -1) rightIdx[entryOf[m]] = j;
          continue;
        }
        set.add(slot);
        keySlots.push(slot);
        leftIdx.push(-1);
        rightIdx.push(j);
        rowOf.push(i);
      }
    }
    offsets[i + 1] = keySlots.length;
  }
  const keys = take(allKeys, Int32Array.from(keySlots));
  const v1 = takeOrNull(l.items, Int32Array.from(leftIdx));
  const v2 = takeOrNull(r.items, Int32Array.from(rightIdx));
  const count = keySlots.length;
  const out = fnArg(x, 2).fn(count, Int32Array.from(rowOf), [keys, v1, v2]);
  return mapOf(x.call.dataType, x.n, { valid: compactMask(valid, x.n), offsets }, keys, out);
}

// ---------------------------------------------------------------------------------------------
// array_sort

/** Spark's default comparator: its ordering, ascending, nulls last (NaN after every number). */
function sortNatural(list: ListVector, n: number, type: DataType): Vector {
  const { layout, values } = listElements(list);
  if (values.kind === "null") return listOf(type, n, layout, values);
  const cmp = comparator(values, values);
  const order = (a: number, b: number): number => {
    const va = isValid(values, a);
    const vb = isValid(values, b);
    if (!va || !vb) return va === vb ? 0 : va ? -1 : 1;
    return cmp(a, b);
  };
  const perm = Int32Array.from({ length: layout.count }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const s = layout.offsets[i];
    const e = layout.offsets[i + 1];
    if (e - s > 1) perm.subarray(s, e).sort(order);
  }
  return listOf(type, n, layout, take(values, perm));
}

/**
 * array_sort(array, comparator): a stable bottom-up merge sort of every array at once. Each round
 * evaluates the comparator once, over the pending comparison of every merge in progress; a merge
 * of runs `[li, lEnd)` and `[ri, rEnd)` of `perm` writes `next` from `out`.
 */
function sortWithComparator(x: Input): Vector {
  const { layout, values } = listElements(listArg(x, 0));
  const cmpFn = fnArg(x, 1).fn;
  const { offsets, count } = layout;
  if (values.kind === "null") return listOf(x.call.dataType, x.n, layout, values);
  let perm = Int32Array.from({ length: count }, (_, j) => j);
  let longest = 0;
  for (let i = 0; i < x.n; i++) longest = Math.max(longest, offsets[i + 1] - offsets[i]);
  for (let width = 1; width < longest; width *= 2) {
    const next = perm.slice();
    let merges = 0;
    for (let i = 0; i < x.n; i++) merges += Math.max(0, Math.ceil((offsets[i + 1] - offsets[i] - width) / (2 * width)));
    const li = new Int32Array(merges);
    const lEnd = new Int32Array(merges);
    const ri = new Int32Array(merges);
    const rEnd = new Int32Array(merges);
    const out = new Int32Array(merges);
    const rowOf = new Int32Array(merges);
    let m = 0;
    for (let i = 0; i < x.n; i++) {
      const e = offsets[i + 1];
      for (let lo = offsets[i]; lo + width < e; lo += 2 * width, m++) {
        li[m] = lo;
        out[m] = lo;
        lEnd[m] = ri[m] = lo + width;
        rEnd[m] = Math.min(lo + 2 * width, e);
        rowOf[m] = i;
      }
    }
    let active = Int32Array.from({ length: merges }, (_, k) => k);
    while (active.length > 0) {
      const a = active.length;
      const left = new Int32Array(a);
      const right = new Int32Array(a);
      const rows = new Int32Array(a);
      for (let q = 0; q < a; q++) {
        const k = active[q];
        left[q] = perm[li[k]];
        right[q] = perm[ri[k]];
        rows[q] = rowOf[k];
      }
      const c = cmpFn(a, rows, [take(values, left), take(values, right)]);
      // An all-null result may come as a null vector.
      const cv = c.kind === "i32" ? c.values : null;
      let pending = 0;
      for (let q = 0; q < a; q++) {
        const k = active[q];
        if (cv === null || !isValid(c, q)) {
          throw new ExecutionError(
            `array_sort: [COMPARATOR_RETURNS_NULL] The comparator has returned a NULL for a comparison between ${slotText(values, left[q])} and ${slotText(values, right[q])}. It should return a positive integer for "greater than", 0 for "equal" and a negative integer for "less than". To revert to deprecated behavior where NULL is treated as 0 (equal), you must set "spark.sql.legacy.allowNullComparisonResultInArraySort" to "true".`,
          );
        }
        // Ties take the left run's element first: the sort is stable, as Java's TimSort.
        next[out[k]++] = cv[q] > 0 ? perm[ri[k]++] : perm[li[k]++];
        if (li[k] < lEnd[k] && ri[k] < rEnd[k]) active[pending++] = k;
        else {
          while (li[k] < lEnd[k]) next[out[k]++] = perm[li[k]++];
          while (ri[k] < rEnd[k]) next[out[k]++] = perm[ri[k]++];
        }
      }
      active = active.subarray(0, pending);
    }
    perm = next;
  }
  return listOf(x.call.dataType, x.n, layout, take(values, perm));
}

// ---------------------------------------------------------------------------------------------
// Element layout

/**
 * Where the elements of each row are: `offsets` from 0 over `count` elements, `rowOf` each
 * element's row. Rows invalid in `valid` have no elements.
 */
interface Layout {
  readonly valid: ValidityMask;
  readonly offsets: Int32Array;
  readonly rowOf: Int32Array;
  readonly count: number;
}

/**
 * The layout of a list or map vector's valid rows, and the child positions to gather when the
 * child holds anything else (a slice's leading elements, a null row's leftovers); null when the
 * child is already exactly the elements.
 */
function layoutOf(n: number, valid: ValidityMask, offsets: Int32Array, childLength: number): { layout: Layout; gather: Int32Array | null } {
  let direct = offsets[0] === 0 && offsets[n] === childLength;
  if (direct && valid !== null) {
    for (let i = 0; i < n && direct; i++) if (valid[i] === 0 && offsets[i + 1] > offsets[i]) direct = false;
  }
  if (direct) {
    const rowOf = new Int32Array(childLength);
    for (let i = 0; i < n; i++) rowOf.fill(i, offsets[i], offsets[i + 1]);
    return { layout: { valid, offsets, rowOf, count: childLength }, gather: null };
  }
  const out = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) out[i + 1] = out[i] + (valid === null || valid[i] === 1 ? offsets[i + 1] - offsets[i] : 0);
  const count = out[n];
  const gather = new Int32Array(count);
  const rowOf = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    for (let j = out[i], k = offsets[i]; j < out[i + 1]; j++, k++) {
      gather[j] = k;
      rowOf[j] = i;
    }
  }
  return { layout: { valid, offsets: out, rowOf, count }, gather };
}

function listElements(list: ListVector): { layout: Layout; values: Vector } {
  const { layout, gather } = layoutOf(list.length, list.valid, list.offsets, list.child.length);
  return { layout, values: gather === null ? list.child : take(list.child, gather) };
}

function mapElements(map: MapVector): { layout: Layout; keys: Vector; items: Vector } {
  const { layout, gather } = layoutOf(map.length, map.valid, map.offsets, map.keys.length);
  return gather === null ? { layout, keys: map.keys, items: map.items } : { layout, keys: take(map.keys, gather), items: take(map.items, gather) };
}

/** Each element's 0-based position in its array (transform's and filter's index parameter). */
function positionVector(layout: Layout): Vector {
  const out = new Int32Array(layout.count);
  for (let j = 0; j < layout.count; j++) out[j] = j - layout.offsets[layout.rowOf[j]];
  return numberVector(IntegerType(), out, null);
}

/** The elements where `keep` is true (not null), and the offsets of what remains. */
function select(layout: Layout, keep: Vector): { offsets: Int32Array; selected: Int32Array } {
  const n = layout.offsets.length - 1;
  const offsets = new Int32Array(n + 1);
  const selected: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = layout.offsets[i]; j < layout.offsets[i + 1]; j++) if (keep.kind === "bool" && isValid(keep, j) && keep.values[j] === 1) selected.push(j);
    offsets[i + 1] = selected.length;
  }
  return { offsets, selected: Int32Array.from(selected) };
}

// ---------------------------------------------------------------------------------------------
// Arguments and results

function listArg(x: Input, i: number): ListVector {
  const v = x.args[i];
  if (v === null || v === undefined) throw new InternalError(`eval: ${x.call.fn.name} argument ${i + 1} is missing`);
  return asList(v);
}

function mapArg(x: Input, i: number): MapVector {
  const v = x.args[i];
  if (v === null || v === undefined) throw new InternalError(`eval: ${x.call.fn.name} argument ${i + 1} is missing`);
  if (v.kind === "map") return v;
  if (v.kind === "null" && v.type.typeName === "map") return nullVector(v.type, v.length) as MapVector;
  throw new ExecutionError(`${x.call.fn.name}: expected a map, got ${v.type.typeName}`);
}

function fnArg(x: Input, i: number): { fn: LambdaFn; arity: number } {
  const fn = x.fns[i];
  const lambda = x.call.args[i];
  if (fn === null || fn === undefined || lambda.kind !== "lambda") throw new InternalError(`eval: ${x.call.fn.name} argument ${i + 1} is not a lambda`);
  return { fn, arity: lambda.params.length };
}

function listOf(type: DataType, n: number, layout: Pick<Layout, "valid" | "offsets">, child: Vector): ListVector {
  if (type.typeName !== "array") throw new InternalError(`eval: array result of type ${type.typeName}`);
  return { kind: "list", type, length: n, valid: layout.valid, offsets: layout.offsets, child: withType(child, type.elementType) };
}

function mapOf(type: DataType, n: number, layout: Pick<Layout, "valid" | "offsets">, keys: Vector, items: Vector): MapVector {
  if (type.typeName !== "map") throw new InternalError(`eval: map result of type ${type.typeName}`);
  return { kind: "map", type, length: n, valid: layout.valid, offsets: layout.offsets, keys: withType(keys, type.keyType), items: withType(items, type.valueType) };
}

/**
 * `v` labelled with `type`, which has its physical layout but may name struct fields differently
 * (an accumulator built as `(acc.sum + x, acc.n + 1)` has zero's field names).
 */
function withType(v: Vector, type: DataType): Vector {
  if (v.type === type) return v;
  switch (v.kind) {
    case "struct":
      if (type.typeName !== "struct") return v;
      return { ...v, type, children: v.children.map((c, k) => (k < type.fields.length ? withType(c, type.fields[k].dataType) : c)) };
    case "list":
      return type.typeName === "array" ? { ...v, type, child: withType(v.child, type.elementType) } : v;
    case "map":
      return type.typeName === "map" ? { ...v, type, keys: withType(v.keys, type.keyType), items: withType(v.items, type.valueType) } : v;
    case "decimal":
      return type.typeName === "decimal" ? { ...v, type } : v;
    case "null":
      return v.type.typeName === "null" && type.typeName !== "null" ? nullVector(type, v.length) : v;
    default:
      return { ...v, type } as Vector;
  }
}
