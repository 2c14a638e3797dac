/**
 * Record shredding (Dremel): turns a nested top-level vector into one leaf column's definition
 * levels, repetition levels and the positions of present values in the leaf vector.
 *
 * Flat columns never come here: the column writer reads their validity mask directly.
 */
import { SinkError } from "../../errors.js";
import type { Vector } from "../../columnar/vector.js";
import type { LeafColumn, PathStep } from "./write-schema.js";

/** One leaf's levels for a range of top-level rows. */
export interface Shredded {
  /** Definition level per level entry. */
  readonly defs: Uint8Array;
  /** Repetition level per level entry. */
  readonly reps: Uint8Array;
  readonly levelCount: number;
  /** Positions in `leaf` of the present values, in level order. */
  readonly indices: Int32Array;
  readonly valueCount: number;
  /** `rowStarts[r]` is the first level entry of row `start + r`; `rows + 1` entries. */
  readonly rowStarts: Int32Array;
  /** The leaf vector the indices point into. */
  readonly leaf: Vector;
}

/** The vector holding a leaf's values: the top-level vector followed down `steps`. */
export function leafVector(top: Vector, steps: readonly PathStep[], column: string): Vector {
  let v = top;
  for (const s of steps) v = childAt(v, s, column);
  return v;
}

function childAt(v: Vector, s: PathStep, column: string): Vector {
  if (s.kind === "struct" && v.kind === "struct") return v.children[s.field];
  if (s.kind === "list" && v.kind === "list") return v.child;
  if (s.kind === "mapKey" && v.kind === "map") return v.keys;
  if (s.kind === "mapValue" && v.kind === "map") return v.items;
  if (v.kind === "null") return v;
  throw new SinkError(`parquet writer: column '${column}' expected a ${s.kind} vector, got ${v.kind}`);
}

/** Shreds rows `[start, end)` of `top` for `leaf`. */
export function shred(leaf: LeafColumn, top: Vector, start: number, end: number): Shredded {
  const s = new Shredder(leaf);
  const rows = end - start;
  const rowStarts = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) {
    rowStarts[r] = s.count;
    s.visit(top, start + r, 0, 0, 0);
  }
  rowStarts[rows] = s.count;
  return {
    defs: s.defs.subarray(0, s.count),
    reps: s.reps.subarray(0, s.count),
    levelCount: s.count,
    indices: s.indices.subarray(0, s.valueCount),
    valueCount: s.valueCount,
    rowStarts,
    leaf: s.leaf ?? leafVector(top, leaf.steps, leaf.dotted),
  };
}

class Shredder {
  defs: Uint8Array = new Uint8Array(256);
  reps: Uint8Array = new Uint8Array(256);
  indices = new Int32Array(256);
  count = 0;
  valueCount = 0;
  leaf: Vector | null = null;
  private readonly steps: readonly PathStep[];
  private readonly nullable: boolean[];
  private readonly repDepth: number[];
  private readonly column: string;

  constructor(leaf: LeafColumn) {
    this.steps = leaf.steps;
    this.column = leaf.dotted;
    this.nullable = [leaf.topNullable];
    this.repDepth = [];
    let depth = 0;
    for (const st of leaf.steps) {
      if (st.kind === "list" || st.kind === "mapKey" || st.kind === "mapValue") depth++;
      this.repDepth.push(depth);
      this.nullable.push(
        st.kind === "struct" ? st.nullable : st.kind === "list" ? st.elementNullable : st.kind === "mapValue" ? st.valueNullable : false,
      );
    }
  }

  visit(v: Vector, idx: number, s: number, def: number, rep: number): void {
    const nullable = this.nullable[s];
    if (v.kind === "null" || (v.valid !== null && v.valid[idx] === 0)) {
      if (!nullable) {
        throw new SinkError(`parquet writer: column '${this.column}' is not nullable but holds a null at nesting level ${s}`);
      }
      this.emit(def, rep, -1);
      return;
    }
    const d = nullable ? def + 1 : def;
    if (s === this.steps.length) {
      this.leaf = v;
      this.emit(d, rep, idx);
      return;
    }
    const st = this.steps[s];
    if (st.kind === "struct") {
      if (v.kind !== "struct") throw this.mismatch(v, st);
      this.visit(v.children[st.field], idx, s + 1, d, rep);
      return;
    }
    let offsets: Int32Array;
    let child: Vector;
    if (st.kind === "list") {
      if (v.kind !== "list") throw this.mismatch(v, st);
      offsets = v.offsets;
      child = v.child;
    } else {
      if (v.kind !== "map") throw this.mismatch(v, st);
      offsets = v.offsets;
      child = st.kind === "mapKey" ? v.keys : v.items;
    }
    const o0 = offsets[idx];
    const o1 = offsets[idx + 1];
    if (o0 === o1) {
      this.emit(d, rep, -1);
      return;
    }
    const inner = this.repDepth[s];
    for (let j = o0; j < o1; j++) this.visit(child, j, s + 1, d + 1, j === o0 ? rep : inner);
  }

  private mismatch(v: Vector, st: PathStep): SinkError {
    return new SinkError(`parquet writer: column '${this.column}' expected a ${st.kind} vector, got ${v.kind}`);
  }

  private emit(def: number, rep: number, idx: number): void {
    if (this.count === this.defs.length) {
      this.defs = grow8(this.defs);
      this.reps = grow8(this.reps);
    }
    this.defs[this.count] = def;
    this.reps[this.count] = rep;
    this.count++;
    if (idx >= 0) {
      if (this.valueCount === this.indices.length) {
        const n = new Int32Array(this.indices.length * 2);
        n.set(this.indices);
        this.indices = n;
      }
      this.indices[this.valueCount++] = idx;
    }
  }
}

function grow8(a: Uint8Array): Uint8Array {
  const n = new Uint8Array(a.length * 2);
  n.set(a);
  return n;
}
