/**
 * Streaming (and batch) hash aggregation: `groupBy(keys).agg(...)`. Rows are assigned a dense
 * group id through a hash table of encoded grouping keys (null is a group of its own; NaN groups
 * with NaN; -0.0 with 0.0), and each aggregate folds its argument column into per-group arrays.
 *
 * Output schema: the grouping columns, then one column per aggregate (Spark's order). Emitted at
 * `finish()`: in `complete` mode (and in batch queries) every group; in `update` mode the groups
 * that received rows in this micro-batch (Spark emits a group whenever its state was rewritten,
 * even if the aggregate value came out the same); in `append` mode the groups the watermark has
 * passed, once, as they leave the state.
 *
 * With an event-time grouping key (a watermarked column, or a time window over one, whose `end`
 * is the key's event time), Spark 3.5's StateStoreSaveExec rules apply in append and update mode:
 * rows whose key's event time is at or below the previous batch's watermark are late and dropped
 * (counted once per distinct key, as Spark counts merged groups), and after the batch every group
 * at or below this batch's watermark is evicted (append: emitted as it goes). Complete mode
 * neither drops nor evicts.
 *
 * In a streaming query the groups and their accumulators are the operator's state: a state
 * value is the key's event time (8 bytes, only with an event-time key), then each accumulator's
 * serialized group state, then each DISTINCT set.
 */
import type { Batch } from "../../columnar/batch.js";
import { takeBatch } from "../../columnar/ops.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { int64At, int64Words } from "../../columnar/int64-words.js";
import { makeBatch } from "../../columnar/batch.js";
import type { BytesVector, I64Vector, Vector } from "../../columnar/vector.js";
import { AnalysisError, InternalError } from "../../errors.js";
import type { AggregateName } from "../../plan/expressions/bound.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { StructField, StructType as makeStructType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { StateStore } from "../../state/state-store.js";
import type { StateStoreOptions, StateValueCodec } from "../../state/state-store.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { shapeString } from "../../types/print-schema.js";
import { hashKey, hashTagged } from "../../columnar/murmur3.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "../operator.js";
import { stateOperatorMetrics } from "../operator.js";
import { eventTimeVector, notLateRows } from "../event-time.js";
import type { OutputMode } from "../../plan/logical.js";
import type { StateLocation } from "../../state/state-store.js";
import type { Accumulator } from "./accumulator.js";
import { createAccumulator, needsDistinctSet } from "./create-accumulator.js";
import { DistinctFilter } from "./distinct-filter.js";

/** One aggregate call, with its argument already evaluated into an input column. */
export interface AggregateColumnSpec {
  readonly name: AggregateName;
  /** Ordinal of the input column holding the evaluated argument; null for `count(*)`. */
  readonly inputOrdinal: number | null;
  /** Ordinal of a boolean column (the call's FILTER): only rows where it is true are folded. */
  readonly filterOrdinal?: number | null;
  readonly distinct: boolean;
  readonly ignoreNulls: boolean;
  readonly resultType: DataType;
  readonly outputName: string;
  /** Constant arguments of the call (see `BoundAggregate.params`). */
  readonly params?: Readonly<Record<string, string>>;
}

export interface HashAggregateOptions {
  readonly inputSchema: StructType;
  readonly groupingOrdinals: readonly number[];
  /** Output names of the grouping columns (same length as `groupingOrdinals`). */
  readonly groupingNames: readonly string[];
  readonly aggregates: readonly AggregateColumnSpec[];
  readonly outputMode: OutputMode;
  /** Where groups persist; null for a batch query (memory only, every group emitted). */
  readonly state: StateLocation | null;
  readonly operatorId: number;
  /** Snapshot and retention tuning of the state store. */
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
  /** The grouping key that is an event time (index into `groupingOrdinals`; `window`: a window struct), or null. */
  readonly eventTime?: { readonly index: number; readonly window: boolean } | null;
  /**
   * With no state: start every micro-batch with no groups (the aggregation over the sessions a
   * session-window operator releases each batch, which are complete).
   */
  readonly perBatch?: boolean;
}

/** The event time of a key with none (a null timestamp key): never late, never evicted. */
const NO_TIME_HI = 0x7fffffff;

export class HashAggregateOperator implements Operator {
  /** Grouping columns, then one column per aggregate. */
  readonly schema: StructType;
  private readonly name: string;
  private readonly groupingOrdinals: readonly number[];
  private readonly specs: readonly AggregateColumnSpec[];
  private readonly inputTypes: readonly (DataType | null)[];
  private readonly codec: KeyCodec;
  private readonly store: StateStore;
  private readonly streaming: boolean;
  private readonly outputMode: OutputMode;
  private accumulators: Accumulator[] = [];
  private distinct: (DistinctFilter | null)[] = [];
  private capacity = 0;
  private groupIds = new Int32Array(1024);
  private readonly eventTime: { readonly index: number; readonly window: boolean } | null;
  private readonly perBatch: boolean;
  /** Per group id, its key's event time in µs as two 32-bit words (see `columnar/int64-words.ts`). */
  private keyTimes = new Int32Array(0);
  private ctx: BatchContext | null = null;
  /** This batch's distinct late keys (for `numRowsDroppedByWatermark`). */
  private lateKeys = new BytesHashTable(16);

  constructor(options: HashAggregateOptions) {
    const { inputSchema, groupingOrdinals, groupingNames, aggregates } = options;
    this.name = `aggregate (operator ${options.operatorId})`;
    const nFields = inputSchema.fields.length;
    const checkOrdinal = (o: number, what: string) => {
      if (!Number.isInteger(o) || o < 0 || o >= nFields) {
        throw new AnalysisError(`${this.name}: ${what} ordinal ${o} is outside the input's ${nFields} columns`);
      }
    };
    groupingOrdinals.forEach((o) => checkOrdinal(o, "grouping"));
    if (groupingNames.length !== groupingOrdinals.length) {
      throw new AnalysisError(`${this.name}: ${groupingOrdinals.length} grouping columns but ${groupingNames.length} names`);
    }
    for (const a of aggregates) if (a.inputOrdinal !== null) checkOrdinal(a.inputOrdinal, `${a.name} input`);
    this.streaming = options.state !== null;
    this.eventTime = options.eventTime ?? null;
    this.perBatch = options.state === null && options.perBatch === true;
    if (this.streaming && options.outputMode === "append" && this.eventTime === null) {
      throw new AnalysisError(
        `${this.name}: append output mode is not supported for streaming aggregations without a watermark; use outputMode("update") or outputMode("complete")`,
      );
    }
    this.outputMode = options.outputMode;
    this.groupingOrdinals = [...groupingOrdinals];
    this.specs = [...aggregates];
    this.inputTypes = aggregates.map((a) => (a.inputOrdinal === null ? null : inputSchema.fields[a.inputOrdinal].dataType));
    this.codec = new KeyCodec(
      groupingOrdinals.map((o) => inputSchema.fields[o].dataType),
      this.name,
    );
    this.schema = makeStructType([
      ...groupingOrdinals.map((o, i) => StructField(groupingNames[i], inputSchema.fields[o].dataType, inputSchema.fields[o].nullable)),
      ...aggregates.map((a) => StructField(a.outputName, a.resultType, !isCount(a.name))),
    ]);
    this.resetAccumulators();
    const codec: StateValueCodec = {
      writeValue: (id, out) => this.writeValue(id, out),
      readValue: (id, input) => this.readValue(id, input),
      reset: () => this.resetAccumulators(),
    };
    const schema = {
      operator: "aggregate",
      key: groupingOrdinals.map((o) => shapeString(inputSchema.fields[o].dataType)).join(", "),
      value: [
        ...(this.eventTime === null ? [] : ["eventTime"]),
        ...aggregates.map((a, i) => `${a.name}(${a.distinct ? "distinct " : ""}${this.inputTypes[i] === null ? "*" : shapeString(this.inputTypes[i] ?? aggregates[i].resultType)})${(a.filterOrdinal ?? null) === null ? "" : " filter"}`),
      ].join(", "),
    };
    this.store = new StateStore(options.state, codec, { ...options.stateOptions, operator: this.name, schema });
  }

  /** Loads the groups as of the end of batch `ctx.batchId - 1` unless they are already in memory. */
  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.lateKeys = new BytesHashTable(16);
    if (this.perBatch) await this.store.load(0);
    if (!this.streaming) return;
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
  }

  /** Folds a chunk into the groups; output comes from `finish()`. */
  process(input: Batch): Batch | null {
    if (this.store.version < 0) throw new InternalError(`${this.name}: process() before open()`);
    const batch = this.watermarked ? this.dropLate(input) : input;
    const n = batch.numRows;
    if (n === 0) return null;
    const groupIds = this.assignGroups(batch);
    if (this.eventTime !== null) this.noteKeyTimes(batch, groupIds);
    this.ensureCapacity(this.store.keys.idCount);
    for (let a = 0; a < this.specs.length; a++) {
      const ord = this.specs[a].inputOrdinal;
      const input = ord === null ? null : batch.columns[ord];
      const fo = this.specs[a].filterOrdinal ?? null;
      const rows = fo === null ? null : selectTrue(batch.columns[fo], n);
      const filter = this.distinct[a];
      if (filter !== null && input !== null) {
        const sel = filter.filter(groupIds, rows, rows === null ? n : rows.length, input);
        this.accumulators[a].update(groupIds, sel, sel.length, input);
      } else {
        this.accumulators[a].update(groupIds, rows, rows === null ? n : rows.length, input);
      }
    }
    return null;
  }

  /** Emits the groups of this micro-batch per the output mode (see the file doc). */
  finish(): Batch[] {
    if (this.store.version < 0) throw new InternalError(`${this.name}: finish() before open()`);
    if (this.groupingOrdinals.length === 0 && this.store.keys.size === 0) {
      // A global aggregate has one row even over no input (count(*) = 0).
      const empty = new Uint8Array(0);
      this.store.keys.findOrInsert(empty, 0, 0, hashKey(empty, 0, 0));
      this.ensureCapacity(this.store.keys.idCount);
    }
    const expired = this.watermarked ? this.expiredIds() : null;
    let ids: Int32Array;
    if (!this.streaming || this.outputMode === "complete") ids = this.store.liveIds();
    else if (this.outputMode === "append") ids = expired ?? new Int32Array(0);
    else ids = this.store.updatedIds();
    const out = this.emit(ids);
    if (expired !== null) for (const id of expired) this.store.remove(id);
    return out;
  }

  /** The output rows of groups `ids`. */
  private emit(ids: Int32Array): Batch[] {
    if (ids.length === 0) return [];
    const table = this.store.keys;
    const starts = new Int32Array(ids.length);
    const ends = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      starts[i] = table.keyStart(ids[i]);
      ends[i] = table.keyEnd(ids[i]);
    }
    const keys = this.codec.decode(table.arena, starts, ends, ids.length);
    const values = this.accumulators.map((acc) => acc.result(ids));
    return [makeBatch(this.schema, [...keys, ...values], ids.length)];
  }

  /** Persists the groups as of the end of this batch (state version batchId + 1). */
  async commit(): Promise<void> {
    await this.store.commit();
  }

  stateMetrics(): StateOperatorMetrics | null {
    if (this.perBatch) return null;
    return stateOperatorMetrics("stateStoreSave", this.store.metrics(), this.lateKeys.size);
  }

  /** Append and update mode emit or evict by the watermark: a moved watermark needs a batch (Spark's StateStoreSaveExec). */
  shouldRunAnotherBatch(newWatermarkMs: number): boolean {
    return this.streaming && this.outputMode !== "complete" && this.ctx !== null && newWatermarkMs > this.ctx.watermarkMs;
  }

  /** Whether late rows are dropped and groups evicted by the watermark (see the file doc). */
  private get watermarked(): boolean {
    return this.streaming && this.eventTime !== null && this.outputMode !== "complete";
  }

  /** The event times of the key (a window's `end`, or the timestamp key itself). */
  private keyTimeVector(batch: Batch): I64Vector {
    const et = this.eventTime;
    if (et === null) throw new InternalError(`${this.name}: no event-time key`);
    return eventTimeVector(batch.columns[this.groupingOrdinals[et.index]], this.name);
  }

  /** `batch` without the rows whose key's event time is at or below the late-events watermark. */
  private dropLate(batch: Batch): Batch {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: process() before open()`);
    const n = batch.numRows;
    const keep = notLateRows(this.keyTimeVector(batch), n, ctx.lateEventsWatermarkMs);
    if (keep === null) return batch;
    const k = keep.length;
    // Count distinct late keys, as Spark counts the merged groups it drops.
    this.codec.bind(this.groupingOrdinals.map((o) => batch.columns[o]));
    for (let i = 0, j = 0; i < n; i++) {
      if (j < k && keep[j] === i) {
        j++;
        continue;
      }
      const len = this.codec.encode(i);
      this.lateKeys.findOrInsert(this.codec.scratch, 0, len, hashKey(this.codec.scratch, 0, len));
    }
    return takeBatch(batch, keep);
  }

  /** Records each group's key event time (the same for every row of a group). */
  private noteKeyTimes(batch: Batch, groupIds: Int32Array): void {
    const t = this.keyTimeVector(batch);
    this.ensureKeyTimes(this.store.keys.idCount);
    const words = int64Words(t.values);
    const times = this.keyTimes;
    for (let i = 0; i < groupIds.length; i++) {
      const g = groupIds[i];
      if (t.valid !== null && t.valid[i] === 0) {
        times[2 * g] = -1;
        times[2 * g + 1] = NO_TIME_HI;
      } else {
        times[2 * g] = words[2 * i];
        times[2 * g + 1] = words[2 * i + 1];
      }
    }
  }

  private ensureKeyTimes(groups: number): void {
    if (this.keyTimes.length >= groups * 2) return;
    const next = new Int32Array(Math.max(groups, this.keyTimes.length, 64) * 2);
    next.set(this.keyTimes);
    this.keyTimes = next;
  }

  /** Live groups whose key's event time is at or below this batch's watermark, ascending. */
  private expiredIds(): Int32Array {
    const ctx = this.ctx;
    if (ctx === null || this.eventTime === null) return new Int32Array(0);
    const wm = ctx.watermarkMs * 1000;
    const live = this.store.liveIds();
    const times = this.keyTimes;
    const values = new BigInt64Array(times.buffer, times.byteOffset, times.length >> 1);
    let k = 0;
    for (let i = 0; i < live.length; i++) if (atOrBelow(values, times, live[i], wm)) live[k++] = live[i];
    return live.subarray(0, k);
  }

  /** Group id of every row (a shared buffer, valid until the next call); marks the groups updated. */
  private assignGroups(batch: Batch): Int32Array {
    const n = batch.numRows;
    if (this.groupIds.length < n) this.groupIds = new Int32Array(Math.max(n, this.groupIds.length * 2));
    const ids = this.groupIds;
    const table = this.store.keys;
    if (this.groupingOrdinals.length === 0) {
      const empty = new Uint8Array(0);
      const id = table.findOrInsert(empty, 0, 0, hashKey(empty, 0, 0));
      ids.fill(id, 0, n);
    } else if (this.codec.singleBytes) {
      const v = batch.columns[this.groupingOrdinals[0]] as BytesVector;
      const { offsets, data, valid } = v;
      const nullHash = hashTagged(0, data, 0, 0);
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) {
          ids[i] = table.findOrInsertTagged(0, data, 0, 0, nullHash);
        } else {
          const s = offsets[i];
          const e = offsets[i + 1];
          ids[i] = table.findOrInsertTagged(1, data, s, e, hashTagged(1, data, s, e));
        }
      }
    } else {
      const codec = this.codec;
      codec.bind(this.groupingOrdinals.map((o) => batch.columns[o]));
      for (let i = 0; i < n; i++) {
        const len = codec.encode(i);
        const key = codec.scratch;
        ids[i] = table.findOrInsert(key, 0, len, hashKey(key, 0, len));
      }
    }
    const store = this.store;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const g = ids[i];
      if (g !== last) {
        store.markUpdated(g);
        last = g;
      }
    }
    return ids.subarray(0, n);
  }

  private ensureCapacity(groups: number): void {
    if (groups <= this.capacity) return;
    const cap = Math.max(groups, this.capacity * 2, 64);
    for (const acc of this.accumulators) acc.grow(cap);
    for (const d of this.distinct) d?.grow(cap);
    this.capacity = cap;
  }

  private resetAccumulators(): void {
    this.accumulators = this.specs.map((s, i) =>
      createAccumulator({ name: s.name, inputType: this.inputTypes[i], resultType: s.resultType, ignoreNulls: s.ignoreNulls, ...(s.params === undefined ? {} : { params: s.params }) }, this.name),
    );
    this.distinct = this.specs.map((s, i) => {
      const t = this.inputTypes[i];
      return t !== null && needsDistinctSet(s.name, s.distinct) ? new DistinctFilter(t) : null;
    });
    this.capacity = 0;
  }

  private writeValue(id: number, out: ByteWriter): void {
    if (this.eventTime !== null) {
      out.i32(this.keyTimes[2 * id]);
      out.i32(this.keyTimes[2 * id + 1]);
    }
    for (const acc of this.accumulators) acc.write(id, out);
    for (const d of this.distinct) d?.write(id, out);
  }

  private readValue(id: number, input: ByteReader): void {
    this.ensureCapacity(id + 1);
    if (this.eventTime !== null) {
      this.ensureKeyTimes(id + 1);
      this.keyTimes[2 * id] = input.i32();
      this.keyTimes[2 * id + 1] = input.i32();
    }
    for (const acc of this.accumulators) acc.read(id, input);
    for (const d of this.distinct) d?.read(id, input);
  }
}

/**
 * Whether value `i` (µs) is at or below `wmMicros` (a watermark in µs, below 2^53): Spark's
 * `eventTime <= watermark` on the late and eviction predicates. The no-time marker never is.
 */
function atOrBelow(values: BigInt64Array, words: Int32Array, i: number, wmMicros: number): boolean {
  const t = int64At(words, i);
  if (t === t) return t <= wmMicros;
  return words[2 * i + 1] !== NO_TIME_HI && values[i] <= BigInt(wmMicros);
}

/** The rows where a boolean column is true (null and false rows are left out). */
function selectTrue(v: Vector, n: number): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  if (v.kind === "bool") {
    for (let i = 0; i < n; i++) if (v.values[i] === 1 && (v.valid === null || v.valid[i] === 1)) out[k++] = i;
  }
  return out.subarray(0, k);
}

function isCount(name: AggregateName): boolean {
  return name === "count" || name === "count_distinct" || name === "approx_count_distinct";
}
