/**
 * Comparison kernels. Both operands have the same type (analysis inserted the casts). A first pass
 * writes a sign per row (-1, 0, 1) with one tight loop per physical kind; a second maps the signs to
 * the operator's boolean. Strings compare by their UTF-8 bytes (Spark's binary order) without
 * decoding; floating point follows Spark: NaN = NaN and NaN is greater than every other value.
 */
import type { Vector, BoolVector, ValidityMask } from "../../columnar/vector.js";
import { ExecutionError } from "../../errors.js";
import type { LiteralValue } from "../../sql/expression.js";
import { andMasks, boolVector, numberValues, validity } from "./vectors.js";
import { rescale } from "./cast.js";

export type ComparisonOp = "=" | "<=>" | "<" | "<=" | ">" | ">=";

/** `l op r` with SQL null semantics (`<=>` is null-safe and never null). */
export function compareVectors(op: ComparisonOp, l: Vector, r: Vector): BoolVector {
  const n = l.length;
  const signs = new Int8Array(n);
  fillSigns(l, r, signs);
  return finish(op, signs, validity(l), validity(r), n);
}

/** `l op literal` without materializing the literal (the common filter shape). */
export function compareScalar(op: ComparisonOp, l: Vector, value: LiteralValue, scalarOnLeft: boolean): BoolVector {
  const n = l.length;
  if (value === null) {
    if (op === "<=>") {
      const m = validity(l);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = m === null ? 0 : 1 - m[i];
      return boolVector(out, null);
    }
    return boolVector(new Uint8Array(n), new Uint8Array(n));
  }
  const signs = new Int8Array(n);
  fillScalarSigns(l, value, signs, op === "=" || op === "<=>");
  if (scalarOnLeft) for (let i = 0; i < n; i++) signs[i] = -signs[i];
  return finish(op, signs, validity(l), null, n);
}

function finish(op: ComparisonOp, signs: Int8Array, lm: ValidityMask, rm: ValidityMask, n: number): BoolVector {
  const out = new Uint8Array(n);
  switch (op) {
    case "=":
    case "<=>":
      for (let i = 0; i < n; i++) out[i] = signs[i] === 0 ? 1 : 0;
      break;
    case "<":
      for (let i = 0; i < n; i++) out[i] = signs[i] < 0 ? 1 : 0;
      break;
    case "<=":
      for (let i = 0; i < n; i++) out[i] = signs[i] <= 0 ? 1 : 0;
      break;
    case ">":
      for (let i = 0; i < n; i++) out[i] = signs[i] > 0 ? 1 : 0;
      break;
    case ">=":
      for (let i = 0; i < n; i++) out[i] = signs[i] >= 0 ? 1 : 0;
      break;
  }
  if (op === "<=>") {
    if (lm !== null || rm !== null) {
      for (let i = 0; i < n; i++) {
        const a = lm === null ? 1 : lm[i];
        const b = rm === null ? 1 : rm[i];
        out[i] = a === 1 && b === 1 ? out[i] : a === b ? 1 : 0;
      }
    }
    return boolVector(out, null);
  }
  return boolVector(out, andMasks([lm, rm], n));
}

/** Writes the per-row sign of `l` vs `r` (same type) into `signs`. Null slots get an arbitrary sign. */
export function fillSigns(l: Vector, r: Vector, signs: Int8Array): void {
  const n = l.length;
  if (l.kind === "null" || r.kind === "null") return;
  if (l.kind === "i64" && r.kind === "i64") {
    const a = l.values;
    const b = r.values;
    for (let i = 0; i < n; i++) signs[i] = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
    return;
  }
  if (l.kind === "bytes" && r.kind === "bytes") {
    const ao = l.offsets;
    const bo = r.offsets;
    for (let i = 0; i < n; i++) signs[i] = compareBytes(l.data, ao[i], ao[i + 1], r.data, bo[i], bo[i + 1]);
    return;
  }
  if (l.kind === "bool" && r.kind === "bool") {
    const a = l.values;
    const b = r.values;
    for (let i = 0; i < n; i++) signs[i] = a[i] - b[i];
    return;
  }
  if (l.kind === "decimal" && r.kind === "decimal") {
    const s = Math.max(l.type.scale, r.type.scale);
    for (let i = 0; i < n; i++) {
      const a = rescale(l.values[i], l.type.scale, s);
      const b = rescale(r.values[i], r.type.scale, s);
      signs[i] = a < b ? -1 : a > b ? 1 : 0;
    }
    return;
  }
  if (l.kind === "struct" && r.kind === "struct") {
    // Field by field, the first difference decides; a null field sorts before a value and equals
    // a null (Spark's interpreted ordering of structs).
    signs.fill(0, 0, n);
    const sub = new Int8Array(n);
    for (let f = 0; f < l.children.length; f++) {
      const x = l.children[f];
      const y = r.children[f];
      fillSigns(x, y, sub);
      const xm = validity(x);
      const ym = validity(y);
      for (let i = 0; i < n; i++) {
        if (signs[i] !== 0) continue;
        const xv = xm === null ? 1 : xm[i];
        const yv = ym === null ? 1 : ym[i];
        signs[i] = xv === 1 && yv === 1 ? sub[i] : xv - yv;
      }
    }
    return;
  }
  const a = numberValues(l);
  const b = numberValues(r);
  if (a !== null && b !== null) {
    if (l.kind === "f64" || l.kind === "f32") {
      for (let i = 0; i < n; i++) signs[i] = floatSign(a[i], b[i]);
    } else {
      for (let i = 0; i < n; i++) signs[i] = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
    }
    return;
  }
  throw new ExecutionError(`compare: cannot compare ${l.type.typeName} with ${r.type.typeName}`);
}

/** `equalityOnly`: only zero / non-zero matters, so strings of another length are skipped unread. */
function fillScalarSigns(l: Vector, value: LiteralValue, signs: Int8Array, equalityOnly: boolean): void {
  const n = l.length;
  switch (l.kind) {
    case "i64": {
      const a = l.values;
      const b = typeof value === "bigint" ? value : BigInt(Number(value));
      for (let i = 0; i < n; i++) signs[i] = a[i] < b ? -1 : a[i] > b ? 1 : 0;
      return;
    }
    case "bytes": {
      const b = typeof value === "string" ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
      const o = l.offsets;
      const d = l.data;
      const k = b.length;
      if (equalityOnly) {
        for (let i = 0; i < n; i++) {
          const s = o[i];
          if (o[i + 1] - s !== k) {
            signs[i] = 1;
            continue;
          }
          let j = 0;
          while (j < k && d[s + j] === b[j]) j++;
          signs[i] = j === k ? 0 : 1;
        }
        return;
      }
      for (let i = 0; i < n; i++) signs[i] = compareBytes(d, o[i], o[i + 1], b, 0, k);
      return;
    }
    case "bool": {
      const b = value === true ? 1 : 0;
      const a = l.values;
      for (let i = 0; i < n; i++) signs[i] = a[i] - b;
      return;
    }
    case "decimal": {
      const b = typeof value === "bigint" ? value : 0n;
      for (let i = 0; i < n; i++) signs[i] = l.values[i] < b ? -1 : l.values[i] > b ? 1 : 0;
      return;
    }
    case "f64":
    case "f32": {
      const a = l.values;
      const b = Number(value);
      for (let i = 0; i < n; i++) signs[i] = floatSign(a[i], b);
      return;
    }
    case "i32":
    case "i16":
    case "i8": {
      const a = l.values;
      const b = Number(value);
      for (let i = 0; i < n; i++) signs[i] = a[i] < b ? -1 : a[i] > b ? 1 : 0;
      return;
    }
    default:
      throw new ExecutionError(`compare: cannot compare ${l.type.typeName} with a literal`);
  }
}

/** Spark's double ordering: NaN equals NaN and sorts above everything else. */
function floatSign(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  const bn = b !== b;
  return an && bn ? 0 : an ? 1 : -1;
}

/** Unsigned lexicographic comparison of two byte ranges (UTF-8 order = code point order). */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const len = la < lb ? la : lb;
  for (let k = 0; k < len; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}
