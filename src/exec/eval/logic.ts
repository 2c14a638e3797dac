/**
 * Boolean and conditional kernels: three-valued AND/OR/NOT (`null AND false` = false,
 * `null OR true` = true), IS [NOT] NULL, IN lists, and row-wise selection between vectors for
 * CASE / coalesce / if / greatest / least.
 */
import type { DataType } from "../../types/data-types.js";
import type { Vector, BoolVector, ValidityMask } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import { nullVector } from "../../columnar/build.js";
import { concat, take } from "../../columnar/ops.js";
import { ExecutionError } from "../../errors.js";
import { boolVector, validity } from "./vectors.js";
import { compareVectors } from "./compare.js";

function asBool(v: Vector): BoolVector {
  if (v.kind === "bool") return v;
  if (v.kind === "null") return boolVector(new Uint8Array(v.length), new Uint8Array(v.length));
  throw new ExecutionError(`logic: expected a boolean vector, got ${v.type.typeName}`);
}

/** Three-valued AND. */
export function and(lv: Vector, rv: Vector): BoolVector {
  const l = asBool(lv);
  const r = asBool(rv);
  const n = l.length;
  const a = l.values;
  const b = r.values;
  const out = new Uint8Array(n);
  const lm = l.valid;
  const rm = r.valid;
  if (lm === null && rm === null) {
    for (let i = 0; i < n; i++) out[i] = a[i] & b[i];
    return boolVector(out, null);
  }
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const la = lm === null ? 1 : lm[i];
    const ra = rm === null ? 1 : rm[i];
    const lFalse = la & (a[i] ^ 1);
    const rFalse = ra & (b[i] ^ 1);
    if (lFalse | rFalse) valid[i] = 1;
    else if (la & ra) {
      valid[i] = 1;
      out[i] = 1;
    }
  }
  return boolVector(out, compactMask(valid, n));
}

/** Three-valued OR. */
export function or(lv: Vector, rv: Vector): BoolVector {
  const l = asBool(lv);
  const r = asBool(rv);
  const n = l.length;
  const a = l.values;
  const b = r.values;
  const out = new Uint8Array(n);
  const lm = l.valid;
  const rm = r.valid;
  if (lm === null && rm === null) {
    for (let i = 0; i < n; i++) out[i] = a[i] | b[i];
    return boolVector(out, null);
  }
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const la = lm === null ? 1 : lm[i];
    const ra = rm === null ? 1 : rm[i];
    if ((la & a[i]) | (ra & b[i])) {
      valid[i] = 1;
      out[i] = 1;
    } else if (la & ra) valid[i] = 1;
  }
  return boolVector(out, compactMask(valid, n));
}

/** NOT (null stays null). */
export function not(v: Vector): BoolVector {
  const x = asBool(v);
  const n = x.length;
  const out = new Uint8Array(n);
  const a = x.values;
  for (let i = 0; i < n; i++) out[i] = a[i] ^ 1;
  return boolVector(out, x.valid);
}

/** IS NULL (negated: IS NOT NULL): one pass over the validity mask. */
export function isNull(v: Vector, negated: boolean): BoolVector {
  const n = v.length;
  const m = validity(v);
  const out = new Uint8Array(n);
  if (m === null) {
    if (!negated) return boolVector(out, null);
    out.fill(1);
    return boolVector(out, null);
  }
  if (negated) out.set(m.subarray(0, n));
  else for (let i = 0; i < n; i++) out[i] = m[i] ^ 1;
  return boolVector(out, null);
}

/**
 * `child IN (items)`: true if any item equals, else null when the child or any item is null,
 * else false. `items` are vectors of the child's type (literals broadcast).
 */
export function inList(child: Vector, items: readonly Vector[], negated: boolean): BoolVector {
  const n = child.length;
  const found = new Uint8Array(n);
  const sawNull = new Uint8Array(n);
  const cm = validity(child);
  if (cm !== null) for (let i = 0; i < n; i++) sawNull[i] = cm[i] ^ 1;
  for (const item of items) {
    const eq = compareVectors("=", child, item);
    const em = eq.valid;
    const ev = eq.values;
    if (em === null) for (let i = 0; i < n; i++) found[i] |= ev[i];
    else {
      for (let i = 0; i < n; i++) {
        found[i] |= ev[i] & em[i];
        sawNull[i] |= em[i] ^ 1;
      }
    }
  }
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    valid[i] = found[i] | (sawNull[i] ^ 1);
    if (negated) found[i] ^= 1;
  }
  return boolVector(found, compactMask(valid, n));
}

/**
 * `child IN (literals)` over strings or binary: each value's bytes are compared with the few
 * literals' bytes in place, where {@link inList} would broadcast each literal to the batch's length
 * and compare whole vectors. Equality is byte equality, as Spark's for strings.
 */
export function inBytesLiterals(child: Vector, literals: readonly Uint8Array[], listHasNull: boolean, negated: boolean): BoolVector | null {
  if (child.kind !== "bytes") return null;
  const n = child.length;
  const { offsets, data } = child;
  const out = new Uint8Array(n);
  // The literals by byte length: a value is compared only with those of its own length.
  let maxLen = 0;
  for (const lit of literals) maxLen = Math.max(maxLen, lit.length);
  const byLength: (Uint8Array[] | undefined)[] = new Array<Uint8Array[] | undefined>(maxLen + 1);
  for (const lit of literals) (byLength[lit.length] ??= []).push(lit);
  for (let i = 0; i < n; i++) {
    const s = offsets[i];
    const len = offsets[i + 1] - s;
    const candidates = len <= maxLen ? byLength[len] : undefined;
    if (candidates === undefined) continue;
    for (let c = 0; c < candidates.length; c++) {
      const lit = candidates[c];
      let k = 0;
      while (k < len && data[s + k] === lit[k]) k++;
      if (k === len) {
        out[i] = 1;
        break;
      }
    }
  }
  return inLiteralsResult(out, child.valid, listHasNull, negated);
}

/**
 * The result of `child IN (literals)` from `found` (1 where a literal matched): null where the
 * child is null, or nothing matched and the list holds a null; negated for NOT IN.
 */
function inLiteralsResult(found: Uint8Array, childValid: ValidityMask, listHasNull: boolean, negated: boolean): BoolVector {
  const n = found.length;
  let valid: ValidityMask = childValid;
  if (listHasNull) {
    const m = new Uint8Array(n);
    for (let i = 0; i < n; i++) m[i] = (childValid === null ? 1 : childValid[i]) & found[i];
    valid = compactMask(m, n);
  }
  if (negated) for (let i = 0; i < n; i++) found[i] ^= 1;
  return boolVector(found, valid);
}

/** A fast IN over number-like values with a literal list (no nulls in the list). */
export function inNumberSet(child: Vector, set: ReadonlySet<number | bigint>, listHasNull: boolean, negated: boolean): BoolVector | null {
  const n = child.length;
  let values: ArrayLike<number | bigint>;
  switch (child.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8":
      values = child.values;
      break;
    default:
      return null;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = set.has(values[i]) ? 1 : 0;
  return inLiteralsResult(out, child.valid, listHasNull, negated);
}

/**
 * Row-wise selection: slot i of the result is slot i of `sources[choice[i]]`, or null when
 * `choice[i]` is -1. Sources share `type` and length.
 */
export function choose(type: DataType, sources: readonly Vector[], choice: Int32Array): Vector {
  const n = choice.length;
  if (sources.length === 1) {
    let allFirst = true;
    for (let i = 0; i < n; i++) {
      if (choice[i] !== 0) {
        allFirst = false;
        break;
      }
    }
    if (allFirst) return sources[0];
  }
  const all = concat([...sources, nullVector(type, 1)]);
  const nullSlot = sources.length * n;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = choice[i] < 0 ? nullSlot : choice[i] * n + i;
  return take(all, idx);
}

/** Where `cond` is true (and not null) and `choice` is still undecided, sets `choice` to `k`. */
export function markWhere(cond: Vector, choice: Int32Array, k: number, undecided: number): void {
  const c = asBool(cond);
  const n = choice.length;
  const m = c.valid;
  const v = c.values;
  for (let i = 0; i < n; i++) {
    if (choice[i] === undecided && v[i] === 1 && (m === null || m[i] === 1)) choice[i] = k;
  }
}
