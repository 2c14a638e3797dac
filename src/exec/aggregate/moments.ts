/**
 * Spark's statistical aggregates over doubles, with its update formulas (so results agree with
 * Spark's to the last digit on one partition):
 * - `CentralMomentAgg` (n, avg, m2, m3, m4): stddev_samp/stddev/std, stddev_pop, var_samp/variance,
 *   var_pop, skewness, kurtosis, and regr_sxx / regr_syy (m2 over the pairs);
 * - `Covariance` / `PearsonCorrelation` (n, xAvg, yAvg, ck, xMk, yMk): covar_pop, covar_samp, corr,
 *   regr_sxy, regr_r2, and regr_slope / regr_intercept (which also keep the population variance of
 *   x over every row where x is not null, as Spark's `RegrSlope` does).
 *
 * A sample statistic of one row (or a skewness/kurtosis with no spread) is null, Spark 3.5's
 * default (`spark.sql.legacy.statisticalAggregate=false`; NaN under the legacy setting).
 * Pair aggregates take a struct of their two arguments, in call order, built by the binder; a row
 * counts when both are non-null.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import { DoubleType } from "../../types/data-types.js";
import { InternalError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator, NumericInput } from "./accumulator.js";
import { doubleAt, grownF64, numericInput } from "./accumulator.js";

/** The single-column moment statistics and what each returns. */
export type MomentStatistic = "stddev_samp" | "stddev_pop" | "var_samp" | "var_pop" | "skewness" | "kurtosis" | "m2";

const ORDER: Readonly<Record<MomentStatistic, number>> = { stddev_samp: 2, stddev_pop: 2, var_samp: 2, var_pop: 2, m2: 2, skewness: 3, kurtosis: 4 };

export class MomentsAccumulator implements Accumulator {
  private n = new Float64Array(0);
  private avg = new Float64Array(0);
  private m2 = new Float64Array(0);
  private m3 = new Float64Array(0);
  private m4 = new Float64Array(0);
  private readonly order: number;

  /** `pairs`: the input is a (y, x) struct and `column` (0 = y, 1 = x) is folded where both are non-null. */
  constructor(
    private readonly statistic: MomentStatistic,
    private readonly pairs: { readonly column: 0 | 1 } | null = null,
  ) {
    this.order = ORDER[statistic];
  }

  grow(capacity: number): void {
    this.n = grownF64(this.n, capacity);
    this.avg = grownF64(this.avg, this.n.length);
    this.m2 = grownF64(this.m2, this.n.length);
    this.m3 = grownF64(this.m3, this.n.length);
    this.m4 = grownF64(this.m4, this.n.length);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const { x, valid } = this.pairs === null ? single(input) : pairColumn(input, this.pairs.column);
    const order = this.order;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      const v = doubleAt(x, r);
      // CentralMomentAgg.updateExpressionsDef, term for term.
      const newN = this.n[g] + 1;
      const delta = v - this.avg[g];
      const deltaN = delta / newN;
      const newM2 = this.m2[g] + delta * (delta - deltaN);
      if (order >= 3) {
        const delta2 = delta * delta;
        const deltaN2 = deltaN * deltaN;
        const newM3 = this.m3[g] - 3 * deltaN * newM2 + delta * (delta2 - deltaN2);
        if (order >= 4) this.m4[g] = this.m4[g] - 4 * deltaN * newM3 - 6 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2);
        this.m3[g] = newM3;
      }
      this.n[g] = newN;
      this.avg[g] += deltaN;
      this.m2[g] = newM2;
    }
  }

  result(ids: Int32Array): Vector {
    const len = ids.length;
    const out = new Float64Array(len);
    const valid = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const g = ids[i];
      const v = this.value(this.n[g], this.m2[g], this.m3[g], this.m4[g]);
      if (v !== null) {
        out[i] = v;
        valid[i] = 1;
      }
    }
    return { kind: "f64", type: DoubleType(), length: len, valid: compactMask(valid, len), values: out };
  }

  private value(n: number, m2: number, m3: number, m4: number): number | null {
    if (n === 0) return null;
    switch (this.statistic) {
      case "stddev_pop":
        return Math.sqrt(m2 / n);
      case "stddev_samp":
        return n === 1 ? null : Math.sqrt(m2 / (n - 1));
      case "var_pop":
        return m2 / n;
      case "var_samp":
        return n === 1 ? null : m2 / (n - 1);
      case "m2":
        return m2;
      case "skewness":
        return m2 === 0 ? null : (Math.sqrt(n) * m3) / Math.sqrt(m2 * m2 * m2);
      case "kurtosis":
        return m2 === 0 ? null : (n * m4) / (m2 * m2) - 3;
    }
  }

  write(id: number, out: ByteWriter): void {
    for (const a of [this.n, this.avg, this.m2, this.m3, this.m4]) out.f64(a[id]);
  }

  read(id: number, input: ByteReader): void {
    for (const a of [this.n, this.avg, this.m2, this.m3, this.m4]) a[id] = input.f64();
  }
}

/** The pair statistics over a (y, x) struct. */
export type PairStatistic = "covar_pop" | "covar_samp" | "corr" | "regr_sxy" | "regr_r2" | "regr_slope" | "regr_intercept";

export class CovarianceAccumulator implements Accumulator {
  private n = new Float64Array(0);
  private xAvg = new Float64Array(0);
  private yAvg = new Float64Array(0);
  private ck = new Float64Array(0);
  private xMk = new Float64Array(0);
  private yMk = new Float64Array(0);
  /** regr_slope / regr_intercept: the variance of x over rows where x alone is non-null. */
  private readonly xVariance: MomentsAccumulator | null;

  /**
   * Which struct field plays Spark's `x` (its Covariance's left input): the first argument for
   * covar_*, corr, regr_sxy and regr_r2, the second (the user's x) for regr_slope/regr_intercept,
   * whose Spark classes build `CovPopulation(right, left)`. Same fold order, same rounding.
   */
  private readonly xIndex: 0 | 1;

  constructor(private readonly statistic: PairStatistic) {
    const regression = statistic === "regr_slope" || statistic === "regr_intercept";
    this.xVariance = regression ? new MomentsAccumulator("m2") : null;
    this.xIndex = regression ? 1 : 0;
  }

  grow(capacity: number): void {
    this.n = grownF64(this.n, capacity);
    for (const k of ["xAvg", "yAvg", "ck", "xMk", "yMk"] as const) this[k] = grownF64(this[k], this.n.length);
    this.xVariance?.grow(capacity);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    if (input.kind !== "struct") throw new InternalError(`${this.statistic}: expected a (y, x) struct input`);
    const xIn = numericInput(input.children[this.xIndex]);
    const yIn = numericInput(input.children[1 - this.xIndex]);
    const yValid = yIn.valid;
    const xValid = xIn.valid;
    const structValid = input.valid;
    if (this.xVariance !== null) this.xVariance.update(groupIds, sel, n, onlyValid(input.children[1], structValid));
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if ((structValid !== null && structValid[r] === 0) || (yValid !== null && yValid[r] === 0) || (xValid !== null && xValid[r] === 0)) continue;
      const g = groupIds[r];
      const x = doubleAt(xIn, r);
      const y = doubleAt(yIn, r);
      const newN = this.n[g] + 1;
      const dx = x - this.xAvg[g];
      const dy = y - this.yAvg[g];
      const dxN = dx / newN;
      const dyN = dy / newN;
      const newXAvg = this.xAvg[g] + dxN;
      const newYAvg = this.yAvg[g] + dyN;
      this.ck[g] += dx * (y - newYAvg);
      this.xMk[g] += dx * (x - newXAvg);
      this.yMk[g] += dy * (y - newYAvg);
      this.n[g] = newN;
      this.xAvg[g] = newXAvg;
      this.yAvg[g] = newYAvg;
    }
  }

  result(ids: Int32Array): Vector {
    const len = ids.length;
    const out = new Float64Array(len);
    const valid = new Uint8Array(len);
    const xM2 = this.xVariance === null ? null : this.xVariance.result(ids);
    for (let i = 0; i < len; i++) {
      const g = ids[i];
      const v = this.value(g, xM2 === null || xM2.kind !== "f64" || (xM2.valid !== null && xM2.valid[i] === 0) ? null : xM2.values[i]);
      if (v !== null) {
        out[i] = v;
        valid[i] = 1;
      }
    }
    return { kind: "f64", type: DoubleType(), length: len, valid: compactMask(valid, len), values: out };
  }

  private value(g: number, xM2: number | null): number | null {
    const n = this.n[g];
    const ck = this.ck[g];
    switch (this.statistic) {
      case "covar_pop":
        return n === 0 ? null : ck / n;
      case "covar_samp":
        return n === 0 ? null : n === 1 ? null : ck / (n - 1);
      case "corr": {
        if (n === 0 || n === 1) return null;
        // Spark divides with Catalyst's Divide, which gives null (not NaN) for a zero divisor: a
        // constant x or y has no correlation.
        const d = Math.sqrt(this.xMk[g] * this.yMk[g]);
        return d === 0 ? null : ck / d;
      }
      case "regr_sxy":
        return n === 0 ? null : ck;
      case "regr_r2": {
        const xMk = this.xMk[g];
        const yMk = this.yMk[g];
        if (xMk === 0) return null;
        if (yMk === 0) return 1;
        const c = ck / Math.sqrt(xMk * yMk);
        return c * c;
      }
      case "regr_slope":
        return xM2 === null || xM2 === 0 || n === 0 ? null : ck / xM2;
      case "regr_intercept":
        return xM2 === null || xM2 === 0 || n === 0 ? null : this.yAvg[g] - (ck / xM2) * this.xAvg[g];
    }
  }

  write(id: number, out: ByteWriter): void {
    for (const a of [this.n, this.xAvg, this.yAvg, this.ck, this.xMk, this.yMk]) out.f64(a[id]);
    this.xVariance?.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    for (const a of [this.n, this.xAvg, this.yAvg, this.ck, this.xMk, this.yMk]) a[id] = input.f64();
    this.xVariance?.read(id, input);
  }
}

function single(input: Vector): { x: NumericInput; valid: Uint8Array | null } {
  const x = numericInput(input);
  return { x, valid: x.valid };
}

/** Column `column` of a (y, x) struct, valid where the struct and both fields are. */
function pairColumn(input: Vector, column: 0 | 1): { x: NumericInput; valid: Uint8Array | null } {
  if (input.kind !== "struct") throw new InternalError("pair statistic: expected a (y, x) struct input");
  const y = numericInput(input.children[0]);
  const x = numericInput(input.children[1]);
  const n = input.length;
  const valid = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    valid[r] = (input.valid === null || input.valid[r] === 1) && (y.valid === null || y.valid[r] === 1) && (x.valid === null || x.valid[r] === 1) ? 1 : 0;
  }
  return { x: column === 0 ? y : x, valid };
}

/** `v` with the struct's nulls applied. */
function onlyValid(v: Vector, structValid: Uint8Array | null): Vector {
  if (structValid === null || v.kind === "null") return v;
  const valid = v.valid === null ? structValid : v.valid.map((b, i) => b & structValid[i]);
  return { ...v, valid } as Vector;
}
