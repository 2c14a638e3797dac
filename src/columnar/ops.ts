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

/** Gathers `indices` (a selection vector) from `v`. */
export function take(v: Vector, indices: Int32Array): Vector {
  const n = indices.length;
  const valid = takeMask(v.valid, indices);
  switch (v.kind) {
    case "i64": {
      const out = new BigInt64Array(n);
      const src = v.values;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
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
  let at = 0;
  let i = 0;
  while (i < n) {
    // Copy runs of consecutive source rows at once: selections from filters are mostly runs.
    const j = indices[i];
    let k = i + 1;
    while (k < n && indices[k] === indices[k - 1] + 1) k++;
    const s = so[j];
    const e = so[indices[k - 1] + 1];
    if (e - s < 32) {
      for (let b = s; b < e; b++) data[at++] = src[b];
    } else {
      srcBuf.copy(dstBuf, at, s, e);
      at += e - s;
    }
    i = k;
  }
  return { ...v, length: n, valid, offsets, data };
}

/** Rows `[start, end)` of `v`. */
export function slice(v: Vector, start: number, end: number): Vector {
  if (start === 0 && end === v.length) return v;
  const idx = new Int32Array(end - start);
  for (let i = 0; i < idx.length; i++) idx[i] = start + i;
  return take(v, idx);
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
