/**
 * Hash join: the right input is the build side, collected whole for each micro-batch (or once for
 * a batch query); the left input streams through it chunk by chunk. Every step is columnar:
 * build keys are encoded into a byte hash table (`KeyCodec` + `BytesHashTable`, so a key is
 * compared as Spark compares grouping keys: NaN equals NaN, -0.0 equals 0.0), the rows of each key
 * are chained by two `Int32Array`s, and a probe chunk becomes two selection vectors (left row,
 * right row) that gather the output columns. No per-row objects.
 *
 * Without equality keys (a cross join or a condition such as `a < b`) every pair is a candidate
 * (a nested-loop join). The residual condition is then evaluated over the candidate pairs' batch.
 *
 * Outer rows: a left row without a surviving pair is emitted with nulls on the right (left and
 * full joins); right rows never matched are emitted with nulls on the left at `finish()` (right
 * and full joins). Semi and anti joins emit each left row at most once.
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { concatBatches, take } from "../../columnar/ops.js";
import type { Vector } from "../../columnar/vector.js";
import { nullVector } from "../../columnar/build.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { hashKey } from "../../columnar/murmur3.js";
import type { StructType } from "../../types/data-types.js";
import type { JoinType } from "../../plan/logical.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import { compileExpr, type Evaluator } from "../eval/compile.js";
import type { BatchContext, Operator } from "../operator.js";
import { InternalError } from "../../errors.js";

export interface HashJoinSpec {
  readonly joinType: JoinType;
  readonly leftSchema: StructType;
  readonly rightSchema: StructType;
  /** What the operator emits: left ++ right columns (left only for semi/anti joins). */
  readonly pairSchema: StructType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly nullSafe: readonly boolean[];
  /** Over left ++ right columns; null when every key match is a match. */
  readonly residual: BoundExpr | null;
}

/** Pairs per candidate chunk of a nested-loop join, bounding memory for big cross products. */
const MAX_PAIRS = 1 << 16;

export class HashJoinOperator implements Operator {
  readonly schema: StructType;
  private readonly spec: HashJoinSpec;
  private readonly leftKeyEvals: readonly Evaluator[];
  private readonly rightKeyEvals: readonly Evaluator[];
  private readonly residual: Evaluator | null;
  private readonly candidateSchema: StructType;
  private ctx: BatchContext | undefined = undefined;
  private buildChunks: Batch[] = [];
  private build: Batch | null = null;
  private table = new BytesHashTable(16);
  /** First and last build row of key id, and the next row of the same key (-1 ends a chain). */
  private head = new Int32Array(0);
  private tail = new Int32Array(0);
  private next = new Int32Array(0);
  /** Right join / full join: build rows that found a partner. */
  private matched = new Uint8Array(0);
  private codec: KeyCodec;
  private probeLeft = new Int32Array(1024);
  private probeRight = new Int32Array(1024);

  constructor(spec: HashJoinSpec) {
    this.spec = spec;
    this.schema = spec.pairSchema;
    this.leftKeyEvals = spec.leftKeys.map((k) => compileExpr(k));
    this.rightKeyEvals = spec.rightKeys.map((k) => compileExpr(k));
    this.residual = spec.residual === null ? null : compileExpr(spec.residual);
    this.candidateSchema = { ...spec.leftSchema, fields: [...spec.leftSchema.fields, ...spec.rightSchema.fields] };
    this.codec = new KeyCodec(
      spec.leftKeys.map((k) => k.dataType),
      "join",
    );
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.buildChunks = [];
    this.build = null;
  }

  /** Adds a chunk of the right (build) input; call {@link endBuild} after the last. */
  addBuild(batch: Batch): void {
    if (batch.numRows > 0) this.buildChunks.push(batch);
  }

  /** Indexes the collected build rows by key. Must run before the first `process`. */
  endBuild(): void {
    const build = concatBatches(this.spec.rightSchema, this.buildChunks);
    this.buildChunks = [];
    this.build = build;
    const n = build.numRows;
    this.matched = new Uint8Array(n);
    this.next = new Int32Array(n).fill(-1);
    this.table = new BytesHashTable(Math.max(16, n));
    this.head = new Int32Array(Math.max(16, n)).fill(-1);
    this.tail = new Int32Array(Math.max(16, n)).fill(-1);
    if (this.rightKeyEvals.length === 0 || n === 0) return;
    const keys = this.rightKeyEvals.map((ev) => ev(build, this.ctx));
    const skip = nullKeyRows(keys, this.spec.nullSafe, n);
    const codec = this.codec;
    codec.bind(keys);
    const table = this.table;
    for (let j = 0; j < n; j++) {
      if (skip !== null && skip[j] === 1) continue;
      const len = codec.encode(j);
      const key = codec.scratch;
      const id = table.findOrInsert(key, 0, len, hashKey(key, 0, len));
      if (this.tail[id] < 0) this.head[id] = j;
      else this.next[this.tail[id]] = j;
      this.tail[id] = j;
    }
  }

  process(probe: Batch): Batch | null {
    const build = this.build;
    if (build === null) throw new InternalError("join: process called before endBuild");
    const n = probe.numRows;
    if (n === 0) return null;
    const out: Batch[] = [];
    if (this.leftKeyEvals.length === 0) {
      // Nested loop over the build side, in chunks of at most MAX_PAIRS candidate pairs.
      const m = build.numRows;
      const rowsPerChunk = Math.max(1, Math.floor(MAX_PAIRS / Math.max(1, m)));
      const survivors = new Uint8Array(n);
      for (let start = 0; start < n; start += rowsPerChunk) {
        const end = Math.min(n, start + rowsPerChunk);
        let k = 0;
        this.reservePairs((end - start) * m);
        for (let i = start; i < end; i++) {
          for (let j = 0; j < m; j++) {
            this.probeLeft[k] = i;
            this.probeRight[k] = j;
            k++;
          }
        }
        const b = this.emitPairs(probe, k, survivors);
        if (b !== null) out.push(b);
      }
      const rest = this.unmatchedLeft(probe, survivors);
      if (rest !== null) out.push(rest);
      return concatOut(this.schema, out);
    }
    const keys = this.leftKeyEvals.map((ev) => ev(probe, this.ctx));
    const skip = nullKeyRows(keys, this.spec.nullSafe, n);
    const codec = this.codec;
    codec.bind(keys);
    const table = this.table;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (skip !== null && skip[i] === 1) continue;
      const len = codec.encode(i);
      const key = codec.scratch;
      const id = table.find(key, 0, len, hashKey(key, 0, len));
      if (id < 0) continue;
      for (let j = this.head[id]; j >= 0; j = this.next[j]) {
        if (k === this.probeLeft.length) this.reservePairs(k + 1);
        this.probeLeft[k] = i;
        this.probeRight[k] = j;
        k++;
      }
    }
    const survivors = new Uint8Array(n);
    const b = this.emitPairs(probe, k, survivors);
    if (b !== null) out.push(b);
    const rest = this.unmatchedLeft(probe, survivors);
    if (rest !== null) out.push(rest);
    return concatOut(this.schema, out);
  }

  /** Right and full joins: the build rows no left row matched, with nulls on the left. */
  finish(): Batch[] {
    const jt = this.spec.joinType;
    const build = this.build;
    if (build === null || (jt !== "right" && jt !== "full")) return [];
    const idx: number[] = [];
    for (let j = 0; j < build.numRows; j++) if (this.matched[j] === 0) idx.push(j);
    if (idx.length === 0) return [];
    const sel = Int32Array.from(idx);
    const leftCols = this.spec.leftSchema.fields.map((f) => nullVector(f.dataType, sel.length));
    const rightCols = build.columns.map((c) => take(c, sel));
    return [makeBatch(this.schema, [...leftCols, ...rightCols], sel.length)];
  }

  /**
   * Filters the first `k` candidate pairs by the residual, marks survivors (per left row, and per
   * right row for right/full joins) and returns the output rows the pairs give (null for none).
   */
  private emitPairs(probe: Batch, k: number, survivors: Uint8Array): Batch | null {
    const build = this.build as Batch;
    if (k === 0) return null;
    let li: Int32Array = this.probeLeft.subarray(0, k);
    let ri: Int32Array = this.probeRight.subarray(0, k);
    const gather = (l: Int32Array, r: Int32Array): Vector[] => [...probe.columns.map((c) => take(c, l)), ...build.columns.map((c) => take(c, r))];
    let pairs: Vector[] | null = null;
    if (this.residual !== null) {
      const candidates = makeBatch(this.candidateSchema, gather(li, ri), k);
      const keep = this.residual(candidates, this.ctx);
      const sel: number[] = [];
      for (let p = 0; p < k; p++) if (keep.kind === "bool" && keep.values[p] === 1 && (keep.valid === null || keep.valid[p] === 1)) sel.push(p);
      if (sel.length === 0) return null;
      if (sel.length < k) {
        const s = Int32Array.from(sel);
        li = gatherInts(li, s);
        ri = gatherInts(ri, s);
      } else {
        pairs = candidates.columns as Vector[];
      }
    }
    for (let p = 0; p < li.length; p++) survivors[li[p]] = 1;
    const jt = this.spec.joinType;
    if (jt === "right" || jt === "full") for (let p = 0; p < ri.length; p++) this.matched[ri[p]] = 1;
    if (jt === "left_semi") {
      const rows: number[] = [];
      let last = -1;
      for (let p = 0; p < li.length; p++) if (li[p] !== last) rows.push((last = li[p]));
      const uniq = Int32Array.from(rows);
      return makeBatch(this.schema, probe.columns.map((c) => take(c, uniq)), uniq.length);
    }
    if (jt === "left_anti") return null;
    const cols = pairs ?? gather(li, ri);
    return makeBatch(this.schema, cols, li.length);
  }

  /** Left rows without a surviving pair: nulls on the right (left/full), or the row itself (anti). */
  private unmatchedLeft(probe: Batch, survivors: Uint8Array): Batch | null {
    const jt = this.spec.joinType;
    if (jt !== "left" && jt !== "full" && jt !== "left_anti") return null;
    const idx: number[] = [];
    for (let i = 0; i < probe.numRows; i++) if (survivors[i] === 0) idx.push(i);
    if (idx.length === 0) return null;
    const sel = Int32Array.from(idx);
    const leftCols = probe.columns.map((c) => take(c, sel));
    if (jt === "left_anti") return makeBatch(this.schema, leftCols, sel.length);
    const rightCols = this.spec.rightSchema.fields.map((f) => nullVector(f.dataType, sel.length));
    return makeBatch(this.schema, [...leftCols, ...rightCols], sel.length);
  }

  private reservePairs(n: number): void {
    if (this.probeLeft.length >= n) return;
    let cap = this.probeLeft.length * 2;
    while (cap < n) cap *= 2;
    const l = new Int32Array(cap);
    l.set(this.probeLeft);
    const r = new Int32Array(cap);
    r.set(this.probeRight);
    this.probeLeft = l;
    this.probeRight = r;
  }
}

/** Rows where a key that is not null-safe is null (such a row matches nothing), or null if none. */
function nullKeyRows(keys: readonly Vector[], nullSafe: readonly boolean[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  keys.forEach((k, c) => {
    if (nullSafe[c] || k.valid === null) return;
    out ??= new Uint8Array(n);
    for (let i = 0; i < n; i++) if (k.valid[i] === 0) out[i] = 1;
  });
  return out;
}

function gatherInts(a: Int32Array, sel: Int32Array): Int32Array {
  const out = new Int32Array(sel.length);
  for (let i = 0; i < sel.length; i++) out[i] = a[sel[i]];
  return out;
}

function concatOut(schema: StructType, out: readonly Batch[]): Batch | null {
  if (out.length === 0) return null;
  return out.length === 1 ? out[0] : concatBatches(schema, out);
}
