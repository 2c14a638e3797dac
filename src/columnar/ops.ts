/**
 * Structural vector operations: gather by selection vector, slice, concatenate. Every kernel here
 * loops over typed arrays; none builds per-row objects.
 */
import type { Batch } from "./batch.js";
import { makeBatch } from "./batch.js";
import type { Vector, ValidityMask, BytesVector } from "./vector.js";
import { ExecutionError } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import { nullVector } from "./build.js";
import { asBuffer } from "./utf8.js";

/** Gathers `indices` from `v`; an index of -1 gives a null (outer rows, missing neighbours). */
export function takeOrNull(v: Vector, indices: Int32Array): Vector {
  let missing = false;
  for (let i = 0; i < indices.length; i++) if (indices[i] < 0) missing = true;
  if (!missing) return take(v, indices);
  if (v.length === 0) return nullVector(v.type, indices.length);
  const got = take(v, indices.map((i) => (i < 0 ? 0 : i)));
  const valid = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) valid[i] = indices[i] >= 0 && (got.valid === null || got.valid[i] === 1) ? 1 : 0;
  return { ...got, valid } as Vector;
}

/** Gathers `indices` (a selection vector) from `v`. */
export function take(v: Vector, indices: Int32Array): Vector {
  const n = indices.length;
  const valid = takeMask(v.valid, indices);
  switch (v.kind) {
    case "i64": {
      // Two 32-bit halves per value: reading a BigInt64Array element allocates a bigint.
      const out = new BigInt64Array(n);
      const src = v.values;
      const s32 = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
      const o32 = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const j = indices[i] * 2;
        o32[2 * i] = s32[j];
        o32[2 * i + 1] = s32[j + 1];
      }
      return { ...v, length: n, valid, values: out };
    }
    case "i32": {
      const out = new Int32Array(n);
      const src = v.values;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "i16": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = v.values[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "i8": {
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) out[i] = v.values[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "f64": {
      const out = new Float64Array(n);
      const src = v.values;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "f32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = v.values[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = v.values[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "bytes":
      return takeBytes(v, indices, valid);
    case "decimal": {
      const out = new Array<bigint>(n);
      for (let i = 0; i < n; i++) out[i] = v.values[indices[i]];
      return { ...v, length: n, valid, values: out };
    }
    case "null":
      return { ...v, length: n };
    case "struct":
      return { ...v, length: n, valid, children: v.children.map((c) => take(c, indices)) };
    case "list":
    case "map": {
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const j = indices[i];
        total += v.offsets[j + 1] - v.offsets[j];
        offsets[i + 1] = total;
      }
      const childIdx = new Int32Array(total);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const j = indices[i];
        for (let c = v.offsets[j]; c < v.offsets[j + 1]; c++) childIdx[k++] = c;
      }
      if (v.kind === "list") return { ...v, length: n, valid, offsets, child: take(v.child, childIdx) };
      return { ...v, length: n, valid, offsets, keys: take(v.keys, childIdx), items: take(v.items, childIdx) };
    }
  }
}

function takeMask(mask: ValidityMask, indices: Int32Array): ValidityMask {
  if (mask === null) return null;
  const n = indices.length;
  const out = new Uint8Array(n);
  let allValid = 1;
  for (let i = 0; i < n; i++) {
    const b = mask[indices[i]];
    out[i] = b;
    allValid &= b;
  }
  return allValid === 1 ? null : out;
}

function takeBytes(v: BytesVector, indices: Int32Array, valid: ValidityMask): BytesVector {
  const n = indices.length;
  const offsets = new Int32Array(n + 1);
  const so = v.offsets;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    total += so[j + 1] - so[j];
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  const src = v.data;
  // Buffer#copy copies natively without allocating a view per row (subarray would).
  const srcBuf = asBuffer(src);
  const dstBuf = asBuffer(data);
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(data.buffer);
  let at = 0;
  let i = 0;
  while (i < n) {
    // Copy runs of consecutive source rows at once: selections from filters are mostly runs.
    const j = indices[i];
    let k = i + 1;
    while (k < n && indices[k] === indices[k - 1] + 1) k++;
    const s = so[j];
    const e = so[indices[k - 1] + 1];
    // Below a few hundred bytes a loop (four bytes at a time) beats a native copy's call overhead.
    if (e - s < 256) {
      let b = s;
      for (; b + 4 <= e; b += 4, at += 4) dv.setUint32(at, sv.getUint32(b));
      for (; b < e; b++) data[at++] = src[b];
    } else {
      srcBuf.copy(dstBuf, at, s, e);
      at += e - s;
    }
    i = k;
  }
  return { ...v, length: n, valid, offsets, data };
}

/** Rows `[start, end)` of `v`, copied (the result owns its buffers), or `v` itself when whole. */
export function slice(v: Vector, start: number, end: number): Vector {
  return start === 0 && end === v.length ? v : copyRange(v, start, end);
}

/** Rows `[start, end)` of `v`, always copied: the result owns every buffer it holds. */
export function copyRange(v: Vector, start: number, end: number): Vector {
  const n = end - start;
  const valid = sliceMask(v.valid, start, end);
  switch (v.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool":
      return { ...v, length: n, valid, values: v.values.slice(start, end) } as Vector;
    case "decimal":
      return { ...v, length: n, valid, values: v.values.slice(start, end) };
    case "bytes": {
      const base = v.offsets[start];
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i <= n; i++) offsets[i] = v.offsets[start + i] - base;
      return { ...v, length: n, valid, offsets, data: v.data.slice(base, v.offsets[end]) };
    }
    case "null":
      return { ...v, length: n };
    case "struct":
      return { ...v, length: n, valid, children: v.children.map((c) => copyRange(c, start, end)) };
    case "list":
    case "map": {
      const base = v.offsets[start];
      const childEnd = v.offsets[end];
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i <= n; i++) offsets[i] = v.offsets[start + i] - base;
      if (v.kind === "list") return { ...v, length: n, valid, offsets, child: copyRange(v.child, base, childEnd) };
      return { ...v, length: n, valid, offsets, keys: copyRange(v.keys, base, childEnd), items: copyRange(v.items, base, childEnd) };
    }
  }
}

/** Every column of `batch` copied (see {@link copyRange}): a batch that owns all its buffers. */
export function copyBatch(batch: Batch): Batch {
  return makeBatch(batch.schema, batch.columns.map((c) => copyRange(c, 0, c.length)), batch.numRows);
}

function sliceMask(mask: ValidityMask, start: number, end: number): ValidityMask {
  if (mask === null) return null;
  for (let i = start; i < end; i++) if (mask[i] === 0) return mask.slice(start, end);
  return null;
}

/** Gathers `indices` from every column of `batch`. */
export function takeBatch(batch: Batch, indices: Int32Array): Batch {
  if (indices.length === batch.numRows) {
    let identity = true;
    for (let i = 0; i < indices.length; i++) {
      if (indices[i] !== i) {
        identity = false;
        break;
      }
    }
    if (identity) return batch;
  }
  return makeBatch(batch.schema, batch.columns.map((c) => take(c, indices)), indices.length);
}

/** Rows `[start, end)` of `batch`. */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  if (start === 0 && end === batch.numRows) return batch;
  return makeBatch(batch.schema, batch.columns.map((c) => slice(c, start, end)), end - start);
}

/**
 * Rows `[start, end)` of `v` as views of its buffers (no copy; `v` itself when whole). The result
 * shares memory with `v`: use it where the rows are read at once (encoding, hashing), and
 * {@link slice} where they are kept or moved to another thread.
 */
export function sliceView(v: Vector, start: number, end: number): Vector {
  if (start === 0 && end === v.length) return v;
  const n = end - start;
  const valid = v.valid === null ? null : v.valid.subarray(start, end);
  switch (v.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool":
      return { ...v, length: n, valid, values: v.values.subarray(start, end) } as Vector;
    case "decimal":
      return { ...v, length: n, valid, values: v.values.slice(start, end) };
    case "bytes":
      // Offsets stay absolute into the same data: a view need not start its data at 0.
      return { ...v, length: n, valid, offsets: v.offsets.subarray(start, end + 1) };
    case "null":
      return { ...v, length: n };
    case "struct":
      return { ...v, length: n, valid, children: v.children.map((c) => sliceView(c, start, end)) };
    case "list":
    case "map":
      return { ...v, length: n, valid, offsets: v.offsets.subarray(start, end + 1) };
  }
}

/** Rows `[start, end)` of every column of `batch`, as views (see {@link sliceView}). */
export function sliceBatchView(batch: Batch, start: number, end: number): Batch {
  if (start === 0 && end === batch.numRows) return batch;
  return makeBatch(batch.schema, batch.columns.map((c) => sliceView(c, start, end)), end - start);
}

/** `v` with row i moved to `positions[i]` (a permutation that keeps each group's rows together). */
function scatterTo(v: Vector, positions: Int32Array, groupOf: Int32Array, start: Int32Array, scratch: ScratchArrays): Vector {
  const n = v.length;
  const valid = scatterMask(v.valid, positions, scratch);
  switch (v.kind) {
    case "i64": {
      const out = scratch.get(BigInt64Array, n);
      const s32 = new Int32Array(v.values.buffer, v.values.byteOffset, n * 2);
      const o32 = new Int32Array(out.buffer, out.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        const p = positions[i] * 2;
        o32[p] = s32[2 * i];
        o32[p + 1] = s32[2 * i + 1];
      }
      return { ...v, valid, values: out };
    }
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool": {
      const src = v.values;
      const out = scratch.get(src.constructor as TypedArrayClass<typeof src>, n);
      for (let i = 0; i < n; i++) out[positions[i]] = src[i];
      return { ...v, valid, values: out } as Vector;
    }
    case "decimal": {
      const out = new Array<bigint>(n);
      for (let i = 0; i < n; i++) out[positions[i]] = v.values[i];
      return { ...v, valid, values: out };
    }
    case "bytes": {
      const so = v.offsets;
      const groups = start.length - 1;
      // Each group's bytes start after the bytes of the groups before it.
      const groupBytes = new Float64Array(groups + 1);
      for (let i = 0; i < n; i++) groupBytes[groupOf[i] + 1] += so[i + 1] - so[i];
      for (let g = 0; g < groups; g++) groupBytes[g + 1] += groupBytes[g];
      const total = groupBytes[groups];
      const data = scratch.get(Uint8Array, total);
      const offsets = scratch.get(Int32Array, n + 1);
      const at = Int32Array.from(groupBytes.subarray(0, groups));
      const limit = Int32Array.from(groupBytes.subarray(1));
      for (let g = 0; g < groups; g++) offsets[start[g]] = at[g];
      offsets[n] = total;
      scatterBytes(v.data, so, data, offsets, positions, groupOf, at, limit);
      return { ...v, valid, offsets, data };
    }
    case "null":
      return v;
    case "struct":
      return { ...v, valid, children: v.children.map((c) => scatterTo(c, positions, groupOf, start, scratch)) };
    case "list":
    case "map": {
      // Nested values move with their rows: gather by the inverse permutation.
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[positions[i]] = i;
      return take(v, order);
    }
  }
}

/** Copies 16 bytes from `sv` at `b` to `dv` at `o`. */
type BlockCopy = (dv: DataView, sv: DataView, o: number, b: number) => void;

const copy16In8s: BlockCopy = (dv, sv, o, b) => {
  dv.setBigInt64(o, sv.getBigInt64(b, true), true);
  dv.setBigInt64(o + 8, sv.getBigInt64(b + 8, true), true);
};

const copy16In4s: BlockCopy = (dv, sv, o, b) => {
  dv.setInt32(o, sv.getInt32(b, true), true);
  dv.setInt32(o + 4, sv.getInt32(b + 4, true), true);
  dv.setInt32(o + 8, sv.getInt32(b + 8, true), true);
  dv.setInt32(o + 12, sv.getInt32(b + 12, true), true);
};

/**
 * V8 13 (Node 24) compiles DataView BigInt64 reads and writes to plain 8-byte moves; before it,
 * each one allocates a BigInt (measured: 3× slower than 4-byte moves), so older engines copy in
 * 4-byte words.
 */
const copy16: BlockCopy = Number(process.versions.v8.split(".")[0]) >= 13 ? copy16In8s : copy16In4s;

/**
 * Copies value i (`src[so[i], so[i + 1])`) to its group's cursor `at[groupOf[i]]` and records its
 * end at `offsets[positions[i] + 1]`. A value is copied in whole 16-byte blocks when its group has
 * 16 bytes of room past it (below `limit[g]`, where the next group starts): the overshoot lands
 * where the group's next values go, which overwrite it, and the fixed block count spares the
 * branch per byte of a value's tail (values of varied lengths mispredict it). The last values of
 * a group go byte-exact. The reads stay inside the source too: the room after a value in its group
 * is the bytes of the group's later rows, which follow it in the source.
 */
function scatterBytes(
  src: Uint8Array,
  so: Int32Array,
  data: Uint8Array,
  offsets: Int32Array,
  positions: Int32Array,
  groupOf: Int32Array,
  at: Int32Array,
  limit: Int32Array,
): void {
  const n = positions.length;
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i];
    let o = at[g];
    let b = so[i];
    const e = so[i + 1];
    const end = o + (e - b);
    if (end + 16 <= limit[g]) {
      do {
        copy16(dv, sv, o, b);
        o += 16;
        b += 16;
      } while (o < end);
    } else {
      for (; b + 4 <= e; b += 4, o += 4) dv.setInt32(o, sv.getInt32(b, true), true);
      for (; b < e; b++) data[o++] = src[b];
    }
    at[g] = end;
    offsets[positions[i] + 1] = end;
  }
}

function scatterMask(mask: ValidityMask, positions: Int32Array, scratch: ScratchArrays): ValidityMask {
  if (mask === null) return null;
  const out = scratch.get(Uint8Array, mask.length);
  for (let i = 0; i < mask.length; i++) out[positions[i]] = mask[i];
  return out;
}

/**
 * The rows of `batch` reordered so each group's rows are together, groups in order, rows in their
 * order within a group: row i belongs to group `groupOf[i]`, whose rows start at `start[g]`
 * (`start` has one more entry than there are groups: a counting sort's offsets). Unlike a
 * {@link takeBatch} with the equivalent permutation, the source is read sequentially and written
 * through one cursor per group, which keeps a big batch's partition split cache-friendly.
 *
 * With `scratch`, the result's arrays are views of buffers that the next call with the same
 * scratch overwrites (no allocation per batch): use the result before that call.
 */
export function scatterBatch(batch: Batch, groupOf: Int32Array, start: Int32Array, scratch: ScratchArrays = new ScratchArrays()): Batch {
  scratch.reset();
  const n = batch.numRows;
  const groups = start.length - 1;
  const cursor = start.slice(0, groups);
  const positions = scratch.get(Int32Array, n);
  for (let i = 0; i < n; i++) positions[i] = cursor[groupOf[i]]++;
  return makeBatch(batch.schema, batch.columns.map((c) => scatterTo(c, positions, groupOf, start, scratch)), n);
}

type TypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
type TypedArrayClass<T extends TypedArray> = new (length: number) => T;

/**
 * Typed arrays handed out in a fixed order and reused from one round to the next: round after
 * round (`reset` starts one) the k-th `get` returns a view of the same buffer, grown when too small.
 * For work that makes the same arrays per batch and drops them before the next (a partition split).
 */
export class ScratchArrays {
  private readonly slots: TypedArray[] = [];
  private next = 0;
  private static readonly pool: ScratchArrays[] = [];

  /**
   * A set from a small process-wide pool (or a new one): whoever takes it is its only user until
   * {@link checkin}, so concurrent writers never share one, and sequential ones reuse the buffers.
   */
  static checkout(): ScratchArrays {
    return ScratchArrays.pool.pop() ?? new ScratchArrays();
  }

  /** Returns a set to the pool (which keeps at most two; others are dropped for the GC). */
  static checkin(s: ScratchArrays): void {
    if (ScratchArrays.pool.length < 2 && !ScratchArrays.pool.includes(s)) ScratchArrays.pool.push(s);
  }

  /** Starts a round: the next `get` is the first slot again. */
  reset(): void {
    this.next = 0;
  }

  /** `n` elements of the next slot (their content is whatever the last round left there). */
  get<T extends TypedArray>(cls: TypedArrayClass<T>, n: number): T {
    const i = this.next++;
    let a = this.slots[i];
    if (!(a instanceof cls) || a.length < n) {
      a = new cls(Math.max(n, Math.ceil((a instanceof cls ? a.length : 0) * 1.5)));
      this.slots[i] = a;
    }
    return (a as T).subarray(0, n) as T;
  }
}

/** Concatenates vectors of the same type. */
export function concat(vs: readonly Vector[]): Vector {
  if (vs.length === 0) throw new ExecutionError("vector: concat of zero vectors");
  if (vs.length === 1) return vs[0];
  const first = vs[0];
  const n = vs.reduce((s, v) => s + v.length, 0);
  let valid: Uint8Array | null = null;
  if (vs.some((v) => v.kind === "null" || v.valid !== null)) {
    valid = new Uint8Array(n);
    let at = 0;
    for (const v of vs) {
      if (v.kind === "null") valid.fill(0, at, at + v.length);
      else if (v.valid === null) valid.fill(1, at, at + v.length);
      else valid.set(v.valid, at);
      at += v.length;
    }
  }
  switch (first.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool": {
      type Values = typeof first.values;
      const Ctor = first.values.constructor as new (n: number) => Values;
      const out = new Ctor(n);
      let at = 0;
      for (const v of vs) {
        if (v.kind !== first.kind || !("values" in v)) throw new ExecutionError(`vector: concat of ${first.kind} and ${v.kind}`);
        (out as { set(a: ArrayLike<number | bigint>, at: number): void }).set(v.values as ArrayLike<number | bigint>, at);
        at += v.length;
      }
      return { ...first, length: n, valid, values: out } as Vector;
    }
    case "bytes": {
      const parts = vs as readonly BytesVector[];
      const offsets = new Int32Array(n + 1);
      const total = parts.reduce((s, v) => s + v.offsets[v.length] - v.offsets[0], 0);
      const data = new Uint8Array(total);
      let row = 0;
      let at = 0;
      for (const v of parts) {
        const base = v.offsets[0];
        const end = v.offsets[v.length];
        data.set(v.data.subarray(base, end), at);
        for (let i = 1; i <= v.length; i++) offsets[row + i] = at + v.offsets[i] - base;
        row += v.length;
        at += end - base;
      }
      return { ...first, length: n, valid, offsets, data };
    }
    case "decimal": {
      const values: bigint[] = [];
      for (const v of vs) if (v.kind === "decimal") for (const x of v.values) values.push(x);
      return { ...first, length: n, valid, values };
    }
    case "null":
      return { ...first, length: n };
    case "struct": {
      const children = first.children.map((_, ci) => concat(vs.map((v) => (v as typeof first).children[ci])));
      return { ...first, length: n, valid, children };
    }
    case "list":
    case "map": {
      const offsets = new Int32Array(n + 1);
      let row = 0;
      let base = 0;
      for (const v of vs as readonly (typeof first)[]) {
        const o0 = v.offsets[0];
        for (let i = 1; i <= v.length; i++) offsets[row + i] = base + v.offsets[i] - o0;
        row += v.length;
        base += v.offsets[v.length] - o0;
      }
      const sub = (v: typeof first, c: Vector) => slice(c, v.offsets[0], v.offsets[v.length]);
      if (first.kind === "list") {
        const lists = vs as readonly (typeof first)[];
        return { ...first, length: n, valid, offsets, child: concat(lists.map((v) => sub(v, v.child))) };
      }
      const maps = vs as readonly (typeof first)[];
      return {
        ...first,
        length: n,
        valid,
        offsets,
        keys: concat(maps.map((v) => sub(v, (v as typeof first & { keys: Vector }).keys))),
        items: concat(maps.map((v) => sub(v, (v as typeof first & { items: Vector }).items))),
      };
    }
  }
}

/** Concatenates batches with the same schema; `schema` is used when `batches` is empty. */
export function concatBatches(schema: StructType, batches: readonly Batch[]): Batch {
  const nonEmpty = batches.filter((b) => b.numRows > 0);
  if (nonEmpty.length === 0) {
    return makeBatch(schema, schema.fields.map((f) => nullVector(f.dataType, 0)), 0);
  }
  if (nonEmpty.length === 1) return nonEmpty[0];
  const n = nonEmpty.reduce((s, b) => s + b.numRows, 0);
  return makeBatch(schema, schema.fields.map((_, i) => concat(nonEmpty.map((b) => b.columns[i]))), n);
}
