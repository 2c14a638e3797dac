/**
 * Generate: runs a generator (`explode`, `posexplode`, `inline`, `stack`) over each input chunk.
 * Columnar: the generator's argument is evaluated once per chunk, then two selection vectors
 * (input row per output row, element per output row, -1 for an outer row's nulls) gather the
 * child's columns and the elements. No per-row objects.
 */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import { concat, take, takeOrNull } from "../columnar/ops.js";
import { nullVector } from "../columnar/build.js";
import type { Vector } from "../columnar/vector.js";
import { isValid } from "../columnar/vector.js";
import type { StructType } from "../types/data-types.js";
import type { BoundGenerator } from "../plan/generators.js";
import { compileExpr, type Evaluator } from "./eval/compile.js";
import type { BatchContext, Operator } from "./operator.js";

export class GenerateOperator implements Operator {
  readonly schema: StructType;
  private readonly generator: BoundGenerator;
  private readonly args: readonly Evaluator[];
  private ctx: BatchContext | undefined = undefined;

  constructor(schema: StructType, generator: BoundGenerator) {
    this.schema = schema;
    this.generator = generator;
    this.args = generator.args.map((a) => compileExpr(a));
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
  }

  process(batch: Batch): Batch | null {
    const g = this.generator;
    if (g.kind === "stack") return this.stack(batch);
    if (g.kind === "replicate") return this.replicate(batch);
    const input = this.args[0](batch, this.ctx);
    const n = batch.numRows;
    // Count output rows, then fill the selection vectors.
    const offsets = input.kind === "list" || input.kind === "map" ? input.offsets : null;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const len = offsets !== null && isValid(input, i) ? offsets[i + 1] - offsets[i] : 0;
      total += len > 0 ? len : g.outer ? 1 : 0;
    }
    if (total === 0) return null;
    const rowOf = new Int32Array(total);
    const elemOf = new Int32Array(total);
    const posOf = new Int32Array(total);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const len = offsets !== null && isValid(input, i) ? offsets[i + 1] - offsets[i] : 0;
      if (len === 0) {
        if (g.outer) {
          rowOf[k] = i;
          elemOf[k] = -1;
          posOf[k] = -1;
          k++;
        }
        continue;
      }
      const start = (offsets as Int32Array)[i];
      for (let e = 0; e < len; e++, k++) {
        rowOf[k] = i;
        elemOf[k] = start + e;
        posOf[k] = e;
      }
    }
    const out: Vector[] = batch.columns.map((c) => take(c, rowOf));
    const fields = this.schema.fields.slice(batch.columns.length);
    if (g.kind === "posexplode") out.push(intsWithNulls(posOf, fields[0].dataType));
    if (input.kind === "list") {
      if (g.kind === "inline") {
        const structs = takeOrNull(input.child, elemOf);
        if (structs.kind === "struct") {
          for (const c of structs.children) out.push(withNulls(c, combinedValidity(structs, total)));
        }
      } else {
        out.push(takeOrNull(input.child, elemOf));
      }
    } else if (input.kind === "map") {
      out.push(takeOrNull(input.keys, elemOf), takeOrNull(input.items, elemOf));
    } else {
      for (const f of fields.slice(g.kind === "posexplode" ? 1 : 0)) out.push(nullVector(f.dataType, total));
    }
    return makeBatch(this.schema, out, total);
  }

  /** Each row `n` times (the count column's value; none when null or ≤ 0). */
  private replicate(batch: Batch): Batch | null {
    const counts = this.args[0](batch, this.ctx);
    const n = batch.numRows;
    const times = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = isValid(counts, i) ? Number(counts.kind === "i64" ? counts.values[i] : counts.kind === "i32" ? counts.values[i] : 0) : 0;
      times[i] = c > 0 ? c : 0;
      total += times[i];
    }
    if (total === 0) return null;
    const rowOf = new Int32Array(total);
    for (let i = 0, k = 0; i < n; i++) for (let r = 0; r < times[i]; r++) rowOf[k++] = i;
    return makeBatch(this.schema, batch.columns.map((c) => take(c, rowOf)), total);
  }

  /** stack(n, v0, v1, …): row r of each input row takes columns `v[r * width .. r * width + width)`. */
  private stack(batch: Batch): Batch | null {
    const values = this.args.slice(1).map((ev) => ev(batch, this.ctx));
    const rows = (this.generator.args[0] as { value: number }).value;
    const width = this.generator.fields.length;
    const n = batch.numRows;
    if (n === 0) return null;
    const total = n * rows;
    const rowOf = new Int32Array(total);
    for (let i = 0, k = 0; i < n; i++) for (let r = 0; r < rows; r++) rowOf[k++] = i;
    const out: Vector[] = batch.columns.map((c) => take(c, rowOf));
    this.generator.fields.forEach((f, c) => {
      // Concatenate the candidates of column c (one per stacked row, null where missing), then
      // gather row i's r-th candidate at position r * n + i.
      const parts: Vector[] = [];
      for (let r = 0; r < rows; r++) parts.push(values[r * width + c] ?? nullVector(f.dataType, n));
      const all = concat(parts);
      const idx = new Int32Array(total);
      for (let i = 0, k = 0; i < n; i++) for (let r = 0; r < rows; r++) idx[k++] = r * n + i;
      out.push(take(all, idx));
    });
    return makeBatch(this.schema, out, total);
  }
}

/** A struct's validity as a mask (all valid → null). */
function combinedValidity(v: Vector, n: number): Uint8Array | null {
  if (v.valid === null) return null;
  return v.valid.length === n ? v.valid : v.valid.slice(0, n);
}

/** `v` with slots that are null in `mask` made null too. */
function withNulls(v: Vector, mask: Uint8Array | null): Vector {
  if (mask === null) return v;
  const valid = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) valid[i] = mask[i] === 1 && (v.valid === null || v.valid[i] === 1) ? 1 : 0;
  return { ...v, valid } as Vector;
}

/** An int vector from `values`, null where a value is -1 (posexplode_outer's missing position). */
function intsWithNulls(values: Int32Array, type: StructType["fields"][number]["dataType"]): Vector {
  let valid: Uint8Array | null = null;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) {
      valid ??= new Uint8Array(values.length).fill(1);
      valid[i] = 0;
      values[i] = 0;
    }
  }
  return { kind: "i32", type, length: values.length, valid, values };
}
