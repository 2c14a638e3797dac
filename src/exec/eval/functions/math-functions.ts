/**
 * Math and bitwise function kernels with Spark's results: the double functions compute what
 * `java.lang.Math` / `StrictMath` compute (Spark's own formulas for acosh, asinh, atanh, log2 and
 * log with a base), rounding goes through the value's decimal text as Spark's `BigDecimal` does,
 * and `rand` / `randn` reproduce Spark's `XORShiftRandom` of partition 0.
 */
import { ExecutionError } from "../../../errors.js";
import { javaDoubleString } from "../../../columnar/java-text.js";
import type { Vector, ValidityMask } from "../../../columnar/vector.js";
import { compactMask, isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import type { DataType } from "../../../types/data-types.js";
import { ByteType, DoubleType, IntegerType, LongType, StringType } from "../../../types/data-types.js";
import {
  allocNumbers,
  andMasks,
  boolVector,
  decimalVector,
  longVector,
  numberValues,
  numberVector,
  validity,
  writableMask,
} from "../vectors.js";
import { arithmetic, unaryArithmetic } from "../arithmetic.js";
import { fitsPrecision } from "../cast.js";
import { hashBytes } from "./hash-functions.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

// ---------------------------------------------------------------------------------------------
// Doubles

function doubles(v: Vector, fn: string): Float64Array {
  if (v.kind !== "f64") throw new ExecutionError(`${fn}: expected a double vector, got ${v.type.typeName}`);
  return v.values;
}

/** A kernel applying `f` to every slot of a double vector. */
function unaryDouble(name: string, f: (x: number) => number): Kernel {
  return ([v], n) => {
    const a = doubles(v, name);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(a[i]);
    return numberVector(DoubleType(), out, v.valid);
  };
}

/** A logarithm: null at and below `asymptote`, as Spark's `UnaryLogExpression`. */
function unaryLog(name: string, asymptote: number, f: (x: number) => number): Kernel {
  return ([v], n) => {
    const a = doubles(v, name);
    const out = new Float64Array(n);
    let m: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      if (a[i] <= asymptote) {
        if (m === null) m = writableMask(v.valid, n);
        m[i] = 0;
      } else out[i] = f(a[i]);
    }
    return numberVector(DoubleType(), out, m === null ? v.valid : compactMask(m, n));
  };
}

function binaryDouble(name: string, f: (x: number, y: number) => number): Kernel {
  return ([l, r], n) => {
    const a = doubles(l, name);
    const b = doubles(r, name);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return numberVector(DoubleType(), out, andMasks([l.valid, r.valid], n));
  };
}

/** `Math.rint`: the nearest integer, ties to even, keeping the sign of zero. */
export function rint(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r;
}

const LN2 = Math.log(2);

/** fdlibm's exp(1): V8 returns Math.E for exp(1), one bit below `StrictMath.exp(1.0)`. */
const EXP_1 = 2.7182818284590455;

/** `StrictMath.exp`, which V8's `Math.exp` is except at 1. */
export function exp(x: number): number {
  return x === 1 ? EXP_1 : Math.exp(x);
}

/** `StrictMath.cosh`: fdlibm's `(e^|x| + e^-|x|) / 2` branch at |x| = 1 with fdlibm's exp(1). */
export function cosh(x: number): number {
  return x === 1 || x === -1 ? 0.5 * EXP_1 + 0.5 / EXP_1 : Math.cosh(x);
}

const wordsF64 = new Float64Array(1);
const words = new Int32Array(wordsF64.buffer);

function highWord(x: number): number {
  wordsF64[0] = x;
  return words[1];
}

function lowWord(x: number): number {
  wordsF64[0] = x;
  return words[0];
}

/** `x` with its high 32 bits replaced by `hi`. */
function withHighWord(x: number, hi: number): number {
  wordsF64[0] = x;
  words[1] = hi;
  return wordsF64[0];
}

/** `x` with its low 32 bits replaced by `lo`. */
function withLowWord(x: number, lo: number): number {
  wordsF64[0] = x;
  words[0] = lo;
  return wordsF64[0];
}

/** `StrictMath.cbrt` (which `Math.cbrt` is): fdlibm's `s_cbrt.c` as the JDK ports it. */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  x = Math.abs(x);
  let t: number;
  // A rough cube root to 5 bits from the exponent.
  if (x < 2.2250738585072014e-308) {
    t = 18014398509481984 * x;
    t = withHighWord(t, ((highWord(t) / 3) | 0) + 696219795);
  } else {
    t = withHighWord(0, ((highWord(x) / 3) | 0) + 715094163);
  }
  // To 23 bits.
  let r = (t * t) / x;
  let s = CBRT_C + r * t;
  t *= CBRT_G + CBRT_F / (s + CBRT_E + CBRT_D / s);
  // Chopped to 20 bits and made larger than cbrt(x).
  t = withLowWord(t, 0);
  t = withHighWord(t, highWord(t) + 1);
  // One Newton step to 53 bits.
  s = t * t;
  r = x / s;
  const w = t + t;
  r = (r - t) / (w + r);
  t = t + t * r;
  return sign * t;
}

const CBRT_C = 19 / 35;
const CBRT_D = -864 / 1225;
const CBRT_E = 99 / 70;
const CBRT_F = 45 / 28;
const CBRT_G = 5 / 14;

const BP = [1.0, 1.5];
const DP_H = [0.0, 5.84962487220764160156e-1];
const DP_L = [0.0, 1.35003920212974897128e-8];
const TWO53 = 9007199254740992.0;
const HUGE = 1.0e300;
const TINY = 1.0e-300;
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const LG2 = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1;
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.008566259537294e-17;
const CP = 9.61796693925975554329e-1;
const CP_H = 9.61796700954437255859e-1;
const CP_L = -7.02846165095275826516e-9;
const IVLN2 = 1.44269504088896338700;
const IVLN2_H = 1.44269502162933349609;
const IVLN2_L = 1.92596299112661746887e-8;

/**
 * `StrictMath.pow` (Spark's `pow`): fdlibm's `e_pow.c`. JavaScript's `Math.pow` differs from it
 * in the last bit for about one argument pair in fifty.
 */
export function pow(x: number, y: number): number {
  const hx = highWord(x);
  const lx = lowWord(x);
  const hy = highWord(y);
  const ly = lowWord(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if ((iy | ly) === 0) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
  // yisint: 0 when y is not an integer, 1 for an odd integer, 2 for an even one (only for x < 0).
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        const j = ly >>> (52 - k);
        if (j << (52 - k) === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }
  if (ly === 0) {
    if (iy === 0x7ff00000) {
      if (((ix - 0x3ff00000) | lx) === 0) return y - y;
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0;
      return hy < 0 ? -y : 0;
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x;
    if (hy === 0x40000000) return x * x;
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x);
  }
  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN;
      else if (yisint === 1) z = -z;
    }
    return z;
  }
  let n = (hx >> 31) + 1;
  if ((n | yisint) === 0) return NaN;
  let s = 1;
  if ((n | (yisint - 1)) === 0) s = -1;
  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      if (ix <= 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
      if (ix >= 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    const t = ax - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = withLowWord(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000;
    let k: number;
    if (j <= 0x3988e) k = 0;
    else if (j < 0xbb67a) k = 1;
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHighWord(ax, ix);
    let u = ax - BP[k];
    let v = 1 / (ax + BP[k]);
    const ss = u * v;
    const sH = withLowWord(ss, 0);
    let tH = withHighWord(0, ((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18));
    let tL = ax - (tH - BP[k]);
    const sL = v * (u - sH * tH - sH * tL);
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = withLowWord(3.0 + s2 + r, 0);
    tL = r - (tH - 3.0 - s2);
    u = sH * tH;
    v = sL * tH + tL * ss;
    const pH = withLowWord(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k];
    const t = n;
    t1 = withLowWord(zH + zL + DP_H[k] + t, 0);
    t2 = zL - (t1 - t - DP_H[k] - zH);
  }
  // (y1 + y2) × (t1 + t2)
  const y1 = withLowWord(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = highWord(z);
  let i = lowWord(z);
  if (j >= 0x40900000) {
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE;
    if (pL + OVT > z - pH) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    if (((j - 0xc090cc00) | i) !== 0) return s * TINY * TINY;
    if (pL <= z - pH) return s * TINY * TINY;
  }
  // 2^(pH + pL)
  i = j & 0x7fffffff;
  let k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) {
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = withHighWord(0, n & ~(0x000fffff >> k));
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = withLowWord(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  const tt1 = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * tt1) / (tt1 - 2) - (w + z * w);
  z = 1 - (r - z);
  j = highWord(z) + (n << 20);
  if (j >> 20 <= 0) z = z * 2 ** (n + 54) * 2 ** -54;
  else z = withHighWord(z, j);
  return s * z;
}

/**
 * `StrictMath.hypot`: fdlibm's `e_hypot.c` (JavaScript's `Math.hypot` rounds differently), kept
 * with fdlibm's quirks so results agree bit for bit.
 */
export function hypot(x: number, y: number): number {
  let ha = highWord(x) & 0x7fffffff;
  let hb = highWord(y) & 0x7fffffff;
  let a: number;
  let b: number;
  if (hb > ha) {
    a = y;
    b = x;
    const j = ha;
    ha = hb;
    hb = j;
  } else {
    a = x;
    b = y;
  }
  a = withHighWord(a, ha);
  b = withHighWord(b, hb);
  if (ha - hb > 0x3c00000) return a + b;
  let k = 0;
  if (ha > 0x5f300000) {
    if (ha >= 0x7ff00000) {
      let w = a + b;
      if (((ha & 0xfffff) | lowWord(a)) === 0) w = a;
      if (((hb ^ 0x7ff00000) | lowWord(b)) === 0) w = b;
      return w;
    }
    ha -= 0x25800000;
    hb -= 0x25800000;
    k += 600;
    a = withHighWord(a, ha);
    b = withHighWord(b, hb);
  }
  if (hb < 0x20b00000) {
    if (hb <= 0x000fffff) {
      if ((hb | lowWord(b)) === 0) return a;
      const t1 = withHighWord(0, 0x7fd00000);
      b *= t1;
      a *= t1;
      k -= 1022;
    } else {
      ha += 0x25800000;
      hb += 0x25800000;
      k -= 600;
      a = withHighWord(a, ha);
      b = withHighWord(b, hb);
    }
  }
  let w = a - b;
  if (w > b) {
    const t1 = withHighWord(0, ha);
    const t2 = a - t1;
    w = Math.sqrt(t1 * t1 - (b * -b - t2 * (a + t1)));
  } else {
    a = a + a;
    const y1 = withHighWord(0, hb);
    const y2 = b - y1;
    const t1 = withHighWord(0, ha + 0x00100000);
    const t2 = a - t1;
    w = Math.sqrt(t1 * y1 - (w * -w - (t1 * y2 + t2 * b)));
  }
  if (k !== 0) return withHighWord(1, highWord(1) + (k << 20)) * w;
  return w;
}

/** `log(base, x)`: null unless both are positive. */
const logKernel: KernelFactory = (call) => {
  if (call.fn.options.base === "e") return unaryLog("ln", 0, Math.log);
  return ([b, x], n) => {
    const bs = doubles(b, "log");
    const xs = doubles(x, "log");
    const out = new Float64Array(n);
    const m = writableMask(andMasks([b.valid, x.valid], n), n);
    for (let i = 0; i < n; i++) {
      if (bs[i] <= 0 || xs[i] <= 0) m[i] = 0;
      else out[i] = Math.log(xs[i]) / Math.log(bs[i]);
    }
    return numberVector(DoubleType(), out, compactMask(m, n));
  };
};

// ---------------------------------------------------------------------------------------------
// Rounding (round, bround, ceil/floor with a scale)

type RoundMode = "half_up" | "half_even" | "ceiling" | "floor";

const POW10: bigint[] = Array.from({ length: 80 }, (_, i) => 10n ** BigInt(i));

function pow10(k: number): bigint {
  return k < POW10.length ? POW10[k] : 10n ** BigInt(k);
}

/** `BigDecimal.setScale(to, mode)` of `unscaled × 10^-from`; `to` may be negative. */
export function setScale(unscaled: bigint, from: number, to: number, mode: RoundMode): bigint {
  if (to >= from) return unscaled * pow10(to - from);
  const div = pow10(from - to);
  let q = unscaled / div;
  const r = unscaled % div;
  if (r === 0n) return q;
  const neg = unscaled < 0n;
  const twice = (r < 0n ? -r : r) * 2n;
  let away: boolean;
  switch (mode) {
    case "half_up":
      away = twice >= div;
      break;
    case "half_even":
      away = twice > div || (twice === div && (q & 1n) !== 0n);
      break;
    case "ceiling":
      away = !neg;
      break;
    case "floor":
      away = neg;
      break;
  }
  if (away) q += neg ? -1n : 1n;
  return q;
}

/** The exact decimal a double's Java text denotes, as (unscaled, scale). */
function doubleDecimal(x: number): [bigint, number] {
  const text = javaDoubleString(x);
  const e = text.indexOf("E");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exp = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const frac = dot < 0 ? "" : mantissa.slice(dot + 1);
  return [BigInt(mantissa.replace(".", "")), frac.length - exp];
}

/** `BigDecimal(x).setScale(scale, mode).toDouble` (NaN and infinities unchanged). */
function roundDouble(x: number, scale: number, mode: RoundMode): number {
  if (!Number.isFinite(x)) return x;
  const [u, s] = doubleDecimal(x);
  const r = setScale(u, s, scale, mode);
  // A zero BigDecimal converts to +0.0, whatever the input's sign.
  return Number(`${r}e${-scale}`);
}

const INT_BITS: Readonly<Partial<Record<Vector["kind"], number>>> = { i8: 8, i16: 16, i32: 32 };

/** round / bround / ceil(x, s) / floor(x, s) (`RoundBase`). */
function roundKernel(call: BoundCall): Kernel {
  const scale = Number(call.fn.options.scale ?? "0");
  const mode = (call.fn.options.mode ?? "half_up") as RoundMode;
  return ([v], n) => {
    if (v.kind === "i64") {
      if (scale >= 0) return v;
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, setScale(v.values[i], 0, scale, mode) * pow10(-scale));
      return longVector(v.type, out, v.valid);
    }
    if (v.kind === "decimal") {
      const t = call.dataType;
      if (t.typeName !== "decimal") throw new ExecutionError(`round: a decimal input must give a decimal, got ${t.typeName}`);
      const m = writableMask(v.valid, n);
      const values = new Array<bigint>(n).fill(0n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = setScale(v.values[i], v.type.scale, scale < 0 ? scale : t.scale, mode);
        const u = scale < 0 ? r * pow10(-scale) : r;
        if (fitsPrecision(u, t.precision)) values[i] = u;
        else m[i] = 0;
      }
      return decimalVector(t, values, compactMask(m, n));
    }
    const a = numberValues(v);
    if (a === null) throw new ExecutionError(`round: expected a numeric vector, got ${v.type.typeName}`);
    const out = allocNumbers(v.type, n);
    if (v.kind === "f64" || v.kind === "f32") {
      for (let i = 0; i < n; i++) out[i] = roundDouble(a[i], scale, mode);
    } else {
      const bits = INT_BITS[v.kind] ?? 32;
      if (scale >= 0) return v;
      for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(bits, setScale(BigInt(a[i]), 0, scale, mode) * pow10(-scale)));
    }
    return numberVector(v.type, out, v.valid);
  };
}

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** floor / ceil of one argument: long for integral and floating input (saturating), decimal(p-s+1, 0) for decimals. */
export function floorCeilKernel(ceil: boolean): Kernel {
  return ([v], n, _ctx, call) => {
    if (v.kind === "i64") return v;
    if (v.kind === "decimal") {
      const t = call.dataType;
      const values = v.values.map((x) => setScale(x, v.type.scale, 0, ceil ? "ceiling" : "floor"));
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

/** isnan(x): false for null. */
export const isnanKernel: Kernel = ([v], n) => {
  const a = numberValues(v);
  const out = new Uint8Array(n);
  if (a !== null) for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] && (v.valid === null || v.valid[i] === 1) ? 1 : 0;
  return boolVector(out, null);
};

/** nanvl(a, b): b where a is NaN, else a. */
const nanvlKernel: Kernel = ([a, b], n, _ctx, call) => {
  const x = numberValues(a);
  const y = numberValues(b);
  if (x === null || y === null) throw new ExecutionError(`nanvl: expected floating vectors, got ${a.type.typeName}`);
  const out = allocNumbers(call.dataType, n);
  const am = validity(a);
  const bm = validity(b);
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const av = am === null || am[i] === 1;
    if (av && !Number.isNaN(x[i])) {
      out[i] = x[i];
      m[i] = 1;
    } else if (av) {
      out[i] = y[i];
      m[i] = bm === null || bm[i] === 1 ? 1 : 0;
    }
  }
  return numberVector(call.dataType, out, compactMask(m, n));
};

// ---------------------------------------------------------------------------------------------
// Integers and bits

const FACTORIALS: bigint[] = [1n];
for (let i = 1; i <= 20; i++) FACTORIALS.push(FACTORIALS[i - 1] * BigInt(i));

/** factorial(n): null outside [0, 20]. */
const factorialKernel: Kernel = ([v], n) => {
  if (v.kind !== "i32") throw new ExecutionError(`factorial: expected an int vector, got ${v.type.typeName}`);
  const out = new BigInt64Array(n);
  const m = writableMask(v.valid, n);
  for (let i = 0; i < n; i++) {
    const k = v.values[i];
    if (k < 0 || k > 20) m[i] = 0;
    else out[i] = FACTORIALS[k];
  }
  return longVector(LongType(), out, compactMask(m, n));
};

/** bin(x): `Long.toBinaryString`, two's complement for negative values. */
const binKernel: Kernel = ([v], n) => {
  if (v.kind !== "i64") throw new ExecutionError(`bin: expected a bigint vector, got ${v.type.typeName}`);
  const b = new BytesBuilder(n, n * 16);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) b.appendNull();
    else b.appendString(BigInt.asUintN(64, v.values[i]).toString(2));
  }
  return b.finish(StringType());
};

function digitOf(c: number, radix: number): number {
  let d = -1;
  if (c >= 48 && c <= 57) d = c - 48;
  else if (c >= 97 && c <= 122) d = c - 87;
  else if (c >= 65 && c <= 90) d = c - 55;
  return d < radix ? d : -1;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Spark's `NumberConverter.convert` of the UTF-8 text `bytes[start, end)` (spaces around it
 * trimmed; non-ANSI: an overflow reads as -1, i.e. 2^64 - 1).
 */
export function conv(bytes: Uint8Array, start: number, end: number, fromBase: number, toBase: number): string | null {
  if (fromBase < 2 || fromBase > 36 || Math.abs(toBase) < 2 || Math.abs(toBase) > 36) return null;
  while (start < end && bytes[start] === 32) start++;
  while (end > start && bytes[end - 1] === 32) end--;
  if (start === end) return null;
  let negative = bytes[start] === 45;
  let v = 0n;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const d = digitOf(bytes[i], fromBase);
    if (d < 0) break;
    v = v * BigInt(fromBase) + BigInt(d);
    if (v > U64_MAX) {
      v = U64_MAX;
      break;
    }
  }
  let s = BigInt.asIntN(64, v);
  if (negative && toBase > 0) s = s < 0n ? -1n : -s;
  if (toBase < 0 && s < 0n) {
    s = -s;
    negative = true;
  }
  const out = BigInt.asUintN(64, s).toString(Math.abs(toBase)).toUpperCase();
  return negative && toBase < 0 ? `-${out}` : out;
}

const convKernel: Kernel = ([num, from, to], n) => {
  if (num.kind !== "bytes" || from.kind !== "i32" || to.kind !== "i32") throw new ExecutionError("conv: expected (string, int, int) vectors");
  const b = new BytesBuilder(n, n * 16);
  for (let i = 0; i < n; i++) {
    const r = isValid(num, i) && isValid(from, i) && isValid(to, i) ? conv(num.data, num.offsets[i], num.offsets[i + 1], from.values[i], to.values[i]) : null;
    if (r === null) b.appendNull();
    else b.appendString(r);
  }
  return b.finish(StringType());
};

type ShiftOp = "<<" | ">>" | ">>>";

/** shiftleft / shiftright / shiftrightunsigned with Java's shift-distance masking. */
function shiftKernel(op: ShiftOp): Kernel {
  return ([v, by], n) => {
    if (by.kind !== "i32") throw new ExecutionError(`shift: expected an int shift distance, got ${by.type.typeName}`);
    const mask = andMasks([v.valid, by.valid], n);
    const s = by.values;
    if (v.kind === "i64") {
      const out = new BigInt64Array(n);
      const a = v.values;
      for (let i = 0; i < n; i++) {
        const k = BigInt(s[i] & 63);
        out[i] = op === "<<" ? BigInt.asIntN(64, a[i] << k) : op === ">>" ? a[i] >> k : BigInt.asIntN(64, BigInt.asUintN(64, a[i]) >> k);
      }
      return longVector(v.type, out, mask);
    }
    if (v.kind !== "i32") throw new ExecutionError(`shift: expected an int or bigint vector, got ${v.type.typeName}`);
    const out = new Int32Array(n);
    const a = v.values;
    for (let i = 0; i < n; i++) out[i] = op === "<<" ? a[i] << s[i] : op === ">>" ? a[i] >> s[i] : a[i] >>> s[i];
    return numberVector(v.type, out, mask);
  };
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** bit_count(x): set bits of the value sign-extended to 64 bits (`Long.bitCount`). */
const bitCountKernel: Kernel = ([v], n) => {
  const out = new Int32Array(n);
  if (v.kind === "i64") {
    for (let i = 0; i < n; i++) {
      const x = v.values[i];
      out[i] = popcount32(Number(BigInt.asUintN(32, x))) + popcount32(Number(BigInt.asUintN(32, x >> 32n)));
    }
  } else if (v.kind === "bool") {
    for (let i = 0; i < n; i++) out[i] = v.values[i];
  } else {
    const a = numberValues(v);
    if (a === null) throw new ExecutionError(`bit_count: expected an integral vector, got ${v.type.typeName}`);
    // A negative value's upper 32 bits are all ones.
    for (let i = 0; i < n; i++) out[i] = popcount32(a[i]) + (a[i] < 0 ? 32 : 0);
  }
  return numberVector(IntegerType(), out, validity(v));
};

const BIT_SIZE: Readonly<Partial<Record<Vector["kind"], number>>> = { i8: 8, i16: 16, i32: 32, i64: 64 };

/** bit_get(x, pos): the bit at `pos`; an error when pos is outside the type's width. */
const bitGetKernel: Kernel = ([v, pos], n) => {
  if (pos.kind !== "i32") throw new ExecutionError(`bit_get: expected an int position, got ${pos.type.typeName}`);
  const size = BIT_SIZE[v.kind];
  if (size === undefined) throw new ExecutionError(`bit_get: expected an integral vector, got ${v.type.typeName}`);
  const mask = andMasks([v.valid, pos.valid], n);
  const out = new Int8Array(n);
  const small = numberValues(v);
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const p = pos.values[i];
    if (p < 0) throw new ExecutionError(`bit_get: Invalid bit position: ${p} is less than zero`);
    if (p >= size) throw new ExecutionError(`bit_get: Invalid bit position: ${p} exceeds the bit upper limit`);
    if (v.kind === "i64") out[i] = Number((v.values[i] >> BigInt(p)) & 1n);
    else if (small !== null) out[i] = (small[i] >> p) & 1;
  }
  return numberVector(ByteType(), out, mask);
};

/** width_bucket(value, min, max, n): Spark's `WidthBucket.computeBucketNumber`. */
const widthBucketKernel: Kernel = ([value, lo, hi, buckets], n) => {
  const x = doubles(value, "width_bucket");
  const a = doubles(lo, "width_bucket");
  const b = doubles(hi, "width_bucket");
  if (buckets.kind !== "i64") throw new ExecutionError(`width_bucket: expected a bigint bucket count, got ${buckets.type.typeName}`);
  const m = writableMask(andMasks([value.valid, lo.valid, hi.valid, buckets.valid], n), n);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    const nb = buckets.values[i];
    const v = x[i];
    const min = a[i];
    const max = b[i];
    if (nb <= 0n || nb === LONG_MAX || Number.isNaN(v) || min === max || !Number.isFinite(min) || !Number.isFinite(max)) {
      m[i] = 0;
      continue;
    }
    const lower = Math.min(min, max);
    const upper = Math.max(min, max);
    const nd = Number(nb);
    if (min < max) {
      out[i] = v < lower ? 0n : v >= upper ? nb + 1n : toLong((nd * (v - lower)) / (upper - lower)) + 1n;
    } else {
      out[i] = v > upper ? 0n : v <= lower ? nb + 1n : toLong((nd * (upper - v)) / (upper - lower)) + 1n;
    }
  }
  return longVector(LongType(), out, compactMask(m, n));
};

/** Java's `(long) d`: truncation, saturating, NaN → 0. */
function toLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return LONG_MAX;
  if (d <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic as functions: mod, pmod, try_add, try_subtract, try_multiply, try_divide

function clearRows(mask: ValidityMask, n: number, bad: (i: number) => boolean): ValidityMask {
  let m: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if ((mask === null || mask[i] === 1) && bad(i)) {
      if (m === null) m = writableMask(mask, n);
      m[i] = 0;
    }
  }
  return m === null ? mask : compactMask(m, n);
}

function withMask(v: Vector, valid: ValidityMask): Vector {
  return v.valid === valid ? v : ({ ...v, valid } as Vector);
}

const INT_RANGE: Readonly<Partial<Record<Vector["kind"], [number, number]>>> = {
  i8: [-128, 127],
  i16: [-32768, 32767],
  i32: [-2147483648, 2147483647],
};

/** `l op r` as the ANSI operator computes it, with null where it would overflow (TRY mode). */
function tryArithmetic(op: "+" | "-" | "*" | "/", l: Vector, r: Vector, type: DataType): Vector {
  const out = arithmetic(op, l, r, type);
  const n = out.length;
  if (op === "/") return out;
  if (l.kind === "i64" && r.kind === "i64") {
    const a = l.values;
    const b = r.values;
    const exact = (i: number): bigint => (op === "+" ? a[i] + b[i] : op === "-" ? a[i] - b[i] : a[i] * b[i]);
    return withMask(out, clearRows(out.valid, n, (i) => BigInt.asIntN(64, exact(i)) !== exact(i)));
  }
  const range = INT_RANGE[l.kind];
  const a = numberValues(l);
  const b = numberValues(r);
  if (range === undefined || a === null || b === null) return out;
  const [lo, hi] = range;
  const exact = (i: number): number => (op === "+" ? a[i] + b[i] : op === "-" ? a[i] - b[i] : a[i] * b[i]);
  return withMask(out, clearRows(out.valid, n, (i) => {
    const x = exact(i);
    return x < lo || x > hi;
  }));
}

/** pmod(a, n): the remainder made non-negative, `(r + n) % n` for a negative r (Spark's `Pmod`). */
function pmod(l: Vector, r: Vector, type: DataType): Vector {
  const rem = arithmetic("%", l, r, type);
  const n = rem.length;
  if (rem.kind === "i64" && r.kind === "i64") {
    const out = rem.values.slice();
    for (let i = 0; i < n; i++) if (out[i] < 0n) out[i] = BigInt.asIntN(64, BigInt.asIntN(64, out[i] + r.values[i]) % r.values[i]);
    return longVector(type, out, rem.valid);
  }
  if (rem.kind === "decimal" && r.kind === "decimal") {
    const s = Math.max(r.type.scale, rem.type.scale);
    const out = rem.values.map((x, i) => {
      if (x >= 0n || r.values[i] === 0n) return x;
      const d = r.values[i] * pow10(s - r.type.scale);
      const y = x * pow10(s - rem.type.scale);
      return ((y + d) % d) / pow10(s - rem.type.scale);
    });
    return decimalVector(rem.type, out, rem.valid);
  }
  const a = numberValues(rem);
  const d = numberValues(r);
  if (a === null || d === null) throw new ExecutionError(`pmod: expected numeric vectors, got ${rem.type.typeName}`);
  const out = allocNumbers(type, n);
  const wrap32 = rem.kind === "i32";
  for (let i = 0; i < n; i++) {
    const x = a[i];
    out[i] = x < 0 ? (wrap32 ? ((x + d[i]) | 0) % d[i] : (x + d[i]) % d[i]) : x;
  }
  return numberVector(type, out, rem.valid);
}

/** A date plus (or minus) a number of days, wrapping as Spark's `DateAdd` / `DateSub`. */
function addDays(date: Vector, days: Vector, sign: 1 | -1): Vector {
  if (date.kind !== "i32" || days.kind !== "i32") throw new ExecutionError(`date arithmetic: expected date and int vectors, got ${date.type.typeName} and ${days.type.typeName}`);
  const n = date.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (date.values[i] + sign * days.values[i]) | 0;
  return numberVector(date.type, out, andMasks([date.valid, days.valid], n));
}

const arithmeticKernel: KernelFactory = (call) => {
  const op = call.fn.options.op;
  if (call.dataType.typeName === "date") {
    const dateFirst = call.args[0].dataType.typeName === "date";
    return ([l, r]) => (dateFirst ? addDays(l, r, op === "-" ? -1 : 1) : addDays(r, l, 1));
  }
  return ([l, r]) => {
    switch (op) {
      case "%":
        return arithmetic("%", l, r, call.dataType);
      case "pmod":
        return pmod(l, r, call.dataType);
      case "+":
      case "-":
      case "*":
      case "/":
        return tryArithmetic(op, l, r, call.dataType);
      default:
        throw new ExecutionError(`arithmetic function: unknown operator ${String(op)}`);
    }
  };
};

// ---------------------------------------------------------------------------------------------
// rand / randn: Spark's XORShiftRandom, seeded `seed + partitionIndex` (partition 0 here).

/** `XORShiftRandom.hashSeed`: MurmurHash3 (Scala's `bytesHash`) of the seed's big-endian bytes. */
function hashSeed(seed: bigint): [number, number] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, seed));
  const low = hashBytes(bytes, 0, 8, 0x3c074a61);
  const high = hashBytes(bytes, 0, 8, low);
  return [high >>> 0, low >>> 0];
}

/** Spark's `XORShiftRandom` with `java.util.Random`'s nextDouble and nextGaussian on top. */
export class XorShiftRandom {
  private hi: number;
  private lo: number;
  private nextGaussianValue: number | null = null;

  constructor(seed: bigint) {
    [this.hi, this.lo] = hashSeed(seed);
  }

  private next(bits: number): number {
    let hi = this.hi;
    let lo = this.lo;
    // x ^= x << 21
    hi = (hi ^ ((hi << 21) | (lo >>> 11))) >>> 0;
    lo = (lo ^ (lo << 21)) >>> 0;
    // x ^= x >>> 35
    lo = (lo ^ (hi >>> 3)) >>> 0;
    // x ^= x << 4
    hi = (hi ^ ((hi << 4) | (lo >>> 28))) >>> 0;
    lo = (lo ^ (lo << 4)) >>> 0;
    this.hi = hi;
    this.lo = lo;
    return lo & ((1 << bits) - 1);
  }

  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) * 2 ** -53;
  }

  nextGaussian(): number {
    if (this.nextGaussianValue !== null) {
      const g = this.nextGaussianValue;
      this.nextGaussianValue = null;
      return g;
    }
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * this.nextDouble() - 1;
      v2 = 2 * this.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const multiplier = Math.sqrt((-2 * Math.log(s)) / s);
    this.nextGaussianValue = v2 * multiplier;
    return v1 * multiplier;
  }
}

/** rand / randn: one generator per compiled call, advancing across batches like one partition. */
function randomKernel(gaussian: boolean): KernelFactory {
  return (call) => {
    let rng: XorShiftRandom | null = null;
    return (args, n) => {
      if (rng === null) {
        let seed = 0n;
        const s = args[0];
        if (s === undefined) seed = BigInt(call.fn.options.seed ?? "0");
        else if (n > 0 && isValid(s, 0)) seed = s.kind === "i64" ? s.values[0] : BigInt(numberValues(s)?.[0] ?? 0);
        rng = new XorShiftRandom(seed);
      }
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = gaussian ? rng.nextGaussian() : rng.nextDouble();
      return numberVector(DoubleType(), out, null);
    };
  };
}

const constantKernel =
  (c: number): Kernel =>
  (_args, n) =>
    numberVector(DoubleType(), new Float64Array(n).fill(c), null);

const DEGREES_PER_RADIAN = 57.29577951308232;
const RADIANS_PER_DEGREE = 0.017453292519943295;

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const MATH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  abs: fixed(absKernel),
  round: roundKernel,
  bround: roundKernel,
  floor: (call) => (call.fn.options.scale === undefined ? floorCeilKernel(false) : roundKernel(call)),
  ceil: (call) => (call.fn.options.scale === undefined ? floorCeilKernel(true) : roundKernel(call)),
  isnan: fixed(isnanKernel),
  e: fixed(constantKernel(Math.E)),
  pi: fixed(constantKernel(Math.PI)),
  acos: fixed(unaryDouble("acos", Math.acos)),
  asin: fixed(unaryDouble("asin", Math.asin)),
  atan: fixed(unaryDouble("atan", Math.atan)),
  cbrt: fixed(unaryDouble("cbrt", cbrt)),
  cos: fixed(unaryDouble("cos", Math.cos)),
  cosh: fixed(unaryDouble("cosh", cosh)),
  sin: fixed(unaryDouble("sin", Math.sin)),
  sinh: fixed(unaryDouble("sinh", Math.sinh)),
  sqrt: fixed(unaryDouble("sqrt", Math.sqrt)),
  tan: fixed(unaryDouble("tan", Math.tan)),
  tanh: fixed(unaryDouble("tanh", Math.tanh)),
  cot: fixed(unaryDouble("cot", (x) => 1 / Math.tan(x))),
  csc: fixed(unaryDouble("csc", (x) => 1 / Math.sin(x))),
  sec: fixed(unaryDouble("sec", (x) => 1 / Math.cos(x))),
  acosh: fixed(unaryDouble("acosh", (x) => Math.log(x + Math.sqrt(x * x - 1)))),
  asinh: fixed(unaryDouble("asinh", (x) => (x === -Infinity ? -Infinity : Math.log(x + Math.sqrt(x * x + 1))))),
  atanh: fixed(unaryDouble("atanh", (x) => 0.5 * (Math.log1p(x) - Math.log1p(-x)))),
  degrees: fixed(unaryDouble("degrees", (x) => x * DEGREES_PER_RADIAN)),
  radians: fixed(unaryDouble("radians", (x) => x * RADIANS_PER_DEGREE)),
  exp: fixed(unaryDouble("exp", exp)),
  expm1: fixed(unaryDouble("expm1", Math.expm1)),
  rint: fixed(unaryDouble("rint", rint)),
  signum: fixed(unaryDouble("signum", Math.sign)),
  ln: fixed(unaryLog("ln", 0, Math.log)),
  log10: fixed(unaryLog("log10", 0, Math.log10)),
  log1p: fixed(unaryLog("log1p", -1, Math.log1p)),
  log2: fixed(unaryLog("log2", 0, (x) => Math.log(x) / LN2)),
  log: logKernel,
  atan2: fixed(binaryDouble("atan2", (y, x) => Math.atan2(y + 0, x + 0))),
  pow: fixed(binaryDouble("pow", pow)),
  hypot: fixed(binaryDouble("hypot", hypot)),
  bin: fixed(binKernel),
  conv: fixed(convKernel),
  factorial: fixed(factorialKernel),
  shiftleft: fixed(shiftKernel("<<")),
  shiftright: fixed(shiftKernel(">>")),
  shiftrightunsigned: fixed(shiftKernel(">>>")),
  width_bucket: fixed(widthBucketKernel),
  bit_count: fixed(bitCountKernel),
  bit_get: fixed(bitGetKernel),
  nanvl: fixed(nanvlKernel),
  rand: randomKernel(false),
  randn: randomKernel(true),
  mod: arithmeticKernel,
  pmod: arithmeticKernel,
  try_add: arithmeticKernel,
  try_subtract: arithmeticKernel,
  try_multiply: arithmeticKernel,
  try_divide: arithmeticKernel,
  positive: fixed(([v]) => v),
  negative: fixed(([v]) => unaryArithmetic("negate", v)),
};
