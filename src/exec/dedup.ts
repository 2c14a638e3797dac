/**
 * `dropDuplicates(cols)`: emits the first row of each distinct key, within a micro-batch and
 * across every batch before it (the keys seen are the operator's state). Null is a key value like
 * any other; NaN equals NaN and -0.0 equals 0.0 (see `hash/key-codec.ts`).
 *
 * Under a watermark, Spark 3.5's rules (StreamingDeduplicateExec): input rows whose event time is
 * at or below the previous batch's watermark are late and dropped (counted per row); after the
 * batch, keys whose event-time column is at or below this batch's watermark are evicted (only
 * when the event time is one of the keys; its value is then the state value). With
 * `withinWatermark` (dropDuplicatesWithinWatermark) the key is remembered until the watermark
 * reaches its first row's event time plus the delay: that expiry is the state value.
 */
import type { Batch } from "../columnar/batch.js";
import type { BytesVector } from "../columnar/vector.js";
import { takeBatch } from "../columnar/ops.js";
import { int64At, int64Words } from "../columnar/int64-words.js";
import { AnalysisError, InternalError } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "./operator.js";
import { stateOperatorMetrics } from "./operator.js";
import { eventTimeVector, notLateRows } from "./event-time.js";
import type { StateLocation } from "../state/state-store.js";
import { KeyCodec } from "../columnar/key-codec.js";
import { shapeString } from "../types/print-schema.js";
import { hashKey, hashTagged } from "../columnar/murmur3.js";
import { StateStore } from "../state/state-store.js";
import type { StateStoreOptions, StateValueCodec } from "../state/state-store.js";

export interface DeduplicateOptions {
  readonly inputSchema: StructType;
  /** Ordinals of the key columns in the input (every column for `dropDuplicates()`). */
  readonly keyOrdinals: readonly number[];
  /** Where the seen keys persist; null for a batch query (memory only). */
  readonly state: StateLocation | null;
  readonly operatorId: number;
  /** Snapshot and retention tuning of the state store. */
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
  /** The input's event-time column and watermark delay, when the plan has a watermark. */
  readonly eventTime?: { readonly ordinal: number; readonly delayMs: number } | null;
  /** Index into `keyOrdinals` of the event-time key, or null. */
  readonly eventTimeKey?: number | null;
  /** dropDuplicatesWithinWatermark: keys expire at their first event time plus the delay. */
  readonly withinWatermark?: boolean;
}

/** The expiry of a key that never expires (a null event-time key). */
const NEVER = 0x7fffffffffffffffn;

/**
 * Rows hashed and prefetched ahead of probing: enough loads in flight to hide memory latency, few
 * enough that their slots are still in cache when probed.
 */
const PROBE_BLOCK = 512;

/** Deduplication keeps keys only: the state value is empty. */
const NO_VALUE: StateValueCodec = {
  writeValue() {},
  readValue() {},
  reset() {},
};

export class DeduplicateOperator implements Operator {
  /** Same as the input schema: rows pass through unchanged. */
  readonly schema: StructType;
  private readonly keyOrdinals: readonly number[];
  private readonly eventTimeKeyIndex: number;
  private readonly codec: KeyCodec;
  private readonly store: StateStore;
  private readonly name: string;
  private readonly streaming: boolean;
  private hashes = new Int32Array(0);
  private readonly eventTime: { readonly ordinal: number; readonly delayMs: number } | null;
  /** Where a key's expiry comes from: its event-time key column, its first row's time plus the delay, or nowhere. */
  private readonly expiry: "key" | "within" | null;
  /** Per key id, the event time (µs) at or below which the watermark evicts it. */
  private expiresAt = new BigInt64Array(0);
  private ctx: BatchContext | null = null;
  private droppedByWatermark = 0;
  private droppedDuplicates = 0;

  constructor(options: DeduplicateOptions) {
    const { inputSchema, keyOrdinals } = options;
    this.name = `dedupe (operator ${options.operatorId})`;
    for (const o of keyOrdinals) {
      if (!Number.isInteger(o) || o < 0 || o >= inputSchema.fields.length) {
        throw new AnalysisError(`${this.name}: key ordinal ${o} is outside the input's ${inputSchema.fields.length} columns`);
      }
    }
    this.schema = inputSchema;
    this.keyOrdinals = [...keyOrdinals];
    this.eventTimeKeyIndex = options.eventTimeKey ?? -1;
    this.codec = new KeyCodec(
      keyOrdinals.map((o) => inputSchema.fields[o].dataType),
      this.name,
    );
    this.streaming = options.state !== null;
    this.eventTime = this.streaming ? (options.eventTime ?? null) : null;
    if (this.streaming && options.withinWatermark === true && this.eventTime === null) {
      throw new AnalysisError(`${this.name}: dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark`);
    }
    this.expiry = this.eventTime === null ? null : options.withinWatermark === true ? "within" : (options.eventTimeKey ?? null) !== null ? "key" : null;
    const codec: StateValueCodec =
      this.expiry === null
        ? NO_VALUE
        : {
            writeValue: (id, out) => out.i64(this.expiresAt[id]),
            readValue: (id, input) => {
              this.ensureExpiries(id + 1);
              this.expiresAt[id] = input.i64();
            },
            reset: () => (this.expiresAt = new BigInt64Array(0)),
          };
    const schema = {
      operator: options.withinWatermark === true ? "dedupeWithinWatermark" : "dedupe",
      key: keyOrdinals.map((o) => shapeString(inputSchema.fields[o].dataType)).join(", "),
      value: this.expiry === null ? "" : this.expiry === "key" ? "eventTime" : "expiresAt",
    };
    this.store = new StateStore(options.state, codec, { ...options.stateOptions, operator: this.name, schema });
  }

  /** Loads the state as of the end of batch `ctx.batchId - 1` unless it is already in memory. */
  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.droppedByWatermark = 0;
    this.droppedDuplicates = 0;
    if (!this.streaming) return;
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
  }

  /** Returns the rows whose key was never seen before, in input order, or null when none. */
  process(input: Batch): Batch | null {
    if (this.store.version < 0) throw new InternalError(`${this.name}: process() before open()`);
    const batch = this.eventTime === null ? input : this.dropLate(input);
    const n = batch.numRows;
    if (n === 0) return null;
    const firstNew = this.store.keys.idCount;
    const table = this.store.keys;
    const sel = new Int32Array(n);
    let m = 0;
    if (this.codec.singleBytes) {
      const v = batch.columns[this.keyOrdinals[0]] as BytesVector;
      const offsets = v.offsets;
      const data = v.data;
      const valid = v.valid;
      table.reserve(n, offsets[n] - offsets[0] + n);
      // Per block of rows: hash every key, touch each key's home slot, then probe. The touches are
      // independent loads whose cache misses overlap; the probes then mostly hit cache.
      if (this.hashes.length < PROBE_BLOCK) this.hashes = new Int32Array(PROBE_BLOCK);
      const hashes = this.hashes;
      const nullHash = hashTagged(0, data, 0, 0);
      for (let b = 0; b < n; b += PROBE_BLOCK) {
        const e = Math.min(n, b + PROBE_BLOCK);
        for (let i = b; i < e; i++) {
          hashes[i - b] = valid !== null && valid[i] === 0 ? nullHash : hashTagged(1, data, offsets[i], offsets[i + 1]);
        }
        table.prefetch(hashes, 0, e - b);
        for (let i = b; i < e; i++) {
          if (valid !== null && valid[i] === 0) table.findOrInsertTagged(0, data, 0, 0, hashes[i - b]);
          else table.findOrInsertTagged(1, data, offsets[i], offsets[i + 1], hashes[i - b]);
          if (table.lastInserted) sel[m++] = i;
        }
      }
    } else {
      const codec = this.codec;
      codec.bind(this.keyOrdinals.map((o) => batch.columns[o]));
      table.reserve(n);
      for (let i = 0; i < n; i++) {
        const len = codec.encode(i);
        const key = codec.scratch;
        table.findOrInsert(key, 0, len, hashKey(key, 0, len));
        if (table.lastInserted) sel[m++] = i;
      }
    }
    this.droppedDuplicates += n - m;
    if (m === 0) return null;
    const kept = sel.subarray(0, m);
    if (this.expiry !== null) this.noteExpiries(batch, kept, firstNew);
    return takeBatch(batch, kept);
  }

  /** A moved watermark evicts keys: Spark runs a batch for it even without new input. */
  shouldRunAnotherBatch(newWatermarkMs: number): boolean {
    return this.streaming && this.ctx !== null && newWatermarkMs > this.ctx.watermarkMs;
  }

  /** After the batch's input: evicts the keys the watermark has passed. */
  finish(): Batch[] {
    const ctx = this.ctx;
    if (this.expiry === null || ctx === null) return [];
    const wm = ctx.watermarkMs * 1000;
    const table = this.store.keys;
    const expiresAt = this.expiresAt;
    const words = int64Words(expiresAt);
    for (let id = 0; id < table.idCount; id++) {
      if (!table.isLive(id)) continue;
      const e = int64At(words, id);
      if (e === e ? e <= wm : expiresAt[id] <= BigInt(wm)) this.store.remove(id);
    }
    return [];
  }

  /** `batch` without rows whose event time is at or below the late-events watermark (null times stay). */
  private dropLate(batch: Batch): Batch {
    const ctx = this.ctx;
    if (ctx === null || this.eventTime === null) return batch;
    const keep = notLateRows(eventTimeVector(batch.columns[this.eventTime.ordinal], this.name), batch.numRows, ctx.lateEventsWatermarkMs);
    if (keep === null) return batch;
    this.droppedByWatermark += batch.numRows - keep.length;
    return takeBatch(batch, keep);
  }

  /** Sets the expiry of the keys first seen at rows `kept` (ids from `firstNew` on, in row order). */
  private noteExpiries(batch: Batch, kept: Int32Array, firstNew: number): void {
    const et = this.eventTime;
    if (et === null) return;
    const table = this.store.keys;
    this.ensureExpiries(table.idCount);
    const column = this.expiry === "within" ? et.ordinal : this.keyOrdinals[this.eventTimeKeyIndex];
    const t = eventTimeVector(batch.columns[column], this.name);
    const delay = this.expiry === "within" ? BigInt(et.delayMs) * 1000n : 0n;
    // Every kept row inserted exactly one new key, in row order.
    for (let k = 0; k < kept.length; k++) {
      const i = kept[k];
      const nullTime = t.valid !== null && t.valid[i] === 0;
      // Spark reads a null event time as 0 for the within-watermark expiry; a null key never expires.
      this.expiresAt[firstNew + k] = nullTime ? (this.expiry === "within" ? delay : NEVER) : t.values[i] + delay;
    }
  }

  private ensureExpiries(ids: number): void {
    if (this.expiresAt.length >= ids) return;
    const next = new BigInt64Array(Math.max(ids, this.expiresAt.length * 2, 64));
    next.set(this.expiresAt);
    this.expiresAt = next;
  }

  /** Persists the keys seen up to the end of this batch (state version batchId + 1). */
  async commit(): Promise<void> {
    await this.store.commit();
  }

  stateMetrics(): StateOperatorMetrics {
    const custom = { numDroppedDuplicateRows: this.droppedDuplicates, ...(this.expiry === null ? { stateGrowsWithoutBound: 1 } : {}) };
    return stateOperatorMetrics(this.expiry === "within" ? "dedupeWithinWatermark" : "dedupe", this.store.metrics(), this.droppedByWatermark, custom);
  }
}

