/**
 * Arbitrary stateful processing, Spark's `flatMapGroupsWithState` / PySpark's
 * `applyInPandasWithState`: per key, a user function gets the key, the key's rows of the
 * micro-batch and a {@link GroupState} it may read, update, remove and give a timeout. Spark's
 * rules (FlatMapGroupsWithStateExec, GroupStateImpl):
 * - keys with rows are called first, in the order they first appear in the batch; then every key
 *   whose timeout is before the batch's processing time (processing-time timeout) or before the
 *   watermark (event-time timeout) is called with no rows and `hasTimedOut` true;
 * - the timeout is reset at every call: a call that sets none leaves the key without one;
 * - a removed state with no timeout leaves the store; with a timeout it stays, valueless;
 * - with an event-time timeout, rows whose event time is at or below the previous batch's
 *   watermark are late and dropped, and a timeout may not be set before the current watermark.
 * State values are objects of the state schema, stored as one encoded row per key.
 */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import type { Vector } from "../columnar/vector.js";
import { batchFromRows } from "../columnar/build.js";
import { KeyCodec } from "../columnar/key-codec.js";
import { hashKey } from "../columnar/murmur3.js";
import type { Row } from "../columnar/values.js";
import { batchToRows } from "../columnar/values.js";
import { ExecutionError, InternalError } from "../errors.js";
import { GroupState, NO_TIMESTAMP } from "../state/group-state.js";
import type { GroupStateFunction, GroupStateTimeout } from "../state/group-state.js";
import type { ByteReader, ByteWriter } from "../state/byte-io.js";
import type { StateLocation, StateStoreOptions, StateValueCodec } from "../state/state-store.js";
import { StateStore } from "../state/state-store.js";
import type { StructType } from "../types/data-types.js";
import { StructType as StructTypeOf } from "../types/data-types.js";
import { shapeString } from "../types/print-schema.js";
import { take, takeBatch } from "../columnar/ops.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "./operator.js";
import { stateOperatorMetrics } from "./operator.js";
import { eventTimeVector, notLateRows } from "./event-time.js";

export interface ApplyWithStateOptions {
  /** The operator's input: the grouping key columns first, then the rows' columns. */
  readonly inputSchema: StructType;
  readonly keyCount: number;
  /** Schema of the rows handed to the function (the input's columns after the keys). */
  readonly rowSchema: StructType;
  readonly outputSchema: StructType;
  readonly stateSchema: StructType;
  readonly fn: GroupStateFunction;
  readonly timeout: GroupStateTimeout;
  /** Ordinal (in the input) of the watermarked event time, when the query has a watermark. */
  readonly eventTimeOrdinal: number | null;
  readonly state: StateLocation | null;
  readonly operatorId: number;
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
}

export class ApplyWithStateOperator implements Operator {
  readonly schema: StructType;
  private readonly name: string;
  private readonly keyCodec: KeyCodec;
  private readonly stateCodec: KeyCodec;
  private readonly store: StateStore;
  private readonly streaming: boolean;
  private values: (Row | null)[] = [];
  private timeouts: number[] = [];
  private ctx: BatchContext | null = null;
  /** This batch's rows per key id, and the key ids in first-appearance order. */
  private pending = new Map<number, Batch[]>();
  private droppedByWatermark = 0;

  constructor(private readonly options: ApplyWithStateOptions) {
    this.name = `applyWithState (operator ${options.operatorId})`;
    this.schema = options.outputSchema;
    const types = options.inputSchema.fields.map((f) => f.dataType);
    this.keyCodec = new KeyCodec(types.slice(0, options.keyCount), this.name);
    this.stateCodec = new KeyCodec(
      options.stateSchema.fields.map((f) => f.dataType),
      this.name,
    );
    this.streaming = options.state !== null;
    const codec: StateValueCodec = {
      writeValue: (id, out) => this.writeValue(id, out),
      readValue: (id, input) => this.readValue(id, input),
      reset: () => {
        this.values = [];
        this.timeouts = [];
      },
    };
    const schema = { operator: "applyWithState", key: types.slice(0, options.keyCount).map((t) => shapeString(t)).join(", "), value: `${options.timeout}, ${shapeString(options.stateSchema)}` };
    this.store = new StateStore(options.state, codec, { ...options.stateOptions, operator: this.name, schema });
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.pending = new Map();
    this.droppedByWatermark = 0;
    if (!this.streaming) {
      await this.store.load(0);
      return;
    }
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
  }

  /** Collects the batch's rows per key; the function runs at `finish()`. */
  process(input: Batch): null {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: process() before open()`);
    const batch = this.dropLate(input, ctx);
    const n = batch.numRows;
    if (n === 0) return null;
    const k = this.options.keyCount;
    this.keyCodec.bind(batch.columns.slice(0, k));
    const table = this.store.keys;
    const rowsOf = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const len = this.keyCodec.encode(i);
      const id = table.findOrInsert(this.keyCodec.scratch, 0, len, hashKey(this.keyCodec.scratch, 0, len));
      let list = rowsOf.get(id);
      if (list === undefined) rowsOf.set(id, (list = []));
      list.push(i);
    }
    for (const [id, rows] of rowsOf) {
      const chunk = takeBatch(batch, Int32Array.from(rows));
      const list = this.pending.get(id);
      if (list === undefined) this.pending.set(id, [chunk]);
      else list.push(chunk);
    }
    return null;
  }

  /** Calls the function for each key with rows, then for each key timing out; emits what it returns. */
  finish(): Batch[] {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: finish() before open()`);
    const out: Row[] = [];
    const table = this.store.keys;
    const k = this.options.keyCount;
    const watermark = this.options.eventTimeOrdinal === null ? null : ctx.watermarkMs;
    for (const [id, chunks] of this.pending) {
      const rows = chunks.flatMap((c) => batchToRows(this.rowsOf(c)));
      const first = chunks[0];
      const key = this.keyValues(first.columns.slice(0, k).map((c) => take(c, Int32Array.of(0))));
      this.call(id, key, rows, false, ctx.batchTimestampMs, watermark, out);
    }
    if (this.streaming && this.options.timeout !== "NoTimeout") {
      const threshold = this.options.timeout === "ProcessingTimeTimeout" ? ctx.batchTimestampMs : ctx.watermarkMs;
      for (let id = 0; id < table.idCount; id++) {
        if (!table.isLive(id) || this.pending.has(id)) continue;
        const t = this.timeouts[id] ?? NO_TIMESTAMP;
        if (t === NO_TIMESTAMP || !(t < threshold)) continue;
        const keyBytes = table.key(id);
        const key = this.keyValues(this.keyCodec.decode(keyBytes, Int32Array.of(0), Int32Array.of(keyBytes.length), 1));
        this.call(id, key, [], true, ctx.batchTimestampMs, watermark, out);
      }
    }
    this.pending = new Map();
    return out.length === 0 ? [] : [batchFromRows(this.schema, out)];
  }

  async commit(): Promise<void> {
    await this.store.commit();
  }

  /**
   * Event-time timeouts fire when the watermark moves; processing-time ones as soon as one is due
   * (checked at every trigger, so an `availableNow` query stops once none is).
   */
  shouldRunAnotherBatch(newWatermarkMs: number): boolean {
    if (!this.streaming || this.ctx === null) return false;
    if (this.options.timeout === "EventTimeTimeout") return newWatermarkMs > this.ctx.watermarkMs;
    if (this.options.timeout === "ProcessingTimeTimeout") {
      const now = Date.now();
      const table = this.store.keys;
      for (let id = 0; id < table.idCount; id++) {
        const t = this.timeouts[id] ?? NO_TIMESTAMP;
        if (table.isLive(id) && t !== NO_TIMESTAMP && t < now) return true;
      }
    }
    return false;
  }

  stateMetrics(): StateOperatorMetrics {
    return stateOperatorMetrics("flatMapGroupsWithState", this.store.metrics(), this.droppedByWatermark);
  }

  private call(id: number, key: unknown[], rows: Row[], timedOut: boolean, batchTimestampMs: number, watermark: number | null, out: Row[]): void {
    const state = new GroupState(this.values[id] ?? null, timedOut, this.options.timeout, batchTimestampMs, watermark);
    let produced: Iterable<Row>;
    try {
      produced = this.options.fn(key, rows, state);
    } catch (e) {
      throw new ExecutionError(`${this.name}: the function failed for key ${JSON.stringify(key, bigintText)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (produced === undefined || produced === null || typeof (produced as Partial<Iterable<Row>>)[Symbol.iterator] !== "function") {
      throw new ExecutionError(`${this.name}: the function must return an iterable of rows (e.g. an array), got ${produced === null ? "null" : typeof produced}`);
    }
    for (const r of produced) out.push(r);
    const o = state.outcome();
    const before = this.timeouts[id] ?? NO_TIMESTAMP;
    // Nothing to keep (removed, or never set) and no timeout: the key leaves the state, as in
    // Spark, where a key is in the store only once the function wrote something for it.
    if ((o.removed || o.value === null) && o.timeoutMs === NO_TIMESTAMP) {
      this.store.remove(id);
      this.values[id] = null;
      this.timeouts[id] = NO_TIMESTAMP;
      return;
    }
    if (o.changed || o.timeoutMs !== before || !this.store.keys.isLive(id)) {
      this.values[id] = o.value;
      this.timeouts[id] = o.timeoutMs;
      this.store.markUpdated(id);
    }
  }

  /** The key's values, in grouping order, from one-row key vectors. */
  private keyValues(columns: readonly Vector[]): unknown[] {
    const schema = StructTypeOf(this.options.inputSchema.fields.slice(0, this.options.keyCount));
    const row = batchToRows(makeBatch(schema, columns, 1))[0];
    return schema.fields.map((f) => row[f.name]);
  }

  /** The rows' own columns of a chunk (the input after the key columns). */
  private rowsOf(chunk: Batch): Batch {
    return makeBatch(this.options.rowSchema, chunk.columns.slice(this.options.keyCount), chunk.numRows);
  }

  /** With an event-time timeout, drops rows at or below the previous batch's watermark. */
  private dropLate(batch: Batch, ctx: BatchContext): Batch {
    const o = this.options.eventTimeOrdinal;
    if (!this.streaming || o === null || this.options.timeout !== "EventTimeTimeout") return batch;
    const keep = notLateRows(eventTimeVector(batch.columns[o], this.name), batch.numRows, ctx.lateEventsWatermarkMs);
    if (keep === null) return batch;
    this.droppedByWatermark += batch.numRows - keep.length;
    return takeBatch(batch, keep);
  }

  private writeValue(id: number, out: ByteWriter): void {
    const value = this.values[id] ?? null;
    out.i64(BigInt(this.timeouts[id] ?? NO_TIMESTAMP));
    out.u8(value === null ? 0 : 1);
    if (value === null) return;
    const b = batchFromRows(this.options.stateSchema, [value]);
    this.stateCodec.bind(b.columns);
    const len = this.stateCodec.encode(0);
    out.lenBytes(this.stateCodec.scratch, 0, len);
  }

  private readValue(id: number, input: ByteReader): void {
    this.timeouts[id] = Number(input.i64());
    if (input.u8() === 0) {
      this.values[id] = null;
      return;
    }
    const [s, e] = input.lenRange();
    const columns = this.stateCodec.decode(input.data, Int32Array.of(s), Int32Array.of(e), 1);
    this.values[id] = batchToRows(makeBatch(this.options.stateSchema, columns, 1))[0];
  }
}

function bigintText(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
