/**
 * Session windows (Spark's MergingSessionsExec with its session state store): rows arrive with
 * their own session `[ts, ts + gap)` in the session column; per key (the other grouping columns)
 * sessions that overlap — a session starting at or before the current one's end — merge into one
 * `[min start, max end)`. The operator emits the rows of each session it releases with the merged
 * session in the session column, and a per-batch aggregation above it groups them.
 *
 * What is released:
 * - in a batch query, and in complete mode, every session (a streaming complete query keeps every
 *   row in state, as Spark keeps every session);
 * - in append mode, the sessions the watermark has passed (end at or below it), once; they leave
 *   the state.
 * On a stream with a watermark, rows whose own session ends at or below the previous batch's
 * watermark are late and dropped (counted) in every mode, as Spark's
 * SessionWindowStateStoreRestoreExec drops them.
 *
 * Unlike Spark, which keeps each session's aggregation buffer, the state holds the rows of open
 * sessions (the columns the aggregation reads, encoded with the key codec): aggregates then need
 * no merge step, and open sessions are bounded by the watermark. State key: the other grouping
 * columns; value: the count of rows, then each row's own session start and end (µs) and its bytes.
 */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import { KeyCodec } from "../columnar/key-codec.js";
import { shapeString } from "../types/print-schema.js";
import { hashKey } from "../columnar/murmur3.js";
import type { Vector } from "../columnar/vector.js";
import { InternalError } from "../errors.js";
import type { ByteReader, ByteWriter } from "../state/byte-io.js";
import type { StateLocation, StateStoreOptions, StateValueCodec } from "../state/state-store.js";
import { StateStore } from "../state/state-store.js";
import type { OutputMode } from "../plan/logical.js";
import type { StructType } from "../types/data-types.js";
import { TimestampType } from "../types/data-types.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "./operator.js";
import { stateOperatorMetrics } from "./operator.js";

export interface SessionWindowOptions {
  readonly inputSchema: StructType;
  /** Ordinal of the session column (`struct<start, end>`: each row's own session). */
  readonly sessionOrdinal: number;
  /** Ordinals of the other grouping columns: sessions merge per value of these. */
  readonly keyOrdinals: readonly number[];
  readonly outputMode: OutputMode;
  /** Whether the time column has a watermark (late rows are dropped in every mode, as in Spark). */
  readonly watermarked: boolean;
  /** Where open sessions persist; null for a batch query. */
  readonly state: StateLocation | null;
  readonly operatorId: number;
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
}

/** One buffered row: its own session and its encoded columns. */
interface BufferedRow {
  readonly start: bigint;
  readonly end: bigint;
  readonly bytes: Uint8Array;
}

export class SessionWindowOperator implements Operator {
  /** The input's schema: rows pass with the merged session in the session column. */
  readonly schema: StructType;
  private readonly name: string;
  private readonly keyCodec: KeyCodec;
  private readonly rowCodec: KeyCodec;
  private readonly store: StateStore;
  private readonly streaming: boolean;
  /** Per key id, its buffered rows. */
  private rows: BufferedRow[][] = [];
  private ctx: BatchContext | null = null;
  private droppedByWatermark = 0;
  private sessionCount = 0;

  constructor(private readonly options: SessionWindowOptions) {
    this.name = `session window (operator ${options.operatorId})`;
    this.schema = options.inputSchema;
    const types = options.inputSchema.fields.map((f) => f.dataType);
    this.keyCodec = new KeyCodec(
      options.keyOrdinals.map((o) => types[o]),
      this.name,
    );
    this.rowCodec = new KeyCodec(types, this.name);
    this.streaming = options.state !== null;
    const codec: StateValueCodec = {
      writeValue: (id, out) => this.writeValue(id, out),
      readValue: (id, input) => this.readValue(id, input),
      reset: () => {
        this.rows = [];
      },
    };
    const schema = {
      operator: "sessionWindow",
      key: options.keyOrdinals.map((o) => shapeString(types[o])).join(", "),
      value: types.map((t) => shapeString(t)).join(", "),
    };
    this.store = new StateStore(options.state, codec, { ...options.stateOptions, operator: this.name, schema });
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.droppedByWatermark = 0;
    if (!this.streaming) {
      await this.store.load(0);
      return;
    }
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
  }

  /** Buffers the rows under their key; output comes from `finish()`. */
  process(batch: Batch): null {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: process() before open()`);
    const n = batch.numRows;
    const session = batch.columns[this.options.sessionOrdinal];
    if (session.kind !== "struct") throw new InternalError(`${this.name}: the session column is ${session.type.typeName}`);
    const [starts, ends] = session.children;
    if (starts.kind !== "i64" || ends.kind !== "i64") throw new InternalError(`${this.name}: session bounds are not timestamps`);
    const late = this.streaming && this.options.watermarked ? BigInt(ctx.lateEventsWatermarkMs) * 1000n : null;
    const table = this.store.keys;
    this.keyCodec.bind(this.options.keyOrdinals.map((o) => batch.columns[o]));
    this.rowCodec.bind(batch.columns);
    for (let i = 0; i < n; i++) {
      const end = ends.values[i];
      if (late !== null && end <= late) {
        this.droppedByWatermark++;
        continue;
      }
      const klen = this.keyCodec.encode(i);
      const id = table.findOrInsert(this.keyCodec.scratch, 0, klen, hashKey(this.keyCodec.scratch, 0, klen));
      this.store.markUpdated(id);
      const rlen = this.rowCodec.encode(i);
      (this.rows[id] ??= []).push({ start: starts.values[i], end, bytes: this.rowCodec.scratch.slice(0, rlen) });
    }
    return null;
  }

  /** Merges each key's sessions and emits the rows of the sessions released (see the file doc). */
  finish(): Batch[] {
    const ctx = this.ctx;
    if (ctx === null) throw new InternalError(`${this.name}: finish() before open()`);
    const evictAt = this.appendMode ? BigInt(ctx.watermarkMs) * 1000n : null;
    const out: { row: Uint8Array; start: bigint; end: bigint }[] = [];
    const table = this.store.keys;
    let sessions = 0;
    for (let id = 0; id < table.idCount; id++) {
      const rows = this.rows[id];
      if (!table.isLive(id) || rows === undefined || rows.length === 0) continue;
      rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      const kept: BufferedRow[] = [];
      for (let i = 0; i < rows.length; ) {
        let end = rows[i].end;
        let j = i + 1;
        while (j < rows.length && rows[j].start <= end) {
          if (rows[j].end > end) end = rows[j].end;
          j++;
        }
        const start = rows[i].start;
        if (evictAt === null || end <= evictAt) {
          for (let k = i; k < j; k++) out.push({ row: rows[k].bytes, start, end });
        }
        if (evictAt !== null && end > evictAt) {
          for (let k = i; k < j; k++) kept.push(rows[k]);
          sessions++;
        } else if (evictAt === null) {
          sessions++;
        }
        i = j;
      }
      if (evictAt !== null && kept.length !== rows.length) {
        if (kept.length === 0) {
          this.store.remove(id);
          this.rows[id] = [];
        } else {
          this.rows[id] = kept;
          this.store.markUpdated(id);
        }
      }
    }
    this.sessionCount = sessions;
    if (!this.streaming) this.rows = [];
    return out.length === 0 ? [] : [this.emit(out)];
  }

  async commit(): Promise<void> {
    await this.store.commit();
  }

  shouldRunAnotherBatch(newWatermarkMs: number): boolean {
    return this.appendMode && this.ctx !== null && newWatermarkMs > this.ctx.watermarkMs;
  }

  stateMetrics(): StateOperatorMetrics {
    return { ...stateOperatorMetrics("sessionWindowStateStoreSaveExec", this.store.metrics(), this.droppedByWatermark), numRowsTotal: this.sessionCount };
  }

  private get appendMode(): boolean {
    return this.streaming && this.options.outputMode === "append";
  }

  /** The released rows decoded, with their merged session in the session column. */
  private emit(rows: readonly { row: Uint8Array; start: bigint; end: bigint }[]): Batch {
    const n = rows.length;
    let size = 0;
    for (const r of rows) size += r.row.length;
    const data = new Uint8Array(size);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      data.set(rows[i].row, at);
      starts[i] = at;
      at += rows[i].row.length;
      ends[i] = at;
    }
    const columns = this.rowCodec.decode(data, starts, ends, n);
    const sessionType = this.schema.fields[this.options.sessionOrdinal].dataType;
    if (sessionType.typeName !== "struct") throw new InternalError(`${this.name}: the session column is not a struct`);
    const s = new BigInt64Array(n);
    const e = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = rows[i].start;
      e[i] = rows[i].end;
    }
    const children: Vector[] = [
      { kind: "i64", type: TimestampType(), length: n, valid: null, values: s },
      { kind: "i64", type: TimestampType(), length: n, valid: null, values: e },
    ];
    columns[this.options.sessionOrdinal] = { kind: "struct", type: sessionType, length: n, valid: null, children };
    return makeBatch(this.schema, columns, n);
  }

  private writeValue(id: number, out: ByteWriter): void {
    const rows = this.rows[id] ?? [];
    out.u32(rows.length);
    for (const r of rows) {
      out.i64(r.start);
      out.i64(r.end);
      out.lenBytes(r.bytes);
    }
  }

  private readValue(id: number, input: ByteReader): void {
    const count = input.u32();
    const rows: BufferedRow[] = [];
    for (let k = 0; k < count; k++) {
      const start = input.i64();
      const end = input.i64();
      const [s, e] = input.lenRange();
      rows.push({ start, end, bytes: input.data.slice(s, e) });
    }
    this.rows[id] = rows;
  }
}
