/**
 * Sort: a blocking operator. Collects every chunk, then orders rows by the sort keys (Spark's
 * ordering: nulls first for ascending unless told otherwise, NaN greater than any number, strings
 * by UTF-8 bytes) and emits one batch. Used by batch queries and by complete-mode streaming
 * aggregations.
 */
import type { Batch } from "../columnar/batch.js";
import { takeBatch } from "../columnar/ops.js";
import type { Vector } from "../columnar/vector.js";
import { isValid } from "../columnar/vector.js";
import type { StructType } from "../types/data-types.js";
import type { BoundExpr } from "../plan/expressions/bound.js";
import { CollectingOperator } from "./operator.js";
import { compileExpr } from "./eval/compile.js";
import type { Evaluator } from "./eval/compile.js";

export interface SortKey {
  readonly expr: BoundExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export class SortOperator extends CollectingOperator {
  private readonly keys: readonly { eval: Evaluator; ascending: boolean; nullsFirst: boolean }[];

  constructor(schema: StructType, keys: readonly SortKey[]) {
    super(schema, schema);
    this.keys = keys.map((k) => ({ eval: compileExpr(k.expr), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  }

  protected complete(all: Batch): Batch[] {
    const keyVectors = this.keys.map((k) => k.eval(all, this.ctx));
    const idx = Array.from({ length: all.numRows }, (_, i) => i);
    idx.sort((a, b) => {
      for (let k = 0; k < keyVectors.length; k++) {
        const c = compareSlots(keyVectors[k], a, b, this.keys[k].nullsFirst);
        if (c !== 0) return fix(c, this.keys[k].ascending);
      }
      return a - b;
    });
    return [takeBatch(all, Int32Array.from(idx))];
  }
}

/** A sort key's evaluated column and its direction. */
export interface EvaluatedKey {
  readonly vector: Vector;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** Compares rows `a` and `b` by `keys` in order (Spark's ordering); 0 when every key is equal. */
export function compareByKeys(keys: readonly EvaluatedKey[], a: number, b: number): number {
  for (const k of keys) {
    const c = compareSlots(k.vector, a, b, k.nullsFirst);
    if (c !== 0) return fix(c, k.ascending);
  }
  return 0;
}

// Null ordering is independent of direction, so null comparisons are tagged and not negated.
const NULL_ORDER_FIRST = -2;
const NULL_ORDER_LAST = 2;

function fix(c: number, ascending: boolean): number {
  if (c === NULL_ORDER_FIRST) return -1;
  if (c === NULL_ORDER_LAST) return 1;
  return ascending ? c : -c;
}

/**
 * Compares slots `a` and `b` of `v`: -1, 0 or 1 for values; when a null is involved, ±2 (a tag
 * that the caller must not negate for descending order, since null placement is separate).
 */
export function compareSlots(v: Vector, a: number, b: number, nullsFirst: boolean): number {
  const va = isValid(v, a);
  const vb = isValid(v, b);
  if (!va || !vb) {
    if (!va && !vb) return 0;
    if (!va) return nullsFirst ? NULL_ORDER_FIRST : NULL_ORDER_LAST;
    return nullsFirst ? NULL_ORDER_LAST : NULL_ORDER_FIRST;
  }
  switch (v.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8":
    case "bool": {
      const x = v.values[a];
      const y = v.values[b];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "f64":
    case "f32": {
      const x = v.values[a];
      const y = v.values[b];
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "decimal": {
      const x = v.values[a];
      const y = v.values[b];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "bytes": {
      const d = v.data;
      let i = v.offsets[a];
      const ie = v.offsets[a + 1];
      let j = v.offsets[b];
      const je = v.offsets[b + 1];
      for (; i < ie && j < je; i++, j++) {
        if (d[i] !== d[j]) return d[i] < d[j] ? -1 : 1;
      }
      return Math.sign(ie - i - (je - j));
    }
    case "struct": {
      for (const c of v.children) {
        const r = compareSlots(c, a, b, true);
        if (r !== 0) return fix(r, true);
      }
      return 0;
    }
    default:
      return 0;
  }
}
