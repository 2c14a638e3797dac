/**
 * Arithmetic and bitwise kernels with Spark's non-ANSI semantics: integral overflow wraps (typed
 * array stores wrap for us; int multiplication uses `Math.imul`), division or remainder by zero
 * gives null, `/` operates on doubles or decimals, `div` on longs. Decimal results are rounded
 * HALF_UP to the result scale; a result that overflows its precision is null.
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import type { Vector, ValidityMask } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import { ExecutionError } from "../../errors.js";
import { allocNumbers, andMasks, decimalVector, longVector, numberValues, numberVector, validity, writableMask } from "./vectors.js";
import { fitsPrecision, rescale } from "./cast.js";

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%" | "div" | "&" | "|" | "^";

/** `l op r` where both operands have the operand type and the result has `type`. */
export function arithmetic(op: ArithmeticOp, l: Vector, r: Vector, type: DataType): Vector {
  const n = l.length;
  const mask = andMasks([validity(l), validity(r)], n);
  if (l.kind === "decimal" && r.kind === "decimal") return decimalArithmetic(op, l.values, l.type, r.values, r.type, type, mask, n);
  if (l.kind === "i64" && r.kind === "i64") return longArithmetic(op, l.values, r.values, type, mask, n);
  const a = numberValues(l);
  const b = numberValues(r);
  if (a === null || b === null) throw new ExecutionError(`arithmetic: cannot apply '${op}' to ${l.type.typeName} and ${r.type.typeName}`);
  const out = allocNumbers(type, n);
  const integral = !(l.kind === "f64" || l.kind === "f32");
  switch (op) {
    case "+":
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return numberVector(type, out, mask);
    case "-":
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return numberVector(type, out, mask);
    case "*":
      if (l.kind === "i32") for (let i = 0; i < n; i++) out[i] = Math.imul(a[i], b[i]);
      else for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return numberVector(type, out, mask);
    case "/":
    case "%":
    case "div": {
      let m: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const d = b[i];
        if (d === 0) {
          if (m === null) m = writableMask(mask, n);
          m[i] = 0;
          continue;
        }
        out[i] = op === "%" ? a[i] % d : op === "/" ? a[i] / d : integral ? Math.trunc(a[i] / d) : a[i] / d;
      }
      return numberVector(type, out, m === null ? mask : compactMask(m, n));
    }
    case "&":
      for (let i = 0; i < n; i++) out[i] = a[i] & b[i];
      return numberVector(type, out, mask);
    case "|":
      for (let i = 0; i < n; i++) out[i] = a[i] | b[i];
      return numberVector(type, out, mask);
    case "^":
      for (let i = 0; i < n; i++) out[i] = a[i] ^ b[i];
      return numberVector(type, out, mask);
  }
}

function longArithmetic(op: ArithmeticOp, a: BigInt64Array, b: BigInt64Array, type: DataType, mask: ValidityMask, n: number): Vector {
  const out = new BigInt64Array(n);
  switch (op) {
    case "+":
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      break;
    case "-":
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      break;
    case "*":
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      break;
    case "&":
      for (let i = 0; i < n; i++) out[i] = a[i] & b[i];
      break;
    case "|":
      for (let i = 0; i < n; i++) out[i] = a[i] | b[i];
      break;
    case "^":
      for (let i = 0; i < n; i++) out[i] = a[i] ^ b[i];
      break;
    case "/":
    case "%":
    case "div": {
      let m: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        if (b[i] === 0n) {
          if (m === null) m = writableMask(mask, n);
          m[i] = 0;
          continue;
        }
        out[i] = op === "%" ? a[i] % b[i] : a[i] / b[i];
      }
      return longVector(type, out, m === null ? mask : compactMask(m, n));
    }
  }
  return longVector(type, out, mask);
}

function decimalArithmetic(
  op: ArithmeticOp,
  a: readonly bigint[],
  at: DecimalType,
  b: readonly bigint[],
  bt: DecimalType,
  type: DataType,
  mask: ValidityMask,
  n: number,
): Vector {
  const m = writableMask(mask, n);
  const s1 = at.scale;
  const s2 = bt.scale;
  if (op === "div") {
    const out = new BigInt64Array(n);
    const s = Math.max(s1, s2);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const x = rescale(a[i], s1, s);
      const y = rescale(b[i], s2, s);
      if (y === 0n) m[i] = 0;
      else out[i] = x / y;
    }
    return longVector(type, out, compactMask(m, n));
  }
  if (type.typeName !== "decimal") throw new ExecutionError(`arithmetic: decimal '${op}' must produce a decimal, got ${type.typeName}`);
  const rs = type.scale;
  const out = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    let v: bigint | null;
    switch (op) {
      case "+":
      case "-": {
        const s = Math.max(s1, s2);
        const x = rescale(a[i], s1, s);
        const y = rescale(b[i], s2, s);
        v = rescale(op === "+" ? x + y : x - y, s, rs);
        break;
      }
      case "*":
        v = rescale(a[i] * b[i], s1 + s2, rs);
        break;
      case "/": {
        if (b[i] === 0n) {
          v = null;
          break;
        }
        // a/10^s1 ÷ b/10^s2 at scale rs, with one extra digit for HALF_UP rounding.
        const num = a[i] * 10n ** BigInt(Math.max(0, rs + s2 - s1 + 1));
        const den = b[i] * 10n ** BigInt(Math.max(0, s1 - s2 - rs - 1));
        v = rescale(num / den, 1, 0);
        break;
      }
      case "%": {
        const s = Math.max(s1, s2);
        const y = rescale(b[i], s2, s);
        v = y === 0n ? null : rescale(rescale(a[i], s1, s) % y, s, rs);
        break;
      }
      default:
        throw new ExecutionError(`arithmetic: '${op}' is not defined on decimals`);
    }
    if (v === null || !fitsPrecision(v, type.precision)) m[i] = 0;
    else out[i] = v;
  }
  return decimalVector(type, out, compactMask(m, n));
}

/** `-x` (wrapping for integral types) and `~x`. */
export function unaryArithmetic(op: "negate" | "bitnot", v: Vector): Vector {
  const n = v.length;
  if (v.kind === "i64") {
    const out = new BigInt64Array(n);
    const a = v.values;
    if (op === "negate") for (let i = 0; i < n; i++) out[i] = -a[i];
    else for (let i = 0; i < n; i++) out[i] = ~a[i];
    return longVector(v.type, out, v.valid);
  }
  if (v.kind === "decimal") return decimalVector(v.type, v.values.map((x) => -x), v.valid);
  const a = numberValues(v);
  if (a === null) throw new ExecutionError(`arithmetic: cannot negate ${v.type.typeName}`);
  const out = allocNumbers(v.type, n);
  if (op === "negate") for (let i = 0; i < n; i++) out[i] = -a[i];
  else for (let i = 0; i < n; i++) out[i] = ~a[i];
  return numberVector(v.type, out, v.valid);
}
