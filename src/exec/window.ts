/**
 * Window: a blocking operator that computes window functions over its whole input (a batch query,
 * or one DataFrame handed to foreachBatch). For each distinct (PARTITION BY, ORDER BY) it sorts
 * row indices once, finds partition and peer boundaries, and computes each function into a vector
 * aligned with the input rows; the output is the input's columns plus those vectors, in the last
 * specification's sorted order (as Spark's Window operator emits).
 *
 * Aggregates over frames reuse the hash aggregate's accumulators (so results and types are the
 * same as groupBy's): a frame over the whole partition folds each partition once; a frame that
 * starts at UNBOUNDED PRECEDING folds rows in as the frame grows; other frames fold the (frame,
 * row) pairs, gathered into one column, in one pass.
 */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import { concat, take, takeBatch, takeOrNull } from "../columnar/ops.js";
import type { Vector } from "../columnar/vector.js";
import { isValid } from "../columnar/vector.js";
import { DoubleType, IntegerType, type StructType } from "../types/data-types.js";
import type { BoundWindowFunction } from "../plan/window.js";
import { compileExpr } from "./eval/compile.js";
import { compareByKeys, type EvaluatedKey } from "./sort.js";
import { createAccumulator } from "./aggregate/create-accumulator.js";
import { doubleAt, numericInput } from "./aggregate/accumulator.js";
import { CollectingOperator } from "./operator.js";
import { InternalError } from "../errors.js";
import { addMonthsToDays, MICROS_PER_DAY } from "./eval/datetime.js";
import { fromLocalMicros, requireZone, toLocalMicros, type ZoneRules } from "../columnar/time-zone.js";

/** One sorted view of the input for a (PARTITION BY, ORDER BY) pair. */
interface Sorted {
  /** Sorted position → input row. */
  readonly order: Int32Array;
  /** Per position: start and end (exclusive) of its partition and of its peer group. */
  readonly partStart: Int32Array;
  readonly partEnd: Int32Array;
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  /** Per position: its partition's ordinal (0, 1, …). */
  readonly partIndex: Int32Array;
  readonly partitions: number;
  readonly orderKeys: readonly EvaluatedKey[];
}

export class WindowOperator extends CollectingOperator {
  private readonly functions: readonly BoundWindowFunction[];

  constructor(schema: StructType, inputSchema: StructType, functions: readonly BoundWindowFunction[]) {
    super(schema, inputSchema);
    this.functions = functions;
  }

  protected complete(all: Batch): Batch[] {
    const cache = new Map<string, Sorted>();
    let last: Sorted | null = null;
    const results: Vector[] = [];
    for (const f of this.functions) {
      const key = JSON.stringify([f.partitionBy, f.orderBy], (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : typeof v === "function" ? undefined : v));
      let sorted = cache.get(key);
      if (sorted === undefined) {
        sorted = this.sort(all, f);
        cache.set(key, sorted);
      }
      last = sorted;
      results.push(this.compute(all, f, sorted));
    }
    const out = makeBatch(this.schema, [...all.columns, ...results], all.numRows);
    return [last === null ? out : takeBatch(out, last.order)];
  }

  private sort(all: Batch, f: BoundWindowFunction): Sorted {
    const n = all.numRows;
    const partKeys: EvaluatedKey[] = f.partitionBy.map((e) => ({ vector: compileExpr(e)(all, this.ctx), ascending: true, nullsFirst: true }));
    const orderKeys: EvaluatedKey[] = f.orderBy.map((o) => ({ vector: compileExpr(o.expr)(all, this.ctx), ascending: o.ascending, nullsFirst: o.nullsFirst }));
    const keys = [...partKeys, ...orderKeys];
    const idx = Array.from({ length: n }, (_, i) => i);
    if (keys.length > 0) idx.sort((a, b) => compareByKeys(keys, a, b) || a - b);
    const order = Int32Array.from(idx);
    const partStart = new Int32Array(n);
    const partEnd = new Int32Array(n);
    const peerStart = new Int32Array(n);
    const peerEnd = new Int32Array(n);
    const partIndex = new Int32Array(n);
    let partitions = 0;
    let p = 0;
    while (p < n) {
      let e = p + 1;
      while (e < n && compareByKeys(partKeys, order[p], order[e]) === 0) e++;
      let q = p;
      while (q < e) {
        let r = q + 1;
        while (r < e && compareByKeys(orderKeys, order[q], order[r]) === 0) r++;
        for (let k = q; k < r; k++) {
          peerStart[k] = q;
          peerEnd[k] = r;
        }
        q = r;
      }
      for (let k = p; k < e; k++) {
        partStart[k] = p;
        partEnd[k] = e;
        partIndex[k] = partitions;
      }
      partitions++;
      p = e;
    }
    return { order, partStart, partEnd, peerStart, peerEnd, partIndex, partitions, orderKeys };
  }

  private compute(all: Batch, f: BoundWindowFunction, s: Sorted): Vector {
    const n = all.numRows;
    const { order, partStart, partEnd, peerStart, peerEnd } = s;
    switch (f.kind) {
      case "row_number":
      case "rank":
      case "dense_rank":
      case "ntile": {
        const out = new Int32Array(n);
        let dense = 0;
        for (let p = 0; p < n; p++) {
          const ps = partStart[p];
          if (p === ps) dense = 0;
          if (p === peerStart[p]) dense++;
          let v: number;
          if (f.kind === "row_number") v = p - ps + 1;
          else if (f.kind === "rank") v = peerStart[p] - ps + 1;
          else if (f.kind === "dense_rank") v = dense;
          else v = ntileBucket(p - ps, partEnd[p] - ps, f.n);
          out[order[p]] = v;
        }
        return { kind: "i32", type: IntegerType(), length: n, valid: null, values: out };
      }
      case "percent_rank":
      case "cume_dist": {
        const out = new Float64Array(n);
        for (let p = 0; p < n; p++) {
          const size = partEnd[p] - partStart[p];
          out[order[p]] = f.kind === "cume_dist" ? (peerEnd[p] - partStart[p]) / size : size === 1 ? 0 : (peerStart[p] - partStart[p]) / (size - 1);
        }
        return { kind: "f64", type: DoubleType(), length: n, valid: null, values: out };
      }
      case "lag":
      case "lead": {
        const value = compileExpr(f.args[0])(all, this.ctx);
        const dflt = compileExpr(f.args[1])(all, this.ctx);
        // Gather from [value ++ default]: the neighbour's value, or this row's default.
        const src = new Int32Array(n);
        const step = f.kind === "lag" ? -1 : 1;
        for (let p = 0; p < n; p++) {
          let q = p + step * f.n;
          if (f.ignoreNulls && f.n !== 0) {
            // The n-th row before (after) this one whose value is not null.
            let seen = 0;
            q = -1;
            for (let r = p + step; r >= partStart[p] && r < partEnd[p]; r += step) {
              if (isValid(value, order[r]) && ++seen === Math.abs(f.n)) {
                q = r;
                break;
              }
            }
          }
          src[order[p]] = q >= partStart[p] && q < partEnd[p] ? order[q] : n + order[p];
        }
        return take(concat([value, dflt]), src);
      }
      case "nth_value": {
        const value = compileExpr(f.args[0])(all, this.ctx);
        const src = new Int32Array(n).fill(-1);
        for (let p = 0; p < n; p++) {
          const [lo, hi] = this.frame(f, s, p);
          if (!f.ignoreNulls) {
            if (lo + f.n - 1 < hi) src[order[p]] = order[lo + f.n - 1];
            continue;
          }
          let seen = 0;
          for (let q = lo; q < hi; q++) {
            if (isValid(value, order[q]) && ++seen === f.n) {
              src[order[p]] = order[q];
              break;
            }
          }
        }
        return takeOrNull(value, src);
      }
      case "aggregate":
        return this.aggregate(all, f, s);
    }
  }

  private aggregate(all: Batch, f: BoundWindowFunction, s: Sorted): Vector {
    const agg = f.aggregate;
    if (agg === null) throw new InternalError("window: aggregate function without its call");
    const n = all.numRows;
    const input = agg.args.length === 0 ? null : compileExpr(agg.args[0])(all, this.ctx);
    const acc = createAccumulator({ name: agg.name, inputType: input === null ? null : agg.args[0].dataType, resultType: agg.dataType, ignoreNulls: agg.ignoreNulls, ...(agg.params === undefined ? {} : { params: agg.params }) }, "window");
    const { order, partIndex } = s;
    const groupOfRow = new Int32Array(n);
    for (let p = 0; p < n; p++) groupOfRow[order[p]] = partIndex[p];
    if (f.frame.lower === -Infinity && f.frame.upper === Infinity) {
      acc.grow(s.partitions);
      // Folded in sorted order: first/last depend on it.
      acc.update(groupOfRow, order, n, input);
      return acc.result(groupOfRow);
    }
    if (f.frame.lower === -Infinity) {
      // A growing frame: fold rows in as its end advances; read the partition's value at each end.
      acc.grow(s.partitions);
      const parts: Vector[] = [];
      const resultOf = new Int32Array(n);
      let done = -1;
      let lastHi = -1;
      for (let p = 0; p < n; p++) {
        const [, hi] = this.frame(f, s, p);
        if (p === s.partStart[p]) {
          done = p;
          lastHi = -1;
        }
        if (hi > done) {
          acc.update(groupOfRow, order.subarray(done, hi), hi - done, input);
          done = hi;
        }
        if (hi !== lastHi) {
          parts.push(acc.result(Int32Array.of(partIndex[p])));
          lastHi = hi;
        }
        resultOf[order[p]] = parts.length - 1;
      }
      return take(concat(parts), resultOf);
    }
    // Any other frame: every (row, frame row) pair, gathered into one column, folded at once.
    let total = 0;
    const frames = new Int32Array(2 * n);
    for (let p = 0; p < n; p++) {
      const [lo, hi] = this.frame(f, s, p);
      frames[2 * p] = lo;
      frames[2 * p + 1] = hi;
      total += hi - lo;
    }
    const groups = new Int32Array(total);
    const rows = new Int32Array(total);
    let k = 0;
    for (let p = 0; p < n; p++) {
      for (let q = frames[2 * p]; q < frames[2 * p + 1]; q++) {
        groups[k] = order[p];
        rows[k] = order[q];
        k++;
      }
    }
    acc.grow(n);
    acc.update(groups, null, total, input === null ? null : take(input, rows));
    return acc.result(Int32Array.from({ length: n }, (_, i) => i));
  }

  /** How a frame's month offsets move its order values, or null when its offsets simply add. */
  private monthShift(f: BoundWindowFunction): MonthShift | null {
    const months = f.frame.months;
    if (months === undefined) return null;
    const key = f.orderBy[0];
    if (key === undefined) throw new InternalError("window: a RANGE frame in months without an ORDER BY key");
    return key.expr.dataType.typeName === "date" ? shiftDays : shiftMicros(requireZone(months.zone));
  }

  /** The frame of sorted position `p`: positions `[lo, hi)`. */
  private frame(f: BoundWindowFunction, s: Sorted, p: number): [number, number] {
    const ps = s.partStart[p];
    const pe = s.partEnd[p];
    const { lower, upper, type } = f.frame;
    let lo: number;
    let hi: number;
    if (type === "rows") {
      lo = lower === -Infinity ? ps : Math.max(ps, p + lower);
      hi = upper === Infinity ? pe : Math.min(pe, p + upper + 1);
    } else if ((lower === -Infinity || lower === 0) && (upper === Infinity || upper === 0)) {
      lo = lower === -Infinity ? ps : s.peerStart[p];
      hi = upper === Infinity ? pe : s.peerEnd[p];
    } else {
      [lo, hi] = rangeFrame(s, p, lower, upper, this.monthShift(f));
    }
    return lo < hi ? [lo, hi] : [lo, lo];
  }
}

/**
 * A RANGE frame with value offsets over the single ORDER BY key. `shift(v, months)`, when given,
 * moves an order value by calendar months (year-month interval offsets); otherwise offsets add.
 */
function rangeFrame(s: Sorted, p: number, lower: number, upper: number, shift: MonthShift | null): [number, number] {
  const key = s.orderKeys[0];
  const v = key.vector;
  const row = s.order[p];
  if (!isValid(v, row)) return [s.peerStart[p], s.peerEnd[p]];
  const num = numericInput(v);
  const sign = key.ascending ? 1 : -1;
  const at = (q: number): number => sign * doubleAt(num, s.order[q]);
  // The partition's non-null positions are contiguous; keys there ascend under `sign`.
  let nnStart = s.partStart[p];
  let nnEnd = s.partEnd[p];
  while (nnStart < nnEnd && !isValid(v, s.order[nnStart])) nnStart++;
  while (nnEnd > nnStart && !isValid(v, s.order[nnEnd - 1])) nnEnd--;
  const x = at(p);
  // In the ascending space of `at`, the bound `x + off` of a month offset is the order value moved
  // by `sign * off` months (a descending frame looks the other way).
  const bound = (off: number): number => (shift === null ? x + off : sign * shift(sign * x, sign * off));
  const lo = lower === -Infinity ? s.partStart[p] : lowerBound(nnStart, nnEnd, (q) => at(q) >= bound(lower));
  const hi = upper === Infinity ? s.partEnd[p] : lowerBound(nnStart, nnEnd, (q) => at(q) > bound(upper));
  return [lo, hi];
}

/** An order value moved by a number of calendar months. */
type MonthShift = (value: number, months: number) => number;

/** Moves a date (days) by months, clamping to the month's end as `plusMonths` does. */
const shiftDays: MonthShift = (days, months) => addMonthsToDays(days, months);

/** Moves a timestamp (µs) by months on the wall clock of `zone`, keeping the time of day. */
function shiftMicros(zone: ZoneRules): MonthShift {
  return (us, months) => {
    const local = toLocalMicros(BigInt(us), zone);
    const day = local / MICROS_PER_DAY - (local % MICROS_PER_DAY < 0n ? 1n : 0n);
    const moved = BigInt(addMonthsToDays(Number(day), months)) * MICROS_PER_DAY + (local - day * MICROS_PER_DAY);
    return Number(fromLocalMicros(moved, zone));
  };
}

/** The first position in `[from, to)` where `pred` holds (it holds on a suffix), else `to`. */
function lowerBound(from: number, to: number, pred: (q: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Spark's ntile: the first `size % n` buckets hold one row more than the others. */
function ntileBucket(i: number, size: number, n: number): number {
  const per = Math.floor(size / n);
  const extra = size % n;
  const big = extra * (per + 1);
  return i < big ? Math.floor(i / (per + 1)) + 1 : extra + Math.floor((i - big) / per) + 1;
}
