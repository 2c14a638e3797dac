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
import type { BatchContext, Operator, StateOperatorMetrics } from "../operator.js";
import { stateOperatorMetrics } from "../operator.js";
import { eventTimeVector, notLateRows } from "../event-time.js";

/** The join's shape (keys, residual, schemas) as a hash join's, plus its state and watermarks. */
export interface StreamStreamJoinOptions extends Omit<HashJoinSpec, "joinType"> {
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

  constructor(
    readonly schema: StructType,
    keyExprs: readonly BoundExpr[],
    location: StateLocation | null,
    name: string,
    options: StreamStreamJoinOptions,
    private readonly keyTimeIndex: number | null,
    /** The side's event-time column when its rows are evicted by value (a time-range condition), else null. */
    private readonly valueTimeOrdinal: number | null,
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
        list.forEach((r, k) => {
          if (this.valueTimeOrdinal !== null) out.i64(times?.[k] ?? NEVER);
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
        for (let k = 0; k < n; k++) {
          if (this.valueTimeOrdinal !== null) times.push(input.i64());
          const [s, e] = input.lenRange();
          list.push(input.data.slice(s, e));
        }
        this.rows[id] = list;
        if (this.valueTimeOrdinal !== null) this.rowTimes[id] = times;
      },
      reset: () => {
        this.rows = [];
        this.rowTimes = [];
        this.keyTimes = new BigInt64Array(0);
      },
    };
    const value = `${keyTimeIndex === null ? "" : "keyTime, "}${valueTimeOrdinal === null ? "" : "rowTime, "}${schema.fields.map((f) => shapeString(f.dataType)).join(", ")}`;
    const schemaOf = { operator: "streamStreamJoin", key: keyExprs.map((k) => shapeString(k.dataType)).join(", "), value };
    this.store = new StateStore(location, codec, { ...options.stateOptions, operator: name, schema: schemaOf });
  }

  /** The key vectors of a batch of this side's rows. */
  keyVectors(batch: Batch): Vector[] {
    return this.keys.map((k) => k(batch));
  }

  /**
   * Adds the batch's rows to the state under their keys. Not kept: rows with a null key that is
   * not null-safe (they never match), and rows whose key time is at or below `evictAt` (µs).
   */
  add(batch: Batch, nullSafe: readonly boolean[], evictAt: bigint | null, valueEvictAt: bigint | null): void {
    const keys = this.keyVectors(batch);
    const times = this.keyTimeIndex === null ? null : eventTimeVector(keys[this.keyTimeIndex], "stream-stream join");
    const rowTimes = this.valueTimeOrdinal === null ? null : eventTimeVector(batch.columns[this.valueTimeOrdinal], "stream-stream join");
    this.keyCodec.bind(keys);
    this.rowCodec.bind(batch.columns);
    const table = this.store.keys;
    for (let i = 0; i < batch.numRows; i++) {
      if (keys.some((k, c) => !nullSafe[c] && !isValid(k, i))) continue;
      const time = times === null || !isValid(times, i) ? NEVER : times.values[i];
      if (times !== null && evictAt !== null && time <= evictAt) continue;
      const rowTime = rowTimes === null || !isValid(rowTimes, i) ? NEVER : rowTimes.values[i];
      if (rowTimes !== null && valueEvictAt !== null && rowTime <= valueEvictAt) continue;
      const klen = this.keyCodec.encode(i);
      const id = table.findOrInsert(this.keyCodec.scratch, 0, klen, hashKey(this.keyCodec.scratch, 0, klen));
      const rlen = this.rowCodec.encode(i);
      (this.rows[id] ??= []).push(this.rowCodec.scratch.slice(0, rlen));
      if (rowTimes !== null) (this.rowTimes[id] ??= []).push(rowTime);
      if (times !== null) {
        this.growKeyTimes(id + 1);
        this.keyTimes[id] = time;
      }
      this.store.markUpdated(id);
    }
  }

  /** Removes every row whose event time is at or below `evictAt` (µs); keys left empty go. */
  evictRows(evictAt: bigint): void {
    if (this.valueTimeOrdinal === null) return;
    const table = this.store.keys;
    for (let id = 0; id < table.idCount; id++) {
      const times = this.rowTimes[id];
      const rows = this.rows[id];
      if (!table.isLive(id) || times === undefined || rows === undefined || !times.some((t) => t <= evictAt)) continue;
      const keep = times.flatMap((t, k) => (t > evictAt ? [k] : []));
      if (keep.length === 0) {
        this.store.remove(id);
        this.rows[id] = undefined;
        this.rowTimes[id] = undefined;
      } else {
        this.rows[id] = keep.map((k) => rows[k]);
        this.rowTimes[id] = keep.map((k) => times[k]);
        this.store.markUpdated(id);
      }
    }
  }

  /** Removes every key whose event time is at or below `evictAt` (µs). */
  evict(evictAt: bigint): void {
    if (this.keyTimeIndex === null) return;
    const table = this.store.keys;
    for (let id = 0; id < table.idCount; id++) {
      if (table.isLive(id) && (this.keyTimes[id] ?? NEVER) <= evictAt) {
        this.store.remove(id);
        this.rows[id] = undefined;
      }
    }
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

export class StreamStreamJoinOperator implements Operator {
  readonly schema: StructType;
  private readonly left: JoinSide;
  private readonly right: JoinSide;
  private readonly residual: Evaluator | null;
  private readonly name: string;
  private ctx: BatchContext | null = null;
  private droppedByWatermark = 0;

  constructor(private readonly options: StreamStreamJoinOptions) {
    this.name = `stream-stream join (operator ${options.operatorId})`;
    this.schema = options.pairSchema;
    if (options.leftKeys.length === 0) throw new InternalError(`${this.name}: a stream-stream join needs equality keys`);
    options.leftKeys.forEach((k, i) => {
      if (shapeString(k.dataType) !== shapeString(options.rightKeys[i].dataType)) throw new InternalError(`${this.name}: key ${i} has different types on each side`);
    });
    const keyTime = this.options.keyTimeIndex ?? null;
    const byValue = (side: "left" | "right"): number | null => (keyTime === null && (options.stateValueWatermark?.[side] ?? null) !== null ? (options.eventTime?.[side] ?? null) : null);
    this.left = new JoinSide(options.leftSchema, options.leftKeys, options.state?.left ?? null, `${this.name} left`, options, keyTime, byValue("left"));
    this.right = new JoinSide(options.rightSchema, options.rightKeys, options.state?.right ?? null, `${this.name} right`, options, keyTime, byValue("right"));
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
    if (l.numRows > 0) {
      const pairs = this.probe(l, this.left, this.right, true);
      if (pairs !== null) out.push(pairs);
      this.left.add(l, this.options.nullSafe, evictAt, leftAt);
    }
    if (r.numRows > 0) {
      const pairs = this.probe(r, this.right, this.left, false);
      if (pairs !== null) out.push(pairs);
      this.right.add(r, this.options.nullSafe, evictAt, rightAt);
    }
    if (evictAt !== null) {
      this.left.evict(evictAt);
      this.right.evict(evictAt);
    }
    if (leftAt !== null) this.left.evictRows(leftAt);
    if (rightAt !== null) this.right.evictRows(rightAt);
    return out;
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

  /** New rows of `side` against the state of `other`: the pairs whose keys match and that pass the residual. */
  private probe(batch: Batch, side: JoinSide, other: JoinSide, sideIsLeft: boolean): Batch | null {
    const keys = side.keyVectors(batch);
    const codec = other.keyCodec;
    codec.bind(keys);
    const table = other.store.keys;
    const probeRows: number[] = [];
    const matched: Uint8Array[] = [];
    const nullSafe = this.options.nullSafe;
    for (let i = 0; i < batch.numRows; i++) {
      if (keys.some((k, c) => !nullSafe[c] && !isValid(k, i))) continue;
      const len = codec.encode(i);
      const id = table.find(codec.scratch, 0, len, hashKey(codec.scratch, 0, len));
      if (id < 0) continue;
      for (const row of other.rows[id] ?? []) {
        probeRows.push(i);
        matched.push(row);
      }
    }
    if (probeRows.length === 0) return null;
    const idx = Int32Array.from(probeRows);
    const mine = batch.columns.map((c) => take(c, idx));
    const theirs = decodeRows(other.rowCodec, matched);
    const columns = sideIsLeft ? [...mine, ...theirs] : [...theirs, ...mine];
    const pairs = makeBatch(this.schema, columns, probeRows.length);
    if (this.residual === null) return pairs;
    const keep = this.residual(pairs);
    const sel: number[] = [];
    if (keep.kind === "bool") for (let i = 0; i < pairs.numRows; i++) if (isValid(keep, i) && keep.values[i] === 1) sel.push(i);
    return sel.length === 0 ? null : takeBatch(pairs, Int32Array.from(sel));
  }
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
