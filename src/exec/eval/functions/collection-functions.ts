/**
 * Struct, array and map kernels: struct / named_struct, array, size / cardinality, element_at
 * (1-based, negative from the end) and get_item (`a[0]`, `m['k']`).
 */
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { nullVector } from "../../../columnar/build.js";
import { concat, take } from "../../../columnar/ops.js";
import { ExecutionError } from "../../../errors.js";
import { IntegerType } from "../../../types/data-types.js";
import { compareBytes } from "../compare.js";
import { numberVector } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

/** struct(...) / named_struct(...): a non-null struct of the argument vectors. */
export const structKernel: Kernel = (args, n, _ctx, call) => {
  if (call.dataType.typeName !== "struct") throw new ExecutionError("struct: result type must be a struct");
  return { kind: "struct", type: call.dataType, length: n, valid: null, children: [...args] };
};

/** array(...): a non-null array per row holding each argument's slot. */
export const arrayKernel: Kernel = (args, n, _ctx, call) => {
  const t = call.dataType;
  if (t.typeName !== "array") throw new ExecutionError("array: result type must be an array");
  const k = args.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * k;
  if (k === 0) return { kind: "list", type: t, length: n, valid: null, offsets, child: nullVector(t.elementType, 0) };
  const all = concat(args);
  const idx = new Int32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) idx[i * k + j] = j * n + i;
  return { kind: "list", type: t, length: n, valid: null, offsets, child: take(all, idx) };
};

/** size(x): element count; -1 for null (Spark's legacy `sizeOfNull`, the 3.5 default). */
export const sizeKernel: Kernel = ([v], n) => {
  const out = new Int32Array(n);
  if (v.kind === "list" || v.kind === "map") {
    for (let i = 0; i < n; i++) out[i] = isValid(v, i) ? v.offsets[i + 1] - v.offsets[i] : -1;
  } else out.fill(-1);
  return numberVector(IntegerType(), out, null);
};

/** Equality of slot i of `a` and slot j of `b` (same atomic type). */
function slotEquals(a: Vector, i: number, b: Vector, j: number): boolean {
  switch (a.kind) {
    case "bytes":
      return b.kind === "bytes" && compareBytes(a.data, a.offsets[i], a.offsets[i + 1], b.data, b.offsets[j], b.offsets[j + 1]) === 0;
    case "i64":
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool":
    case "decimal":
      return "values" in b && a.values[i] === b.values[j];
    default:
      return false;
  }
}

/** element_at / get_item on arrays (by index) and maps (by key). */
export const itemKernel: Kernel = ([c, key], n, _ctx, call) => {
  const oneBased = call.fn.options.base === "1";
  const idx = new Int32Array(n);
  let source: Vector;
  if (c.kind === "list") {
    source = c.child;
    for (let i = 0; i < n; i++) {
      idx[i] = -1;
      if (!isValid(c, i) || !isValid(key, i) || key.kind !== "i32") continue;
      const len = c.offsets[i + 1] - c.offsets[i];
      let k = key.values[i];
      if (oneBased) {
        if (k === 0) throw new ExecutionError("element_at: SQL array indices start at 1, got 0");
        k = k > 0 ? k - 1 : len + k;
      }
      if (k >= 0 && k < len) idx[i] = c.offsets[i] + k;
    }
  } else if (c.kind === "map") {
    source = c.items;
    for (let i = 0; i < n; i++) {
      idx[i] = -1;
      if (!isValid(c, i) || !isValid(key, i)) continue;
      // The last matching entry wins, as Spark's map lookup.
      for (let j = c.offsets[i + 1] - 1; j >= c.offsets[i]; j--) {
        if (slotEquals(key, i, c.keys, j)) {
          idx[i] = j;
          break;
        }
      }
    }
  } else throw new ExecutionError(`${call.fn.name}: expected an array or map, got ${c.type.typeName}`);
  const withNull = concat([source, nullVector(call.dataType, 1)]);
  const nullSlot = source.length;
  for (let i = 0; i < n; i++) if (idx[i] < 0) idx[i] = nullSlot;
  return take(withNull, idx);
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const COLLECTION_KERNELS: Readonly<Record<string, KernelFactory>> = {
  struct: fixed(structKernel),
  named_struct: fixed(structKernel),
  array: fixed(arrayKernel),
  size: fixed(sizeKernel),
  element_at: fixed(itemKernel),
  get_item: fixed(itemKernel),
};
