/**
 * `dropDuplicates(cols)`: emits the first row of each distinct key, within a micro-batch and
 * across every batch before it (the keys seen are the operator's state). Null is a key value like
 * any other; NaN equals NaN and -0.0 equals 0.0 (see `hash/key-codec.ts`).
 */
import type { Batch } from "../columnar/batch.js";
import type { BytesVector } from "../columnar/vector.js";
import { takeBatch } from "../columnar/ops.js";
import { AnalysisError, InternalError } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "./operator.js";
import { stateOperatorMetrics } from "./operator.js";
import type { StateLocation } from "../state/state-store.js";
import { KeyCodec } from "../columnar/key-codec.js";
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
}

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
  private readonly codec: KeyCodec;
  private readonly store: StateStore;
  private readonly name: string;
  private readonly streaming: boolean;
  private hashes = new Int32Array(0);

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
    this.codec = new KeyCodec(
      keyOrdinals.map((o) => inputSchema.fields[o].dataType),
      this.name,
    );
    this.streaming = options.state !== null;
    this.store = new StateStore(options.state, NO_VALUE, { ...options.stateOptions, operator: this.name });
  }

  /** Loads the state as of the end of batch `ctx.batchId - 1` unless it is already in memory. */
  async open(ctx: BatchContext): Promise<void> {
    if (!this.streaming) return;
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
  }

  /** Returns the rows whose key was never seen before, in input order, or null when none. */
  process(batch: Batch): Batch | null {
    if (this.store.version < 0) throw new InternalError(`${this.name}: process() before open()`);
    const n = batch.numRows;
    if (n === 0) return null;
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
    if (m === 0) return null;
    return takeBatch(batch, sel.subarray(0, m));
  }

  /** Persists the keys seen up to the end of this batch (state version batchId + 1). */
  async commit(): Promise<void> {
    await this.store.commit();
  }

  stateMetrics(): StateOperatorMetrics {
    return stateOperatorMetrics("dedupe", this.store.metrics());
  }
}
