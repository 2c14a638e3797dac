/**
 * `withWatermark`'s operator (Spark's EventTimeWatermarkExec): rows pass unchanged while it
 * records the event times it sees this micro-batch, in ms (`floorDiv(µs, 1000)`). A null event
 * time counts as 0 ms, as in Spark, whose projection writes 0 into a null slot. After the batch
 * the runtime takes the maximum to move the watermark (`runtime/watermark-tracker.ts`).
 */
import type { Batch } from "../columnar/batch.js";
import { InternalError } from "../errors.js";
import { int64Words, microsToMillisAt } from "../columnar/int64-words.js";
import type { StructType } from "../types/data-types.js";
import type { BatchContext, EventTimeStats, Operator } from "./operator.js";

export class EventTimeWatermarkOperator implements Operator {
  private count = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private sum = 0;

  /** `ordinal`: the event-time column (a timestamp, µs); `delayMs`: the watermark delay. */
  constructor(
    readonly schema: StructType,
    private readonly ordinal: number,
    private readonly delayMs: number,
  ) {}

  async open(_ctx: BatchContext): Promise<void> {
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.sum = 0;
  }

  process(batch: Batch): Batch {
    const v = batch.columns[this.ordinal];
    if (v.kind !== "i64") throw new InternalError(`watermark: event-time column ${this.ordinal} is ${v.type.typeName}, not a timestamp`);
    const n = batch.numRows;
    const values = v.values;
    const words = int64Words(values);
    const valid = v.valid;
    let min = this.min;
    let max = this.max;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ms = valid !== null && valid[i] === 0 ? 0 : microsToMillisAt(values, words, i);
      if (ms < min) min = ms;
      if (ms > max) max = ms;
      sum += ms;
    }
    this.min = min;
    this.max = max;
    this.sum += sum;
    this.count += n;
    return batch;
  }

  eventTimeStats(): EventTimeStats {
    return { count: this.count, min: this.min, max: this.max, avg: this.count === 0 ? 0 : this.sum / this.count, delayMs: this.delayMs };
  }
}
