/**
 * Struct, array and map kernels, with Spark 3.5's semantics:
 * - element equality and ordering are Spark's interpreted ordering (NaN equals NaN and sorts above
 *   every number, -0.0 equals 0.0; a null element sorts first), except where Spark uses a hash set
 *   of atomic values (array_distinct / union / intersect / except, arrays_overlap, map keys): there
 *   -0.0 and 0.0 are distinct values, as Java's boxed `Double.equals` makes them;
 * - maps are built with `spark.sql.mapKeyDedupPolicy=EXCEPTION` (a duplicate key fails with
 *   DUPLICATED_MAP_KEY) and refuse null keys (NULL_MAP_KEY).
 *
 * Most array kernels compute, per row, a list of slot indexes into a source vector (-1 for a null
 * element) and gather them once with `takeOrNull`, so nested element types need no special code.
 */
import type { ListVector, MapVector, ValidityMask, Vector } from "../../../columnar/vector.js";
import { compactMask, isValid } from "../../../columnar/vector.js";
import { BytesBuilder, nullVector } from "../../../columnar/build.js";
import { concat, take, takeOrNull } from "../../../columnar/ops.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { DataType } from "../../../types/data-types.js";
import { IntegerType, LongType, StringType } from "../../../types/data-types.js";
import type { ZoneRules } from "../../../columnar/time-zone.js";
import { fromLocalMicros, requireZone, toLocalMicros } from "../../../columnar/time-zone.js";
import { slotText } from "../cast.js";
import { compareBytes } from "../compare.js";
import { andMasks, boolVector, longVector, numberVector, validity } from "../vectors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import type { EvalContext } from "../vectors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { fixed, literalArg } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const COLLECTION_KERNELS: Readonly<Record<string, KernelFactory>> = {
  struct: fixed(structKernel),
  named_struct: fixed(structKernel),
  array: fixed(arrayKernel),
  map: fixed(mapKernel),
  size: fixed(sizeKernel),
  array_size: fixed(sizeKernel),
  element_at: fixed(itemKernel),
  get_item: fixed(itemKernel),
  get: fixed(itemKernel),
  array_contains: fixed(arrayContainsKernel),
  array_position: fixed(arrayPositionKernel),
  array_remove: fixed(arrayRemoveKernel),
  array_append: fixed((args, n, _ctx, call) => appendKernel(args, n, call.dataType, false)),
  array_prepend: fixed((args, n, _ctx, call) => appendKernel(args, n, call.dataType, true)),
  array_insert: fixed(arrayInsertKernel),
  array_compact: fixed(arrayCompactKernel),
  array_distinct: fixed(arrayDistinctKernel),
  array_union: fixed((args, n, _ctx, call) => setKernel("union", args, n, call.dataType)),
  array_intersect: fixed((args, n, _ctx, call) => setKernel("intersect", args, n, call.dataType)),
  array_except: fixed((args, n, _ctx, call) => setKernel("except", args, n, call.dataType)),
  arrays_overlap: fixed(arraysOverlapKernel),
  array_join: fixed(arrayJoinKernel),
  slice: fixed(sliceKernel),
  sort_array: (call) => {
    const ascending = call.fn.options.ascending !== "0";
    return (args, n, _ctx, c) => sortArrayKernel(args[0], n, c.dataType, ascending);
  },
  shuffle: fixed(shuffleKernel),
  array_min: fixed((args, n) => minMaxKernel(args[0], n, -1)),
  array_max: fixed((args, n) => minMaxKernel(args[0], n, 1)),
  flatten: fixed(flattenKernel),
  sequence: fixed(sequenceKernel),
  array_repeat: fixed(arrayRepeatKernel),
  arrays_zip: fixed(arraysZipKernel),
  map_from_arrays: fixed(mapFromArraysKernel),
  map_keys: fixed(([m], n, _ctx, call) => mapPartKernel(m, n, call.dataType, "keys")),
  map_values: fixed(([m], n, _ctx, call) => mapPartKernel(m, n, call.dataType, "items")),
  map_entries: fixed(mapEntriesKernel),
  map_contains_key: fixed(mapContainsKeyKernel),
  map_from_entries: fixed(mapFromEntriesKernel),
  map_concat: fixed(mapConcatKernel),
  str_to_map: strToMapFactory,
};

/** Spark's `ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH`: the most elements an array may hold. */
const MAX_ARRAY_LENGTH = 2147483632;

/** Spark's INVALID_INDEX_OF_ZERO message (element_at, try_element_at, array_insert). */
const INDEX_OF_ZERO = "[INVALID_INDEX_OF_ZERO] The index 0 is invalid: SQL array indices start at 1, so an index shall be either < 0 or > 0.";

// ---------------------------------------------------------------------------------------------
// Constructors and accessors

/** struct(...) / named_struct(...): a non-null struct of the argument vectors. */
function structKernel(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  if (call.dataType.typeName !== "struct") throw new ExecutionError("struct: result type must be a struct");
  return { kind: "struct", type: call.dataType, length: n, valid: null, children: [...args] };
}

/** array(...): a non-null array per row holding each argument's slot. */
function arrayKernel(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const t = call.dataType;
  const k = args.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * k;
  if (k === 0) return listOf(t, n, offsets, null, nullVector(elementType(t), 0));
  return listOf(t, n, offsets, null, interleave(args, n));
}

/** map(k1, v1, …): a non-null map per row; keys must be distinct and not null. */
function mapKernel(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const t = call.dataType;
  if (t.typeName !== "map") throw new ExecutionError("map: result type must be a map");
  const k = args.length / 2;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * k;
  if (k === 0) return { kind: "map", type: t, length: n, valid: null, offsets, keys: nullVector(t.keyType, 0), items: nullVector(t.valueType, 0) };
  const keys = interleave(args.filter((_, i) => i % 2 === 0), n);
  const items = interleave(args.filter((_, i) => i % 2 === 1), n);
  checkMapKeys("map", keys, offsets, null, n);
  return { kind: "map", type: t, length: n, valid: null, offsets, keys, items };
}

/** Row-major gather of `args` (each of length n): slot i*k+j is args[j][i]. */
function interleave(args: readonly Vector[], n: number): Vector {
  const k = args.length;
  const all = concat(args);
  const idx = new Int32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) idx[i * k + j] = j * n + i;
  return take(all, idx);
}

/** size(x): element count; -1 for null (Spark's legacy `sizeOfNull`, the 3.5 default); array_size gives null. */
function sizeKernel([v]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const out = new Int32Array(n);
  const nullOnNull = call.fn.options.nullOnNull === "1";
  if (v.kind === "list" || v.kind === "map") {
    for (let i = 0; i < n; i++) out[i] = isValid(v, i) ? v.offsets[i + 1] - v.offsets[i] : -1;
    return numberVector(IntegerType(), out, nullOnNull ? validity(v) : null);
  }
  out.fill(-1);
  return numberVector(IntegerType(), out, nullOnNull ? new Uint8Array(n) : null);
}

/** element_at / try_element_at / get / get_item on arrays (by index) and maps (by key). */
function itemKernel([c, key]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const oneBased = call.fn.options.base === "1";
  const idx = new Int32Array(n).fill(-1);
  let source: Vector;
  if (c.kind === "list") {
    source = c.child;
    if (key.kind !== "i32" && key.kind !== "null") throw new ExecutionError(`${call.fn.prettyName}: the index must be an int`);
    for (let i = 0; i < n; i++) {
      if (!isValid(c, i) || !isValid(key, i) || key.kind !== "i32") continue;
      const len = c.offsets[i + 1] - c.offsets[i];
      let k = key.values[i];
      if (oneBased) {
        if (k === 0) throw new ExecutionError(`${call.fn.prettyName}: ${INDEX_OF_ZERO}`);
        k = k > 0 ? k - 1 : len + k;
      }
      if (k >= 0 && k < len) idx[i] = c.offsets[i] + k;
    }
  } else if (c.kind === "map") {
    source = c.items;
    const cmp = comparator(c.keys, key);
    for (let i = 0; i < n; i++) {
      if (!isValid(c, i) || !isValid(key, i)) continue;
      for (let j = c.offsets[i]; j < c.offsets[i + 1]; j++) {
        if (isValid(c.keys, j) && cmp(j, i) === 0) {
          idx[i] = j;
          break;
        }
      }
    }
  } else if (c.kind === "null") {
    return nullVector(call.dataType, n);
  } else throw new ExecutionError(`${call.fn.prettyName}: expected an array or map, got ${c.type.typeName}`);
  return takeOrNull(source, idx);
}

// ---------------------------------------------------------------------------------------------
// Searching

/** array_contains: true when an element equals the value; null when not found but a null element was seen. */
function arrayContainsKernel([arr, value]: readonly Vector[], n: number): Vector {
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  if (arr.kind !== "list") return boolVector(out, valid);
  const cmp = comparator(arr.child, value);
  for (let i = 0; i < n; i++) {
    if (!isValid(arr, i) || !isValid(value, i)) continue;
    let sawNull = false;
    let found = false;
    for (let j = arr.offsets[i]; j < arr.offsets[i + 1]; j++) {
      if (!isValid(arr.child, j)) sawNull = true;
      else if (cmp(j, i) === 0) {
        found = true;
        break;
      }
    }
    out[i] = found ? 1 : 0;
    valid[i] = found || !sawNull ? 1 : 0;
  }
  return boolVector(out, compactMask(valid, n));
}

/** array_position: the 1-based index of the first equal element, 0 when none. */
function arrayPositionKernel([arr, value]: readonly Vector[], n: number): Vector {
  const out = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  if (arr.kind === "list") {
    const cmp = comparator(arr.child, value);
    for (let i = 0; i < n; i++) {
      if (!isValid(arr, i) || !isValid(value, i)) continue;
      valid[i] = 1;
      const s = arr.offsets[i];
      for (let j = s; j < arr.offsets[i + 1]; j++) {
        if (isValid(arr.child, j) && cmp(j, i) === 0) {
          out[i] = BigInt(j - s + 1);
          break;
        }
      }
    }
  }
  return longVector(LongType(), out, compactMask(valid, n));
}

/** map_contains_key: whether a key equals the value (keys are never null). */
function mapContainsKeyKernel([m, key]: readonly Vector[], n: number): Vector {
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  if (m.kind === "map") {
    const cmp = comparator(m.keys, key);
    for (let i = 0; i < n; i++) {
      if (!isValid(m, i) || !isValid(key, i)) continue;
      valid[i] = 1;
      for (let j = m.offsets[i]; j < m.offsets[i + 1]; j++) {
        if (isValid(m.keys, j) && cmp(j, i) === 0) {
          out[i] = 1;
          break;
        }
      }
    }
  }
  return boolVector(out, compactMask(valid, n));
}

/** array_min (sign -1) / array_max (sign 1): the extreme non-null element, null when there is none. */
function minMaxKernel(arr: Vector, n: number, sign: number): Vector {
  if (arr.kind !== "list") return nullVector(elementType(arr.type), n);
  const idx = new Int32Array(n).fill(-1);
  const c = arr.child;
  const cmp = comparator(c, c);
  for (let i = 0; i < n; i++) {
    if (!isValid(arr, i)) continue;
    let best = -1;
    for (let j = arr.offsets[i]; j < arr.offsets[i + 1]; j++) {
      if (!isValid(c, j)) continue;
      if (best < 0 || cmp(j, best) * sign > 0) best = j;
    }
    idx[i] = best;
  }
  return takeOrNull(c, idx);
}

// ---------------------------------------------------------------------------------------------
// Reshaping arrays

/** array_remove: every element not equal to the value (null elements stay). */
function arrayRemoveKernel([arr, value]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  const valid = andMasks([validity(arr), validity(value)], n);
  const cmp = comparator(rows.child, value);
  return buildList(call.dataType, n, valid, rows.child, (i, out) => {
    for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) if (!isValid(rows.child, j) || cmp(j, i) !== 0) out.push(j);
  });
}

/** array_append / array_prepend: the array with the value added (a null value is added as null). */
function appendKernel([arr, value]: readonly Vector[], n: number, type: DataType, prepend: boolean): Vector {
  const rows = asList(arr);
  const source = concat([rows.child, value]);
  const base = rows.child.length;
  return buildList(type, n, validity(arr), source, (i, out) => {
    if (prepend) out.push(base + i);
    for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) out.push(j);
    if (!prepend) out.push(base + i);
  });
}

/**
 * array_insert(array, pos, item): `pos` is 1-based, negative from the end (-1 inserts before the
 * last element, Spark 3.5's rule); positions past either end pad with nulls.
 */
function arrayInsertKernel([arr, pos, item]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  if (pos.kind !== "i32" && pos.kind !== "null") throw new ExecutionError("array_insert: the position must be an int");
  const source = concat([rows.child, item]);
  const base = rows.child.length;
  const valid = andMasks([validity(arr), validity(pos)], n);
  return buildList(call.dataType, n, valid, source, (i, out) => {
    const s = rows.offsets[i];
    const len = rows.offsets[i + 1] - s;
    let p = pos.kind === "i32" ? pos.values[i] : 0;
    if (p === 0) throw new ExecutionError(`array_insert: ${INDEX_OF_ZERO}`);
    if (p < 0 && -p > len) {
      checkLength(-p + 1, "array_insert");
      out.push(base + i);
      for (let k = 0; k < -p - len; k++) out.push(-1);
      for (let j = 0; j < len; j++) out.push(s + j);
      return;
    }
    p = p < 0 ? p + len : p - 1;
    checkLength(Math.max(len + 1, p + 1), "array_insert");
    for (let j = 0; j < Math.min(p, len); j++) out.push(s + j);
    for (let k = len; k < p; k++) out.push(-1);
    out.push(base + i);
    for (let j = p; j < len; j++) out.push(s + j);
  });
}

/** array_compact: the non-null elements. */
function arrayCompactKernel([arr]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  return buildList(call.dataType, n, validity(arr), rows.child, (i, out) => {
    for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) if (isValid(rows.child, j)) out.push(j);
  });
}

/** slice(array, start, length): `start` 1-based (negative from the end); 0 and a negative length fail. */
function sliceKernel([arr, start, length]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  if ((start.kind !== "i32" && start.kind !== "null") || (length.kind !== "i32" && length.kind !== "null")) {
    throw new ExecutionError("slice: start and length must be ints");
  }
  const valid = andMasks([validity(arr), validity(start), validity(length)], n);
  return buildList(call.dataType, n, valid, rows.child, (i, out) => {
    const st = start.kind === "i32" ? start.values[i] : 0;
    const ln = length.kind === "i32" ? length.values[i] : 0;
    const s = rows.offsets[i];
    const len = rows.offsets[i + 1] - s;
    if (st === 0) throw new ExecutionError("slice: [INVALID_PARAMETER_VALUE.START] The value of parameter(s) `start` in `slice` is invalid: Expects a positive or a negative value for `start`, but got 0.");
    if (ln < 0) throw new ExecutionError(`slice: [INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) \`length\` in \`slice\` is invalid: Expects \`length\` greater than or equal to 0, but got ${ln}.`);
    const from = st < 0 ? st + len : st - 1;
    if (from < 0 || from >= len) return;
    const to = Math.min(len, from + ln);
    for (let j = from; j < to; j++) out.push(s + j);
  });
}

/** sort_array: Spark's ordering; nulls first ascending, last descending. */
function sortArrayKernel(arr: Vector, n: number, type: DataType, ascending: boolean): Vector {
  const rows = asList(arr);
  const c = rows.child;
  const cmp = comparator(c, c);
  const order = (a: number, b: number): number => {
    const va = isValid(c, a);
    const vb = isValid(c, b);
    if (!va || !vb) return va === vb ? 0 : !va ? (ascending ? -1 : 1) : ascending ? 1 : -1;
    return ascending ? cmp(a, b) : cmp(b, a);
  };
  const idx = new Int32Array(c.length);
  for (let j = 0; j < idx.length; j++) idx[j] = j;
  const sortable = c.kind !== "null";
  for (let i = 0; i < n; i++) {
    const s = rows.offsets[i];
    const e = rows.offsets[i + 1];
    if (sortable && e - s > 1 && isValid(arr, i)) idx.subarray(s, e).sort(order);
  }
  return listOf(type, n, rows.offsets, validity(arr), take(c, idx));
}

/** shuffle: a random permutation of each array (Spark's is random too). */
function shuffleKernel([arr]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  const idx = new Int32Array(rows.child.length);
  for (let j = 0; j < idx.length; j++) idx[j] = j;
  for (let i = 0; i < n; i++) {
    const s = rows.offsets[i];
    for (let j = rows.offsets[i + 1] - 1; j > s; j--) {
      const k = s + Math.floor(Math.random() * (j - s + 1));
      const t = idx[j];
      idx[j] = idx[k];
      idx[k] = t;
    }
  }
  return listOf(call.dataType, n, rows.offsets, validity(arr), take(rows.child, idx));
}

/** flatten: the inner arrays concatenated; null when the array or any inner array is null. */
function flattenKernel([arr]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const outer = asList(arr);
  const inner = asList(outer.child);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(arr, i)) continue;
    let ok = 1;
    for (let j = outer.offsets[i]; j < outer.offsets[i + 1]; j++) if (!isValid(inner, j)) ok = 0;
    valid[i] = ok;
  }
  return buildList(call.dataType, n, compactMask(valid, n), inner.child, (i, out) => {
    let total = 0;
    for (let j = outer.offsets[i]; j < outer.offsets[i + 1]; j++) total += inner.offsets[j + 1] - inner.offsets[j];
    checkLength(total, "flatten");
    for (let j = outer.offsets[i]; j < outer.offsets[i + 1]; j++) for (let k = inner.offsets[j]; k < inner.offsets[j + 1]; k++) out.push(k);
  });
}

/** array_repeat(element, count): `count` copies; a count below 1 gives an empty array. */
function arrayRepeatKernel([element, count]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  if (count.kind !== "i32" && count.kind !== "null") throw new ExecutionError("array_repeat: the count must be an int");
  return buildList(call.dataType, n, validity(count), element, (i, out) => {
    const k = count.kind === "i32" ? count.values[i] : 0;
    if (k > MAX_ARRAY_LENGTH) throw new ExecutionError(`array_repeat: [COLLECTION_SIZE_LIMIT_EXCEEDED] cannot create an array with ${k} elements, exceeding the limit ${MAX_ARRAY_LENGTH}`);
    for (let j = 0; j < k; j++) out.push(i);
  });
}

/** arrays_zip: the i-th struct holds each array's i-th element (null past an array's end). */
function arraysZipKernel(args: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const t = call.dataType;
  const st = elementType(t);
  if (st.typeName !== "struct") throw new ExecutionError("arrays_zip: result type must be an array of structs");
  const lists = args.map(asList);
  const valid = andMasks(args.map(validity), n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let len = 0;
    if (valid === null || valid[i] === 1) for (const l of lists) len = Math.max(len, l.offsets[i + 1] - l.offsets[i]);
    offsets[i + 1] = offsets[i] + len;
  }
  const total = offsets[n];
  const children = lists.map((l) => {
    const idx = new Int32Array(total);
    for (let i = 0; i < n; i++) {
      const s = l.offsets[i];
      const len = l.offsets[i + 1] - s;
      for (let k = 0; k < offsets[i + 1] - offsets[i]; k++) idx[offsets[i] + k] = k < len ? s + k : -1;
    }
    return takeOrNull(l.child, idx);
  });
  return listOf(t, n, offsets, valid, { kind: "struct", type: st, length: total, valid: null, children });
}

/** sequence(start, stop[, step]) over integral types, or dates and timestamps a day apart. */
function sequenceKernel(args: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const [start, stop, step] = args;
  const t = elementType(call.dataType);
  const valid = andMasks(args.map(validity), n);
  const offsets = new Int32Array(n + 1);
  const present = (i: number) => valid === null || valid[i] === 1;
  if (t.typeName === "timestamp" && start.kind === "i64" && stop.kind === "i64") {
    return timestampSequence(start.values, stop.values, n, call.dataType, valid, requireZone(call.fn.options.timeZone ?? "UTC"));
  }
  if (start.kind === "i64" && stop.kind === "i64" && (step === undefined || step.kind === "i64")) {
    const parts = new LongList();
    for (let i = 0; i < n; i++) {
      if (present(i)) {
        const a = start.values[i];
        const b = stop.values[i];
        const d = step === undefined ? (a <= b ? 1n : -1n) : step.values[i];
        const len = sequenceLength(a, b, d);
        // The BigInt64Array wraps a + d·k to 64 bits, as Spark's long arithmetic overflows.
        for (let k = 0n; k < len; k++) parts.push(a + d * k);
      }
      offsets[i + 1] = parts.length;
    }
    return listOf(call.dataType, n, offsets, valid, longVector(t, parts.finish(), null));
  }
  const num = (v: Vector | undefined, i: number): number => (v !== undefined && (v.kind === "i32" || v.kind === "i16" || v.kind === "i8") ? v.values[i] : 0);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (present(i)) {
      const a = num(start, i);
      const b = num(stop, i);
      const d = step === undefined ? (a <= b ? 1 : -1) : num(step, i);
      const len = Number(sequenceLength(BigInt(a), BigInt(b), BigInt(d)));
      for (let k = 0; k < len; k++) out.push(a + d * k);
    }
    offsets[i + 1] = out.length;
  }
  const values = t.typeName === "short" ? Int16Array.from(out) : t.typeName === "byte" ? Int8Array.from(out) : Int32Array.from(out);
  return listOf(call.dataType, n, offsets, valid, numberVector(t, values, null));
}

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * Spark's TemporalSequenceImpl with its default step of one day (forward, or back when start is
 * after stop): start's local date-time in `zone` plus i days, back to an instant, while not past
 * stop. A day across a DST change is 23 or 25 hours long, as in Spark.
 */
function timestampSequence(start: BigInt64Array, stop: BigInt64Array, n: number, type: DataType, valid: ValidityMask, zone: ZoneRules): Vector {
  const offsets = new Int32Array(n + 1);
  const out = new LongList();
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) {
      const a = start[i];
      const b = stop[i];
      const step = a <= b ? MICROS_PER_DAY : -MICROS_PER_DAY;
      sequenceLength(a, b, step);
      const local = toLocalMicros(a, zone);
      for (let k = 0n, t = a; step > 0n ? t <= b : t >= b; k++, t = fromLocalMicros(local + step * k, zone)) out.push(t);
    }
    offsets[i + 1] = out.length;
  }
  return listOf(type, n, offsets, valid, longVector(elementType(type), out.finish(), null));
}

/** Spark's `getSequenceLength`: the step must lead from start to stop. */
function sequenceLength(start: bigint, stop: bigint, step: bigint): bigint {
  if (!((step > 0n && start <= stop) || (step < 0n && start >= stop) || (step === 0n && start === stop))) {
    throw new ExecutionError(`sequence: Illegal sequence boundaries: ${start} to ${stop} by ${step}`);
  }
  const len = start === stop ? 1n : 1n + (stop - start) / step;
  if (len > BigInt(MAX_ARRAY_LENGTH)) throw new ExecutionError(`sequence: Too long sequence: ${len}. Should be <= ${MAX_ARRAY_LENGTH}`);
  return len;
}

/** array_join(array, delimiter[, nullReplacement]): null elements are skipped unless replaced. */
function arrayJoinKernel([arr, delim, rep]: readonly Vector[], n: number): Vector {
  const rows = asList(arr);
  const c = rows.child;
  const out = new BytesBuilder(n);
  const scratch = new ByteScratch();
  if ((c.kind !== "bytes" && c.kind !== "null") || delim.kind !== "bytes" && delim.kind !== "null" || (rep !== undefined && rep.kind !== "bytes" && rep.kind !== "null")) {
    throw new ExecutionError("array_join: expected an array of strings and string delimiters");
  }
  for (let i = 0; i < n; i++) {
    if (!isValid(arr, i) || !isValid(delim, i) || (rep !== undefined && !isValid(rep, i)) || delim.kind !== "bytes") {
      out.appendNull();
      continue;
    }
    scratch.reset();
    let first = true;
    for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) {
      let src: Uint8Array;
      let s: number;
      let e: number;
      if (c.kind === "bytes" && isValid(c, j)) {
        src = c.data;
        s = c.offsets[j];
        e = c.offsets[j + 1];
      } else if (rep !== undefined && rep.kind === "bytes") {
        src = rep.data;
        s = rep.offsets[i];
        e = rep.offsets[i + 1];
      } else continue;
      if (!first) scratch.append(delim.data, delim.offsets[i], delim.offsets[i + 1]);
      scratch.append(src, s, e);
      first = false;
    }
    out.appendBytes(scratch.bytes, 0, scratch.length);
  }
  return out.finish(StringType());
}

// ---------------------------------------------------------------------------------------------
// Set operations

/** array_distinct: the first occurrence of each value, one null at most. */
function arrayDistinctKernel([arr]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  const c = rows.child;
  const set = new SlotSet(hashSlots(c), hashEquality(c));
  return buildList(call.dataType, n, validity(arr), c, (i, out) => {
    const s = rows.offsets[i];
    const e = rows.offsets[i + 1];
    set.reset(e - s);
    let sawNull = false;
    for (let j = s; j < e; j++) sawNull = emitDistinct(c, j, set, sawNull, out);
  });
}

/**
 * array_union (left's distinct values, then right's new ones), array_intersect (left's distinct
 * values also in right) and array_except (left's distinct values not in right); a null element
 * counts as one value.
 */
function setKernel(op: "union" | "intersect" | "except", [l, r]: readonly Vector[], n: number, type: DataType): Vector {
  const left = asList(l);
  const right = asList(r);
  const src = concat([left.child, right.child]);
  const base = left.child.length;
  const hashes = hashSlots(src);
  const eq = hashEquality(src);
  const seen = new SlotSet(hashes, eq);
  const other = new SlotSet(hashes, eq);
  const valid = andMasks([validity(l), validity(r)], n);
  return buildList(type, n, valid, src, (i, out) => {
    const ls = left.offsets[i];
    const le = left.offsets[i + 1];
    const rs = base + right.offsets[i];
    const re = base + right.offsets[i + 1];
    seen.reset(le - ls + re - rs);
    let nullOut = false;
    if (op === "union") {
      for (let j = ls; j < le; j++) nullOut = emitDistinct(src, j, seen, nullOut, out);
      for (let j = rs; j < re; j++) nullOut = emitDistinct(src, j, seen, nullOut, out);
      return;
    }
    if (op === "intersect" && (le === ls || re === rs)) return;
    other.reset(re - rs);
    let rightNull = false;
    for (let j = rs; j < re; j++) {
      if (!isValid(src, j)) rightNull = true;
      else other.add(j);
    }
    for (let j = ls; j < le; j++) {
      const inRight = isValid(src, j) ? other.has(j) : rightNull;
      if (inRight === (op === "intersect")) nullOut = emitDistinct(src, j, seen, nullOut, out);
    }
  });
}

/** Pushes slot j unless an equal value (or, for a null, a null) was pushed; returns whether a null was. */
function emitDistinct(src: Vector, j: number, seen: SlotSet, nullOut: boolean, out: IndexList): boolean {
  if (!isValid(src, j)) {
    if (!nullOut) out.push(j);
    return true;
  }
  if (seen.add(j)) out.push(j);
  return nullOut;
}

/** arrays_overlap: true on a common non-null element; else null when both are non-empty and a null is seen. */
function arraysOverlapKernel([l, r]: readonly Vector[], n: number): Vector {
  const left = asList(l);
  const right = asList(r);
  const src = concat([left.child, right.child]);
  const base = left.child.length;
  const set = new SlotSet(hashSlots(src), hashEquality(src));
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(l, i) || !isValid(r, i)) continue;
    valid[i] = 1;
    const ls = left.offsets[i];
    const le = left.offsets[i + 1];
    const rs = base + right.offsets[i];
    const re = base + right.offsets[i + 1];
    if (le === ls || re === rs) continue;
    let sawNull = false;
    set.reset(re - rs);
    for (let j = rs; j < re; j++) {
      if (!isValid(src, j)) sawNull = true;
      else set.add(j);
    }
    let found = false;
    for (let j = ls; j < le && !found; j++) {
      if (!isValid(src, j)) sawNull = true;
      else found = set.has(j);
    }
    out[i] = found ? 1 : 0;
    if (!found && sawNull) valid[i] = 0;
  }
  return boolVector(out, compactMask(valid, n));
}

// ---------------------------------------------------------------------------------------------
// Maps

/** map_keys / map_values: the map's keys or values as an array (shares the map's vectors). */
function mapPartKernel(m: Vector, n: number, type: DataType, part: "keys" | "items"): Vector {
  if (m.kind !== "map") return nullVector(type, n);
  return listOf(type, n, m.offsets, m.valid, m[part]);
}

/** map_entries: an array of (key, value) structs. */
function mapEntriesKernel([m]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const t = call.dataType;
  const st = elementType(t);
  if (m.kind !== "map" || st.typeName !== "struct") return nullVector(t, n);
  return listOf(t, n, m.offsets, m.valid, { kind: "struct", type: st, length: m.keys.length, valid: null, children: [m.keys, m.items] });
}

/** map_from_arrays(keys, values): both arrays must have the same length. */
function mapFromArraysKernel([k, v]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const keys = asList(k);
  const values = asList(v);
  const valid = andMasks([validity(k), validity(v)], n);
  const ki = new IndexList();
  const vi = new IndexList();
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) {
      const len = keys.offsets[i + 1] - keys.offsets[i];
      if (len !== values.offsets[i + 1] - values.offsets[i]) {
        throw new ExecutionError("map_from_arrays: [INVALID_PARAMETER_VALUE] the key array and value array of a map must have the same length");
      }
      for (let j = 0; j < len; j++) {
        ki.push(keys.offsets[i] + j);
        vi.push(values.offsets[i] + j);
      }
    }
    offsets[i + 1] = ki.length;
  }
  return makeMap("map_from_arrays", call.dataType, n, offsets, valid, takeOrNull(keys.child, ki.finish()), takeOrNull(values.child, vi.finish()));
}

/** map_from_entries: null when the array or any entry is null. */
function mapFromEntriesKernel([arr]: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const rows = asList(arr);
  const entries = rows.child;
  if (entries.kind !== "struct" || entries.children.length !== 2) throw new ExecutionError("map_from_entries: expected an array of (key, value) structs");
  const valid = new Uint8Array(n);
  const idx = new IndexList();
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (isValid(arr, i)) {
      let ok = 1;
      for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) if (!isValid(entries, j)) ok = 0;
      valid[i] = ok;
      if (ok === 1) for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) idx.push(j);
    }
    offsets[i + 1] = idx.length;
  }
  const at = idx.finish();
  return makeMap("map_from_entries", call.dataType, n, offsets, compactMask(valid, n), takeOrNull(entries.children[0], at), takeOrNull(entries.children[1], at));
}

/** map_concat: every map's entries in order; null when any map is null; a repeated key fails. */
function mapConcatKernel(args: readonly Vector[], n: number, _ctx: EvalContext, call: BoundCall): Vector {
  const t = call.dataType;
  if (t.typeName !== "map") throw new ExecutionError("map_concat: result type must be a map");
  const offsets = new Int32Array(n + 1);
  if (args.length === 0) return makeMap("map_concat", t, n, offsets, null, nullVector(t.keyType, 0), nullVector(t.valueType, 0));
  const maps = args.map((a): MapVector => (a.kind === "map" ? a : { kind: "map", type: t, length: n, valid: new Uint8Array(n), offsets, keys: nullVector(t.keyType, 0), items: nullVector(t.valueType, 0) }));
  const keys = concat(maps.map((m) => m.keys));
  const items = concat(maps.map((m) => m.items));
  const bases: number[] = [];
  let b = 0;
  for (const m of maps) {
    bases.push(b);
    b += m.keys.length;
  }
  const valid = andMasks(args.map(validity), n);
  const idx = new IndexList();
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) {
      for (let k = 0; k < maps.length; k++) for (let j = maps[k].offsets[i]; j < maps[k].offsets[i + 1]; j++) idx.push(bases[k] + j);
    }
    offsets[i + 1] = idx.length;
  }
  const at = idx.finish();
  return makeMap("map_concat", t, n, offsets, valid, takeOrNull(keys, at), takeOrNull(items, at));
}

/**
 * str_to_map(text[, pairDelim[, keyValueDelim]]): the delimiters are regular expressions (Java's
 * `String.split`); a pair without a key/value delimiter maps its key to null.
 */
function strToMapFactory(call: Parameters<KernelFactory>[0]): Kernel {
  const cache = new Map<string, RegExp>();
  const regex = (source: string): RegExp => {
    let r = cache.get(source);
    if (r === undefined) {
      r = compileDelimiter(source);
      cache.set(source, r);
    }
    return r;
  };
  const constant = (k: number, fallback: string): string | null => {
    if (call.args.length <= k) return fallback;
    const v = literalArg(call, k);
    return typeof v === "string" ? v : null;
  };
  const pairConst = constant(1, ",");
  const kvConst = constant(2, ":");
  return (args, n, _ctx, c) => {
    const [text, pd, kvd] = args;
    const valid = andMasks(args.map(validity), n);
    const keys = new BytesBuilder(n);
    const values = new BytesBuilder(n);
    const offsets = new Int32Array(n + 1);
    const str = (v: Vector | undefined, i: number, fallback: string | null): string =>
      fallback !== null && (v === undefined || !(v.kind === "bytes")) ? fallback : v !== undefined && v.kind === "bytes" ? decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]) : "";
    for (let i = 0; i < n; i++) {
      if ((valid === null || valid[i] === 1) && text.kind === "bytes") {
        const s = decodeUtf8(text.data, text.offsets[i], text.offsets[i + 1]);
        const pairRe = regex(pairConst ?? str(pd, i, null));
        const kvRe = regex(kvConst ?? str(kvd, i, null));
        for (const pair of javaSplit(s, pairRe, -1)) {
          const kv = javaSplit(pair, kvRe, 2);
          keys.appendString(kv[0]);
          if (kv.length < 2) values.appendNull();
          else values.appendString(kv[1]);
        }
      }
      offsets[i + 1] = keys.length;
    }
    return makeMap("str_to_map", c.dataType, n, offsets, valid, keys.finish(StringType()), values.finish(StringType()));
  };
}

/**
 * A Java regex delimiter as a JavaScript one: by code point where JavaScript's Unicode mode takes
 * it, else (Java accepts escapes such as `\:` that Unicode mode refuses) by UTF-16 unit.
 */
function compileDelimiter(source: string): RegExp {
  try {
    return new RegExp(source, "gu");
  } catch {
    try {
      return new RegExp(source, "g");
    } catch (e) {
      throw new ExecutionError(`str_to_map: invalid delimiter regex '${source}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Java's `String.split(regex, limit)`: limit 2 splits once; -1 keeps trailing empty strings. */
function javaSplit(s: string, re: RegExp, limit: number): string[] {
  const out: string[] = [];
  let from = 0;
  re.lastIndex = 0;
  for (;;) {
    if (limit > 0 && out.length === limit - 1) break;
    const m = re.exec(s);
    if (m === null) break;
    if (m[0].length === 0) {
      // A zero-width match at the start never yields a leading empty string (Java 8+); at the end none.
      if (m.index >= s.length) break;
      if (m.index === 0) {
        re.lastIndex = m.index + 1;
        continue;
      }
      re.lastIndex = m.index + 1;
    }
    out.push(s.slice(from, m.index));
    from = m.index + m[0].length;
  }
  out.push(s.slice(from));
  return out;
}

/** A map vector whose keys are checked (no null key, no duplicate key per row). */
function makeMap(fn: string, type: DataType, n: number, offsets: Int32Array, valid: ValidityMask, keys: Vector, items: Vector): Vector {
  if (type.typeName !== "map") throw new ExecutionError(`${fn}: result type must be a map`);
  checkMapKeys(fn, keys, offsets, valid, n);
  return { kind: "map", type, length: n, valid, offsets, keys, items };
}

/** Spark's `ArrayBasedMapBuilder.put` under mapKeyDedupPolicy=EXCEPTION. */
export function checkMapKeys(fn: string, keys: Vector, offsets: Int32Array, valid: ValidityMask, n: number): void {
  let set: SlotSet | null = null;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const s = offsets[i];
    const e = offsets[i + 1];
    for (let j = s; j < e; j++) if (!isValid(keys, j)) throw new ExecutionError(`${fn}: [NULL_MAP_KEY] Cannot use null as map key.`);
    if (e - s < 2) continue;
    set ??= new SlotSet(hashSlots(keys), hashEquality(keys));
    set.reset(e - s);
    for (let j = s; j < e; j++) {
      if (!set.add(j)) {
        throw new ExecutionError(
          `${fn}: [DUPLICATED_MAP_KEY] Duplicate map key ${slotText(keys, j)} was found, please check the input data. If you want to remove the duplicated keys, you can set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last takes precedence.`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Element ordering, equality and hashing

export type SlotCompare = (i: number, j: number) => number;

/**
 * Spark's interpreted ordering of slot i of `a` against slot j of `b` (both valid, same type):
 * NaN is the largest number and equals NaN, -0.0 equals 0.0; arrays compare element by element
 * (a null element first) then by length; structs field by field (a null field first).
 */
export function comparator(a: Vector, b: Vector): SlotCompare {
  switch (a.kind) {
    case "i64":
      if (b.kind !== "i64") break;
      return (i, j) => (a.values[i] < b.values[j] ? -1 : a.values[i] > b.values[j] ? 1 : 0);
    case "i32":
    case "i16":
    case "i8":
    case "bool":
      if (b.kind !== a.kind) break;
      return (i, j) => a.values[i] - b.values[j];
    case "f64":
    case "f32":
      if (b.kind !== a.kind) break;
      return (i, j) => floatCompare(a.values[i], b.values[j]);
    case "decimal":
      if (b.kind !== "decimal") break;
      return (i, j) => (a.values[i] < b.values[j] ? -1 : a.values[i] > b.values[j] ? 1 : 0);
    case "bytes":
      if (b.kind !== "bytes") break;
      return (i, j) => compareBytes(a.data, a.offsets[i], a.offsets[i + 1], b.data, b.offsets[j], b.offsets[j + 1]);
    case "null":
      return () => 0;
    case "struct": {
      if (b.kind !== "struct") break;
      const fields = a.children.map((c, k) => ({ x: c, y: b.children[k], cmp: comparator(c, b.children[k]) }));
      return (i, j) => {
        for (const f of fields) {
          const r = withNulls(f.x, i, f.y, j, f.cmp);
          if (r !== 0) return r;
        }
        return 0;
      };
    }
    case "list": {
      if (b.kind !== "list") break;
      const cmp = comparator(a.child, b.child);
      return (i, j) => {
        const as = a.offsets[i];
        const al = a.offsets[i + 1] - as;
        const bs = b.offsets[j];
        const bl = b.offsets[j + 1] - bs;
        for (let k = 0; k < Math.min(al, bl); k++) {
          const r = withNulls(a.child, as + k, b.child, bs + k, cmp);
          if (r !== 0) return r;
        }
        return al - bl;
      };
    }
    case "map":
      throw new ExecutionError("compare: map values cannot be compared");
  }
  throw new ExecutionError(`compare: cannot compare ${a.type.typeName} with ${b.type.typeName}`);
}

function withNulls(a: Vector, i: number, b: Vector, j: number, cmp: SlotCompare): number {
  const va = isValid(a, i);
  const vb = isValid(b, j);
  if (va && vb) return cmp(i, j);
  return va === vb ? 0 : va ? 1 : -1;
}

function floatCompare(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xn = x !== x;
  const yn = y !== y;
  return xn && yn ? 0 : xn ? 1 : -1;
}

/**
 * Equality of two valid slots of `v` as Spark's hash sets see it: atomic values by Java's boxed
 * `equals` (NaN equals NaN, -0.0 differs from 0.0), others by the ordering.
 */
export function hashEquality(v: Vector): (i: number, j: number) => boolean {
  if (v.kind === "f64" || v.kind === "f32") {
    const x = v.values;
    return (i, j) => (x[i] === x[j] ? x[i] !== 0 || Object.is(x[i], x[j]) : x[i] !== x[i] && x[j] !== x[j]);
  }
  const cmp = comparator(v, v);
  return (i, j) => cmp(i, j) === 0;
}

/** A 32-bit hash per slot, equal for slots equal under `comparator` or `hashEquality`. */
export function hashSlots(v: Vector): Int32Array {
  const n = v.length;
  const out = new Int32Array(n);
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
    case "bool":
      for (let i = 0; i < n; i++) out[i] = mix(v.values[i]);
      break;
    case "i64": {
      const w = new Int32Array(v.values.buffer, v.values.byteOffset, n * 2);
      for (let i = 0; i < n; i++) out[i] = mix(w[2 * i] ^ mix(w[2 * i + 1]));
      break;
    }
    case "f64":
    case "f32": {
      const f = new Float64Array(1);
      const w = new Int32Array(f.buffer);
      for (let i = 0; i < n; i++) {
        const x = v.values[i];
        // -0.0 hashes as 0.0 and every NaN alike, so both equalities find their matches.
        f[0] = x === 0 ? 0 : x !== x ? NaN : x;
        out[i] = mix(w[0] ^ mix(w[1]));
      }
      break;
    }
    case "decimal":
      for (let i = 0; i < n; i++) out[i] = mix(Number(BigInt.asIntN(32, v.values[i])));
      break;
    case "bytes":
      for (let i = 0; i < n; i++) {
        let h = 0x811c9dc5;
        for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) h = Math.imul(h ^ v.data[k], 0x01000193);
        out[i] = h;
      }
      break;
    case "struct":
      for (const c of v.children) {
        const h = hashSlots(c);
        for (let i = 0; i < n; i++) out[i] = mix(out[i] * 31 + (isValid(c, i) ? h[i] : 7));
      }
      break;
    case "list": {
      const h = hashSlots(v.child);
      for (let i = 0; i < n; i++) {
        let x = 17;
        for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) x = mix(x * 31 + (isValid(v.child, k) ? h[k] : 7));
        out[i] = x;
      }
      break;
    }
    default:
      break;
  }
  return out;
}

function mix(x: number): number {
  let h = Math.imul(x, 0x9e3779b1);
  h ^= h >>> 16;
  return h | 0;
}

/** An open-addressing set of slot indexes of one vector, reset per row (no per-row allocation). */
export class SlotSet {
  private table = new Int32Array(16);
  private mask = 15;

  constructor(
    private readonly hashes: Int32Array,
    private readonly equals: (i: number, j: number) => boolean,
  ) {}

  /** Empties the set for up to `expected` members. */
  reset(expected: number): void {
    let size = 16;
    while (size < expected * 2) size *= 2;
    if (this.table.length < size) this.table = new Int32Array(size);
    else this.table.fill(0, 0, size);
    this.mask = size - 1;
  }

  /** Adds slot `i`; false when an equal slot is already a member. */
  add(i: number): boolean {
    let h = this.hashes[i] & this.mask;
    for (;;) {
      const m = this.table[h];
      if (m === 0) {
        this.table[h] = i + 1;
        return true;
      }
      if (this.equals(m - 1, i)) return false;
      h = (h + 1) & this.mask;
    }
  }

  has(i: number): boolean {
    return this.find(i) >= 0;
  }

  /** The member equal to slot `i`, or -1. */
  find(i: number): number {
    let h = this.hashes[i] & this.mask;
    for (;;) {
      const m = this.table[h];
      if (m === 0) return -1;
      if (this.equals(m - 1, i)) return m - 1;
      h = (h + 1) & this.mask;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building results

/** A growable list of slot indexes. */
class IndexList {
  private data = new Int32Array(64);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable list of 64-bit values (stored wrapped to 64 bits). */
class LongList {
  private data = new BigInt64Array(64);
  length = 0;

  push(x: bigint): void {
    if (this.length === this.data.length) {
      const next = new BigInt64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = BigInt.asIntN(64, x);
  }

  finish(): BigInt64Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable byte buffer for one string being assembled. */
class ByteScratch {
  bytes = new Uint8Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  append(src: Uint8Array, start: number, end: number): void {
    const k = end - start;
    if (this.length + k > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + k));
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.bytes.set(src.subarray(start, end), this.length);
    this.length += k;
  }
}

/**
 * An array per row from slot indexes into `source`: `fill(i, out)` pushes row i's element slots
 * (-1 for a null element). Rows invalid in `valid` are null and not filled.
 */
function buildList(type: DataType, n: number, valid: ValidityMask, source: Vector, fill: (i: number, out: IndexList) => void): Vector {
  const out = new IndexList();
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) fill(i, out);
    offsets[i + 1] = out.length;
  }
  const idx = out.finish();
  const child = idx.length === 0 ? nullVector(elementType(type), 0) : takeOrNull(source, idx);
  return listOf(type, n, offsets, valid, child);
}

function listOf(type: DataType, n: number, offsets: Int32Array, valid: ValidityMask, child: Vector): ListVector {
  if (type.typeName !== "array") throw new ExecutionError(`array: result type must be an array, got ${type.typeName}`);
  return { kind: "list", type, length: n, valid, offsets, child };
}

/** The list vector of an array argument (a NULL-typed argument reads as all-null arrays). */
export function asList(v: Vector): ListVector {
  if (v.kind === "list") return v;
  if (v.kind === "null") {
    const t = v.type.typeName === "array" ? v.type : { typeName: "array" as const, elementType: v.type, containsNull: true };
    return { kind: "list", type: t, length: v.length, valid: new Uint8Array(v.length), offsets: new Int32Array(v.length + 1), child: nullVector(t.elementType, 0) };
  }
  throw new ExecutionError(`array: expected an array, got ${v.type.typeName}`);
}

function elementType(t: DataType): DataType {
  if (t.typeName !== "array") throw new ExecutionError(`array: expected an array type, got ${t.typeName}`);
  return t.elementType;
}

function checkLength(len: number, fn: string): void {
  if (len > MAX_ARRAY_LENGTH) throw new ExecutionError(`${fn}: [COLLECTION_SIZE_LIMIT_EXCEEDED] cannot create an array with ${len} elements, exceeding the limit ${MAX_ARRAY_LENGTH}`);
}
