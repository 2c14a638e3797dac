/**
 * A stream–stream inner join (Spark's StreamingSymmetricHashJoinExec, inner joins): each side's
 * rows are kept in state by join key, and every micro-batch
 * 1. joins the left side's new rows with the right side's state (rows of earlier batches),
 * 2. adds them to the left state,
 * 3. joins the right side's new rows with the left state (which now holds this batch's left rows
 *    too, so a pair of two new rows is emitted once, here),
 * 4. adds them to the right state.
 * Candidate pairs share the equi-join keys (compared as grouping keys: a null key matches nothing
 * unless the key is null-safe, `<=>`); the rest of the condition is evaluated over the pairs.
 *
 * Watermarks, as Spark's StreamingSymmetricHashJoinExec uses them:
 * - each side's input rows whose event time (that side's watermarked column) is at or below the
 *   previous batch's watermark are late and dropped;
 * - when a join key is a watermarked event time (a timestamp, or a window: its end), a row whose
 *   key time is at or below this batch's watermark still joins but is not kept, and after the
 *   batch every kept key at or below it is evicted from both sides;
 * - otherwise state is never evicted (the time-range conditions Spark derives a cleanup from need
 *   interval arithmetic, not built yet): it grows with the input, and the progress says so
 *   (`customMetrics.stateGrowsWithoutBound`).
 * Each side's state value is the key's event time (8 bytes, only with an event-time key), then
 * the list of its rows with that key, encoded with the key codec.
 *
 * Outer and semi joins (Spark's state format 2): a side whose unmatched rows are output keeps a
 * `matched` flag per row, set when a pair with it passes the condition. Left/right/full outer
 * joins output a row of the outer side null-padded when it leaves the state unmatched (the
 * watermark passed it), or at once when it is never kept (its key time is already at or below the
 * watermark, or a key that is not null-safe is null). A left semi join outputs a left row once,
 * on its first match (from the new left rows, or from new right rows matching the left state).
 * Analysis (`checkStreamingJoin`, as Spark's UnsupportedOperationChecker) asks that the outer
 * (left, for semi) side be evicted by the watermark, or its state would grow and its outer rows
 * never come.
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { concatBatches, take, takeBatch } from "../../columnar/ops.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { hashKey } from "../../columnar/murmur3.js";
import { InternalError } from "../../errors.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { StateLocation, StateStoreOptions, StateValueCodec } from "../../state/state-store.js";
import { StateStore } from "../../state/state-store.js";
import type { StructType } from "../../types/data-types.js";
import { shapeString } from "../../types/print-schema.js";
import { compileExpr, type Evaluator } from "../eval/compile.js";
import type { HashJoinSpec } from "./hash-join.js";
import type { JoinType } from "../../plan/logical.js";
import { unmatchedOutputSides } from "../../plan/join-state-watermark.js";
import { nullVector } from "../../columnar/build.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "../operator.js";
import { stateOperatorMetrics } from "../operator.js";
import { eventTimeVector, notLateRows } from "../event-time.js";

/** The join's shape (keys, residual, schemas) as a hash join's, plus its state and watermarks. */
export interface StreamStreamJoinOptions extends Omit<HashJoinSpec, "joinType"> {
  /** inner (the default), left, right, full or left_semi. */
  readonly joinType?: JoinType;
  /** Where each side's rows persist (`state/<op>/left/`, `…/right/`); null for both in a batch query. */
  readonly state: { readonly left: StateLocation; readonly right: StateLocation } | null;
  readonly operatorId: number;
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
  /** Per side, the ordinal of its watermarked event-time column (late rows are dropped by it), or null. */
  readonly eventTime?: { readonly left: number | null; readonly right: number | null };
  /** The index of the join key that is a watermarked event time (state is evicted by it), or null. */
  readonly keyTimeIndex?: number | null;
  /**
   * Without an event-time key: per side, its state watermark (ms) from a time-range condition
   * given the query's watermark (`plan/join-state-watermark.ts`), or null when nothing bounds it.
   * Rows at or below it leave that side's state, by the side's event-time column.
   */
  readonly stateValueWatermark?: { readonly left: ((watermarkMs: number) => number) | null; readonly right: ((watermarkMs: number) => number) | null };
}

/** The event time of a key with none (a null key time): never evicted. */
const NEVER = 0x7fffffffffffffffn;



/** One side's rows by join key. */
class JoinSide {
  readonly store: StateStore;
  readonly keyCodec: KeyCodec;
  readonly rowCodec: KeyCodec;
  readonly keys: readonly Evaluator[];
  rows: (Uint8Array[] | undefined)[] = [];
  /** Per key id, each row's event time (µs), parallel to `rows`, when rows are evicted by value. */
  rowTimes: (bigint[] | undefined)[] = [];
  /** Per key id, its event time (µs), when a join key is an event time. */
  keyTimes = new BigInt64Array(0);
  /** Per key id, each row's `matched` flag, parallel to `rows`, when the side tracks matches. */
  matched: (Uint8Array | undefined)[] = [];

  constructor(
    readonly schema: StructType,
    keyExprs: readonly BoundExpr[],
    location: StateLocation | null,
    name: string,
    options: StreamStreamJoinOptions,
    private readonly keyTimeIndex: number | null,
    /** The side's event-time column when its rows are evicted by value (a time-range condition), else null. */
    private readonly valueTimeOrdinal: number | null,
    /** Whether each row keeps a `matched` flag (the side's unmatched rows are output: outer, semi). */
    readonly tracksMatches = false,
  ) {
    this.keys = keyExprs.map((k) => compileExpr(k));
    this.keyCodec = new KeyCodec(
      keyExprs.map((k) => k.dataType),
      name,
    );
    this.rowCodec = new KeyCodec(
      schema.fields.map((f) => f.dataType),
      name,
    );
    const codec: StateValueCodec = {
      writeValue: (id, out: ByteWriter) => {
        const list = this.rows[id] ?? [];
        if (this.keyTimeIndex !== null) out.i64(this.keyTimes[id] ?? NEVER);
        out.u32(list.length);
        const times = this.rowTimes[id];
        const flags = this.matched[id];
        list.forEach((r, k) => {
          if (this.valueTimeOrdinal !== null) out.i64(times?.[k] ?? NEVER);
          if (this.tracksMatches) out.u8(flags?.[k] ?? 0);
          out.lenBytes(r);
        });
      },
      readValue: (id, input: ByteReader) => {
        if (this.keyTimeIndex !== null) {
          this.growKeyTimes(id + 1);
          this.keyTimes[id] = input.i64();
        }
        const n = input.u32();
        const list: Uint8Array[] = [];
        const times: bigint[] = [];
        const flags = this.tracksMatches ? new Uint8Array(n) : undefined;
        for (let k = 0; k < n; k++) {
          if (this.valueTimeOrdinal !== null) times.push(input.i64());
          if (flags !== undefined) flags[k] = input.u8();
          const [s, e] = input.lenRange();
          list.push(input.data.slice(s, e));
        }
        this.rows[id] = list;
        if (this.valueTimeOrdinal !== null) this.rowTimes[id] = times;
        this.matched[id] = flags;
      },
      reset: () => {
        this.rows = [];
        this.rowTimes = [];
        this.matched = [];
        this.keyTimes = new BigInt64Array(0);
      },
    };
    const value = `${keyTimeIndex === null ? "" : "keyTime, "}${valueTimeOrdinal === null ? "" : "rowTime, "}${tracksMatches ? "matched, " : ""}${schema.fields.map((f) => shapeString(f.dataType)).join(", ")}`;
    const schemaOf = { operator: "streamStreamJoin", key: keyExprs.map((k) => shapeString(k.dataType)).join(", "), value };
    this.store = new StateStore(location, codec, { ...options.stateOptions, operator: name, schema: schemaOf });
  }

  /** The key vectors of a batch of this side's rows. */
  keyVectors(batch: Batch): Vector[] {
    return this.keys.map((k) => k(batch));
  }

  /**
   * Adds the batch's rows to the state under their keys, with their `matched` flags when the side
   * tracks them. Not kept: rows with a null key that is not null-safe (they never match), and rows
   * whose key time is at or below `evictAt` (µs); returns those rows' positions.
   */
  add(batch: Batch, nullSafe: readonly boolean[], evictAt: bigint | null, valueEvictAt: bigint | null, matched: Uint8Array | null = null): number[] {
    const notKept: number[] = [];
    const keys = this.keyVectors(batch);
    const times = this.keyTimeIndex === null ? null : eventTimeVector(keys[this.keyTimeIndex], "stream-stream join");
    const rowTimes = this.valueTimeOrdinal === null ? null : eventTimeVector(batch.columns[this.valueTimeOrdinal], "stream-stream join");
    this.keyCodec.bind(keys);
    this.rowCodec.bind(batch.columns);
    const table = this.store.keys;
    for (let i = 0; i < batch.numRows; i++) {
      const time = times === null || !isValid(times, i) ? NEVER : times.values[i];
      const rowTime = rowTimes === null || !isValid(rowTimes, i) ? NEVER : rowTimes.values[i];
      if (
        keys.some((k, c) => !nullSafe[c] && !isValid(k, i)) ||
        (times !== null && evictAt !== null && time <= evictAt) ||
        (rowTimes !== null && valueEvictAt !== null && rowTime <= valueEvictAt)
      ) {
        notKept.push(i);
        continue;
      }
      const klen = this.keyCodec.encode(i);
      const id = table.findOrInsert(this.keyCodec.scratch, 0, klen, hashKey(this.keyCodec.scratch, 0, klen));
      const rlen = this.rowCodec.encode(i);
      const list = (this.rows[id] ??= []);
      list.push(this.rowCodec.scratch.slice(0, rlen));
      if (this.tracksMatches) this.setFlag(id, list.length - 1, matched?.[i] ?? 0);
      if (rowTimes !== null) (this.rowTimes[id] ??= []).push(rowTime);
      if (times !== null) {
        this.growKeyTimes(id + 1);
        this.keyTimes[id] = time;
      }
      this.store.markUpdated(id);
    }
    return notKept;
  }

  /** Sets the `matched` flag of row `k` of key `id`, growing the key's flags as rows are added. */
  setFlag(id: number, k: number, value: number): void {
    let flags = this.matched[id];
    if (flags === undefined || flags.length <= k) {
      const grown = new Uint8Array(Math.max(k + 1, (flags?.length ?? 0) * 2, 4));
      if (flags !== undefined) grown.set(flags);
      this.matched[id] = flags = grown;
    }
    flags[k] = value;
  }

  /** The rows of key `id` at positions `keep`, with their times and flags; the rest are returned when unmatched. */
  private retain(id: number, keep: readonly number[], unmatchedOut: Uint8Array[]): void {
    const rows = this.rows[id] ?? [];
    const flags = this.matched[id];
    if (this.tracksMatches) {
      const kept = new Set(keep);
      rows.forEach((r, k) => {
        if (!kept.has(k) && (flags?.[k] ?? 0) === 0) unmatchedOut.push(r);
      });
    }
    if (keep.length === 0) {
      this.store.remove(id);
      this.rows[id] = undefined;
      this.rowTimes[id] = undefined;
      this.matched[id] = undefined;
      return;
    }
    const times = this.rowTimes[id];
    this.rows[id] = keep.map((k) => rows[k]);
    if (times !== undefined) this.rowTimes[id] = keep.map((k) => times[k]);
    if (flags !== undefined) this.matched[id] = Uint8Array.from(keep, (k) => flags[k]);
    this.store.markUpdated(id);
  }

  /**
   * Removes every row whose event time is at or below `evictAt` (µs); keys left empty go. Returns
   * the removed rows that never matched (always empty unless the side tracks matches).
   */
  evictRows(evictAt: bigint): Uint8Array[] {
    const unmatched: Uint8Array[] = [];
    if (this.valueTimeOrdinal === null) return unmatched;
    const table = this.store.keys;
    for (let id = 0; id < table.idCount; id++) {
      const times = this.rowTimes[id];
      const rows = this.rows[id];
      if (!table.isLive(id) || times === undefined || rows === undefined || !times.some((t) => t <= evictAt)) continue;
      this.retain(
        id,
        times.flatMap((t, k) => (t > evictAt ? [k] : [])),
        unmatched,
      );
    }
    return unmatched;
  }

  /** Removes every key whose event time is at or below `evictAt` (µs); returns their rows that never matched. */
  evict(evictAt: bigint): Uint8Array[] {
    const unmatched: Uint8Array[] = [];
    if (this.keyTimeIndex === null) return unmatched;
    const table = this.store.keys;
    for (let id = 0; id < table.idCount; id++) {
      if (table.isLive(id) && (this.keyTimes[id] ?? NEVER) <= evictAt) this.retain(id, [], unmatched);
    }
    return unmatched;
  }

  private growKeyTimes(n: number): void {
    if (this.keyTimes.length >= n) return;
    const next = new BigInt64Array(Math.max(n, this.keyTimes.length * 2, 64));
    next.set(this.keyTimes);
    this.keyTimes = next;
  }

  get rowCount(): number {
    let n = 0;
    const table = this.store.keys;
    for (let id = 0; id < table.idCount; id++) if (table.isLive(id)) n += this.rows[id]?.length ?? 0;
    return n;
  }
}

/** The pairs a probe found: their columns (left then right), the probing rows, and the state rows (key id, index). */
interface Probed {
  readonly pairs: Batch;
  readonly probeRows: Int32Array;
  readonly stateIds: Int32Array;
  readonly stateIndexes: Int32Array;
}

export class StreamStreamJoinOperator implements Operator {
  readonly schema: StructType;
  private readonly joinType: JoinType;
  /** Left columns then right columns: the pairs the condition is evaluated over. */
  private readonly candidateSchema: StructType;
  private readonly left: JoinSide;
  private readonly right: JoinSide;
  private readonly residual: Evaluator | null;
  private readonly name: string;
  private ctx: BatchContext | null = null;
  private droppedByWatermark = 0;

  constructor(private readonly options: StreamStreamJoinOptions) {
    this.name = `stream-stream join (operator ${options.operatorId})`;
    this.schema = options.pairSchema;
    this.joinType = options.joinType ?? "inner";
    this.candidateSchema = { ...options.leftSchema, fields: [...options.leftSchema.fields, ...options.rightSchema.fields] };
    if (options.leftKeys.length === 0) throw new InternalError(`${this.name}: a stream-stream join needs equality keys`);
    options.leftKeys.forEach((k, i) => {
      if (shapeString(k.dataType) !== shapeString(options.rightKeys[i].dataType)) throw new InternalError(`${this.name}: key ${i} has different types on each side`);
    });
    const keyTime = this.options.keyTimeIndex ?? null;
    const byValue = (side: "left" | "right"): number | null => (keyTime === null && (options.stateValueWatermark?.[side] ?? null) !== null ? (options.eventTime?.[side] ?? null) : null);
    const jt = this.joinType;
    if (jt === "left_anti") throw new InternalError(`${this.name}: left anti joins are refused by analysis`);
    const outer = unmatchedOutputSides(jt);
    this.left = new JoinSide(options.leftSchema, options.leftKeys, options.state?.left ?? null, `${this.name} left`, options, keyTime, byValue("left"), outer.left);
    this.right = new JoinSide(options.rightSchema, options.rightKeys, options.state?.right ?? null, `${this.name} right`, options, keyTime, byValue("right"), outer.right);
    this.residual = options.residual === null ? null : compileExpr(options.residual);
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.droppedByWatermark = 0;
    for (const side of [this.left, this.right]) {
      if (this.options.state === null) await side.store.load(0);
      else if (side.store.version !== ctx.batchId || side.store.hasUncommittedChanges) await side.store.load(ctx.batchId);
    }
  }

  process(): Batch | null {
    throw new InternalError(`${this.name}: fed by joinBatch()`);
  }

  /** One micro-batch of both inputs: the joined pairs (see the file doc). */
  joinBatch(leftBatches: readonly Batch[], rightBatches: readonly Batch[]): Batch[] {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: joinBatch() before open()`);
    const streaming = this.options.state !== null;
    const l = this.dropLate(concatBatches(this.options.leftSchema, leftBatches), this.options.eventTime?.left ?? null, ctx);
    const r = this.dropLate(concatBatches(this.options.rightSchema, rightBatches), this.options.eventTime?.right ?? null, ctx);
    const evictAt = streaming && (this.options.keyTimeIndex ?? null) !== null ? BigInt(ctx.watermarkMs) * 1000n : null;
    const valueAt = (side: "left" | "right"): bigint | null => {
      const f = this.options.stateValueWatermark?.[side] ?? null;
      return !streaming || f === null || (this.options.keyTimeIndex ?? null) !== null ? null : BigInt(f(ctx.watermarkMs)) * 1000n;
    };
    const leftAt = valueAt("left");
    const rightAt = valueAt("right");
    const out: Batch[] = [];
    const semi = this.joinType === "left_semi";
    if (l.numRows > 0) {
      const probed = this.probe(l, this.left, this.right);
      const matched = new Uint8Array(l.numRows);
      if (probed !== null) {
        for (const i of probed.probeRows) matched[i] = 1;
        this.markState(this.right, probed);
        if (semi) out.push(takeBatch(l, Int32Array.from(new Set(probed.probeRows))));
        else out.push(probed.pairs);
      }
      const notKept = this.left.add(l, this.options.nullSafe, evictAt, leftAt, matched);
      if (this.left.tracksMatches && !semi) this.outerRows(out, takeBatch(l, Int32Array.from(notKept.filter((i) => matched[i] === 0))).columns, true);
    }
    if (r.numRows > 0) {
      const probed = this.probe(r, this.right, this.left);
      const matched = new Uint8Array(r.numRows);
      if (probed !== null) {
        for (const i of probed.probeRows) matched[i] = 1;
        // A semi join's left row is output on its first match only.
        const firstMatches = this.markState(this.left, probed);
        if (semi) {
          if (firstMatches.length > 0) out.push(makeBatch(this.schema, decodeRows(this.left.rowCodec, firstMatches), firstMatches.length));
        } else {
          out.push(probed.pairs);
        }
      }
      const notKept = this.right.add(r, this.options.nullSafe, evictAt, rightAt, matched);
      if (this.right.tracksMatches) this.outerRows(out, takeBatch(r, Int32Array.from(notKept.filter((i) => matched[i] === 0))).columns, false);
    }
    const leftGone: Uint8Array[] = [];
    const rightGone: Uint8Array[] = [];
    if (evictAt !== null) {
      leftGone.push(...this.left.evict(evictAt));
      rightGone.push(...this.right.evict(evictAt));
    }
    if (leftAt !== null) leftGone.push(...this.left.evictRows(leftAt));
    if (rightAt !== null) rightGone.push(...this.right.evictRows(rightAt));
    // Unmatched rows leaving the state: the outer rows of an outer join (dropped by a semi join).
    if (!semi && leftGone.length > 0) this.outerRows(out, decodeRows(this.left.rowCodec, leftGone), true);
    if (rightGone.length > 0) this.outerRows(out, decodeRows(this.right.rowCodec, rightGone), false);
    return out;
  }

  /** Appends `columns` (rows of one side) null-padded on the other side, when there are any rows. */
  private outerRows(out: Batch[], columns: readonly Vector[], leftSide: boolean): void {
    const n = columns[0]?.length ?? 0;
    if (n === 0) return;
    const other = (leftSide ? this.options.rightSchema : this.options.leftSchema).fields.map((f) => nullVector(f.dataType, n));
    out.push(makeBatch(this.schema, leftSide ? [...columns, ...other] : [...other, ...columns], n));
  }

  /**
   * Sets the `matched` flag of the state rows a probe paired (when `side` tracks them) and returns
   * those that had none before, once each.
   */
  private markState(side: JoinSide, probed: Probed): Uint8Array[] {
    const first: Uint8Array[] = [];
    if (!side.tracksMatches) return first;
    for (let p = 0; p < probed.stateIds.length; p++) {
      const id = probed.stateIds[p];
      const k = probed.stateIndexes[p];
      if ((side.matched[id]?.[k] ?? 0) === 1) continue;
      side.setFlag(id, k, 1);
      side.store.markUpdated(id);
      const row = side.rows[id]?.[k];
      if (row !== undefined) first.push(row);
    }
    return first;
  }

  /** A moved watermark evicts keyed state: Spark runs a batch for it even without new input. */
  shouldRunAnotherBatch(newWatermarkMs: number): boolean {
    return this.options.state !== null && this.bounded && this.ctx !== null && newWatermarkMs > this.ctx.watermarkMs;
  }

  /** Whether the watermark evicts state: by an event-time key, or by value on both sides. */
  private get bounded(): boolean {
    if ((this.options.keyTimeIndex ?? null) !== null) return true;
    const v = this.options.stateValueWatermark;
    return v !== undefined && v.left !== null && v.right !== null;
  }

  /** A side's rows without those at or below the previous batch's watermark (by its event-time column). */
  private dropLate(batch: Batch, ordinal: number | null, ctx: BatchContext): Batch {
    if (ordinal === null || this.options.state === null || batch.numRows === 0) return batch;
    const keep = notLateRows(eventTimeVector(batch.columns[ordinal], this.name), batch.numRows, ctx.lateEventsWatermarkMs);
    if (keep === null) return batch;
    this.droppedByWatermark += batch.numRows - keep.length;
    return takeBatch(batch, keep);
  }

  async commit(): Promise<void> {
    await this.left.store.commit();
    await this.right.store.commit();
  }

  stateMetrics(): StateOperatorMetrics {
    const a = this.left.store.metrics();
    const b = this.right.store.metrics();
    const m = {
      numRowsTotal: this.left.rowCount + this.right.rowCount,
      numRowsUpdated: a.numRowsUpdated + b.numRowsUpdated,
      numRowsRemoved: a.numRowsRemoved + b.numRowsRemoved,
      memoryUsedBytes: a.memoryUsedBytes + b.memoryUsedBytes,
      commitTimeMs: a.commitTimeMs + b.commitTimeMs,
    };
    return stateOperatorMetrics("symmetricHashJoin", m, this.droppedByWatermark, this.bounded ? {} : { stateGrowsWithoutBound: 1 });
  }

  /**
   * New rows of `side` against the state of `other`: the pairs (left columns, then right) whose
   * keys match and that pass the residual, with the rows each came from; null for none.
   */
  private probe(batch: Batch, side: JoinSide, other: JoinSide): Probed | null {
    const sideIsLeft = side === this.left;
    const keys = side.keyVectors(batch);
    const codec = other.keyCodec;
    codec.bind(keys);
    const table = other.store.keys;
    const probeRows: number[] = [];
    const stateIds: number[] = [];
    const stateIndexes: number[] = [];
    const matched: Uint8Array[] = [];
    const nullSafe = this.options.nullSafe;
    for (let i = 0; i < batch.numRows; i++) {
      if (keys.some((k, c) => !nullSafe[c] && !isValid(k, i))) continue;
      const len = codec.encode(i);
      const id = table.find(codec.scratch, 0, len, hashKey(codec.scratch, 0, len));
      if (id < 0) continue;
      (other.rows[id] ?? []).forEach((row, k) => {
        probeRows.push(i);
        stateIds.push(id);
        stateIndexes.push(k);
        matched.push(row);
      });
    }
    if (probeRows.length === 0) return null;
    const idx = Int32Array.from(probeRows);
    const mine = batch.columns.map((c) => take(c, idx));
    const theirs = decodeRows(other.rowCodec, matched);
    const columns = sideIsLeft ? [...mine, ...theirs] : [...theirs, ...mine];
    // A semi join outputs left rows only; its pairs keep both sides for the condition.
    const pairs = makeBatch(this.joinType === "left_semi" ? this.candidateSchema : this.schema, columns, probeRows.length);
    const all = { pairs, probeRows: idx, stateIds: Int32Array.from(stateIds), stateIndexes: Int32Array.from(stateIndexes) };
    if (this.residual === null) return all;
    const keep = this.residual(pairs);
    const sel: number[] = [];
    if (keep.kind === "bool") for (let i = 0; i < pairs.numRows; i++) if (isValid(keep, i) && keep.values[i] === 1) sel.push(i);
    if (sel.length === 0) return null;
    if (sel.length === pairs.numRows) return all;
    const s2 = Int32Array.from(sel);
    return { pairs: takeBatch(pairs, s2), probeRows: gather(all.probeRows, s2), stateIds: gather(all.stateIds, s2), stateIndexes: gather(all.stateIndexes, s2) };
  }
}

function gather(xs: Int32Array, sel: Int32Array): Int32Array {
  const out = new Int32Array(sel.length);
  for (let i = 0; i < sel.length; i++) out[i] = xs[sel[i]];
  return out;
}

/** Rows encoded with `codec`, decoded into its columns. */
function decodeRows(codec: KeyCodec, rows: readonly Uint8Array[]): Vector[] {
  let size = 0;
  for (const r of rows) size += r.length;
  const data = new Uint8Array(size);
  const starts = new Int32Array(rows.length);
  const ends = new Int32Array(rows.length);
  let at = 0;
  rows.forEach((r, i) => {
    data.set(r, at);
    starts[i] = at;
    at += r.length;
    ends[i] = at;
  });
  return codec.decode(data, starts, ends, rows.length);
}
