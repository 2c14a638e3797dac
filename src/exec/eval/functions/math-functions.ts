/**
 * Numeric function kernels: abs, round (HALF_UP, as Spark's BigDecimal rounding of the value's
 * decimal text), floor, ceil, isnan.
 */
import { ExecutionError } from "../../../errors.js";
import { javaDoubleString, javaFloatString } from "../../../columnar/java-text.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { LongType } from "../../../types/data-types.js";
import { allocNumbers, boolVector, decimalVector, longVector, numberValues, numberVector } from "../vectors.js";
import { parseDecimalText, rescale } from "../cast.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

export const absKernel: Kernel = ([v], n) => {
  if (v.kind === "i64") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = v.values[i] < 0n ? -v.values[i] : v.values[i];
    return longVector(v.type, out, v.valid);
  }
  if (v.kind === "decimal") return decimalVector(v.type, v.values.map((x) => (x < 0n ? -x : x)), v.valid);
  const a = numberValues(v);
  if (a === null) throw new ExecutionError(`abs: expected a numeric vector, got ${v.type.typeName}`);
  const out = allocNumbers(v.type, n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
  return numberVector(v.type, out, v.valid);
};

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

function roundHalfUpInt(x: bigint, scale: number): bigint {
  if (scale >= 0) return x;
  const p = 10n ** BigInt(-scale);
  return rescale(x, -scale, 0) * p;
}

function roundDouble(x: number, scale: number, float: boolean): number {
  if (!Number.isFinite(x)) return x;
  if (scale >= 0) {
    const u = parseDecimalText(float ? javaFloatString(x) : javaDoubleString(x), scale);
    if (u === null) return x;
    return Number(u) / 10 ** scale;
  }
  const p = 10 ** -scale;
  const q = Math.abs(x) / p;
  const r = Math.floor(q + 0.5) * p;
  return x < 0 ? -r : r;
}

/** round(x, scale) with HALF_UP. */
export function roundKernel(call: BoundCall): Kernel {
  const scale = Number(call.fn.options.scale ?? "0");
  return ([v], n) => {
    if (v.kind === "i64") {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = roundHalfUpInt(v.values[i], scale);
      return longVector(v.type, out, v.valid);
    }
    if (v.kind === "decimal") {
      const t = call.dataType;
      const to = t.typeName === "decimal" ? t.scale : 0;
      return decimalVector(
        t.typeName === "decimal" ? t : v.type,
        v.values.map((x) => {
          const r = rescale(x, v.type.scale, Math.max(0, Math.min(scale, v.type.scale)));
          return scale < 0 ? roundHalfUpInt(r, scale) : rescale(r, Math.max(0, Math.min(scale, v.type.scale)), to);
        }),
        v.valid,
      );
    }
    const a = numberValues(v);
    if (a === null) throw new ExecutionError(`round: expected a numeric vector, got ${v.type.typeName}`);
    const out = allocNumbers(v.type, n);
    const floating = v.kind === "f64" || v.kind === "f32";
    if (floating) for (let i = 0; i < n; i++) out[i] = roundDouble(a[i], scale, v.kind === "f32");
    else for (let i = 0; i < n; i++) out[i] = Number(roundHalfUpInt(BigInt(a[i]), scale));
    return numberVector(v.type, out, v.valid);
  };
}

/** floor / ceil: long for integral and floating input (saturating), decimal(p-s+1, 0) for decimals. */
export function floorCeilKernel(ceil: boolean): Kernel {
  return ([v], n, _ctx, call) => {
    if (v.kind === "i64") return v;
    if (v.kind === "decimal") {
      const p = 10n ** BigInt(v.type.scale);
      const t = call.dataType;
      const values = v.values.map((x) => {
        let q = x / p;
        const r = x % p;
        if (ceil && r > 0n) q += 1n;
        if (!ceil && r < 0n) q -= 1n;
        return q;
      });
      return decimalVector(t.typeName === "decimal" ? t : v.type, values, v.valid);
    }
    const a = numberValues(v);
    if (a === null) throw new ExecutionError(`floor/ceil: expected a numeric vector, got ${v.type.typeName}`);
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const d = ceil ? Math.ceil(a[i]) : Math.floor(a[i]);
      out[i] = Number.isNaN(d) ? 0n : d >= 9.223372036854776e18 ? LONG_MAX : d <= -9.223372036854776e18 ? LONG_MIN : BigInt(d);
    }
    return longVector(LongType(), out, v.valid);
  };
}

/** isnan(x): false for null. */
export const isnanKernel: Kernel = ([v], n) => {
  const a = numberValues(v);
  const out = new Uint8Array(n);
  if (a !== null) for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] && (v.valid === null || v.valid[i] === 1) ? 1 : 0;
  return boolVector(out, null);
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const MATH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  abs: fixed(absKernel),
  round: roundKernel,
  floor: fixed(floorCeilKernel(false)),
  ceil: fixed(floorCeilKernel(true)),
  isnan: fixed(isnanKernel),
};
