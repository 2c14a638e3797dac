/**
 * The state a user function sees in `applyWithState` (Spark's `GroupState`, with GroupStateImpl's
 * rules): a value it may read, update and remove, and a timeout it may set for the call at hand.
 * The operator (`exec/apply-with-state.ts`) creates one per call and reads its outcome.
 */
import { ConfigError, ExecutionError } from "../errors.js";
import { parseIntervalText } from "../types/interval-text.js";

/** A row as user code sees it: column name → value. */
type Row = Record<string, unknown>;

/** Spark's `GroupStateTimeout`. */
export type GroupStateTimeout = "NoTimeout" | "ProcessingTimeTimeout" | "EventTimeTimeout";

/** The function `applyWithState` calls per key: returns the rows to emit (objects of the output schema). */
export type GroupStateFunction<S extends Row = Row> = (key: unknown[], rows: Row[], state: GroupState<S>) => Iterable<Row>;

/** No timeout set. */
export const NO_TIMESTAMP = -1;

/** The state of one key during one call (Spark's `GroupState`). */
export class GroupState<S extends Row = Row> {
  private value: S | null;
  private updated = false;
  private removed = false;
  private timeoutMs = NO_TIMESTAMP;

  /** @internal Created by the operator for each call. */
  constructor(
    value: S | null,
    /** True when the call is for a timeout (no rows). */
    readonly hasTimedOut: boolean,
    private readonly timeout: GroupStateTimeout,
    private readonly batchTimestampMs: number,
    private readonly watermarkMs: number | null,
  ) {
    this.value = value;
  }

  /** Whether the key has a state value. */
  get exists(): boolean {
    return this.value !== null;
  }

  /** The state value. @throws ExecutionError when there is none. */
  get(): S {
    if (this.value === null) throw new ExecutionError("GroupState: state is either not defined or has already been removed");
    return this.value;
  }

  /** The state value, or undefined. */
  getOption(): S | undefined {
    return this.value ?? undefined;
  }

  /** Replaces the state value. @throws ExecutionError for null or undefined. */
  update(newValue: S): void {
    if (newValue === null || newValue === undefined) throw new ExecutionError("GroupState: 'null' is not a valid state value");
    this.value = newValue;
    this.updated = true;
    this.removed = false;
  }

  /** Removes the state value. */
  remove(): void {
    this.value = null;
    this.updated = false;
    this.removed = true;
  }

  /**
   * With a processing-time timeout: call the function again with `hasTimedOut` when the key gets
   * no rows for `duration` (ms, or an interval string).
   */
  setTimeoutDuration(duration: number | string): void {
    if (this.timeout !== "ProcessingTimeTimeout") {
      throw new ExecutionError("GroupState: cannot set timeout duration without enabling processing time timeout in applyWithState");
    }
    const ms = typeof duration === "number" ? duration : durationMs(duration);
    if (!(ms > 0)) throw new ExecutionError("GroupState: timeout duration must be positive");
    this.timeoutMs = this.batchTimestampMs + Math.trunc(ms);
  }

  /**
   * With an event-time timeout: call the function again with `hasTimedOut` once the watermark
   * passes `timestampMs` (ms since the epoch, or a Date), plus `additionalDuration` when given.
   */
  setTimeoutTimestamp(timestamp: number | Date, additionalDuration?: string): void {
    if (this.timeout !== "EventTimeTimeout") {
      throw new ExecutionError("GroupState: cannot set timeout timestamp without enabling event time timeout in applyWithState");
    }
    const ms = (typeof timestamp === "number" ? timestamp : timestamp.getTime()) + (additionalDuration === undefined ? 0 : durationMs(additionalDuration));
    if (!(ms > 0)) throw new ExecutionError("GroupState: timeout timestamp must be positive");
    if (this.watermarkMs !== null && ms < this.watermarkMs) {
      throw new ExecutionError(`GroupState: timeout timestamp (${ms}) cannot be earlier than the current watermark (${this.watermarkMs})`);
    }
    this.timeoutMs = Math.trunc(ms);
  }

  /** The watermark of this batch (ms). @throws ExecutionError when the query has no watermark. */
  getCurrentWatermarkMs(): number {
    if (this.watermarkMs === null) throw new ExecutionError("GroupState: cannot get event time watermark timestamp without setting watermark before applyWithState");
    return this.watermarkMs;
  }

  /** The batch's processing time (ms). */
  getCurrentProcessingTimeMs(): number {
    return this.batchTimestampMs;
  }

  /** @internal What the call left: the value, whether to write or remove it, and the timeout. */
  outcome(): { value: S | null; changed: boolean; removed: boolean; timeoutMs: number } {
    return { value: this.value, changed: this.updated || this.removed, removed: this.removed, timeoutMs: this.timeoutMs };
  }
}

function durationMs(text: string): number {
  const v = parseIntervalText(text, "GroupState duration");
  const ms = Math.trunc((v.months * 31 * 86_400_000_000 + v.micros) / 1000);
  if (ms < 0) throw new ConfigError(`GroupState: provided duration (${text}) is negative`, { option: "duration" });
  return ms;
}

