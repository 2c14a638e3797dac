/**
 * The physical operator contract. An operator has one required method, `process`, and optional
 * hooks the runtime calls around each micro-batch. The engine owns checkpointing: stateful
 * operators keep their state in a `StateStore` the runtime opens for them and commit it when the
 * runtime says the batch's output is safely in the sink.
 */
import type { Batch } from "../columnar/batch.js";
import { concatBatches } from "../columnar/ops.js";
import type { StructType } from "../types/data-types.js";
import type { ExpectationAction, OutputMode } from "../plan/logical.js";

/** What the runtime tells an operator about the micro-batch being run. */
export interface BatchContext {
  /** The micro-batch id (0-based, dense). */
  readonly batchId: number;
  /**
   * Event-time watermark of this batch (`offsets/N`'s `batchWatermarkMs`), ms since the epoch (0
   * when none): stateful operators evict state at or below it.
   */
  readonly watermarkMs: number;
  /**
   * The previous batch's watermark (0 for the first batch): stateful operators drop input at or
   * below it as late, as Spark 3.5 does with `statefulOperator.allowMultiple` (its default).
   */
  readonly lateEventsWatermarkMs: number;
  /** Processing time the batch started, ms since the epoch (`current_timestamp()`). */
  readonly batchTimestampMs: number;
  readonly outputMode: OutputMode;
}

export interface Operator {
  /** Schema of the batches this operator emits. */
  readonly schema: StructType;
  /**
   * Called before the first `process` of each micro-batch. Stateful operators load the state as of
   * the end of batch `ctx.batchId - 1` (a re-run batch starts again from that same state).
   */
  open?(ctx: BatchContext): Promise<void>;
  /** Processes one chunk of the micro-batch's input and returns output rows (or null for none). */
  process(batch: Batch): Batch | null;
  /** After the last input chunk: emits what is held back (aggregations in update/complete mode). */
  finish?(): Batch[];
  /** The sink has committed the batch: persist state as of the end of `ctx.batchId`. */
  commit?(): Promise<void>;
  /** Releases resources; the operator is not used again. */
  close?(): Promise<void>;
  /** Metrics for the progress report's `stateOperators[]` entry, when stateful (null: it keeps no state). */
  stateMetrics?(): StateOperatorMetrics | null;
  /**
   * After a batch: whether the operator needs another batch, even without new input, now that the
   * watermark is `newWatermarkMs` (it evicts or emits by the watermark; Spark's no-data batches).
   */
  shouldRunAnotherBatch?(newWatermarkMs: number): boolean;
  /** `withWatermark`'s operator: the event times of the rows this batch, and the delay. */
  eventTimeStats?(): EventTimeStats;
  /** Expectations' operator: each rule's passed and failed rows this batch. */
  expectationMetrics?(): readonly ExpectationMetrics[];
  /**
   * Expectations' operator: the rows this micro-batch sent to quarantine (owned copies), each with
   * the rules it failed; the list empties when the next batch opens.
   */
  quarantined?(): readonly QuarantinedRows[];
  /** `observe`'s operator: this batch's metrics row under its name (after the input ended). */
  observedMetrics?(): Readonly<Record<string, unknown>>;
}

/** Rows that failed an `expectOrQuarantine` rule, and per row the rules it failed (`errors[i]`). */
export interface QuarantinedRows {
  readonly batch: Batch;
  readonly errors: readonly string[];
  /** The file the rows were read from (`input_file_name()` where they were checked), or null. */
  readonly source: string | null;
}

/** One expectation's counts over a micro-batch. */
export interface ExpectationMetrics {
  readonly name: string;
  readonly action: ExpectationAction;
  /** The condition, as Spark would name it as a column. */
  readonly condition: string;
  readonly passedRecords: number;
  readonly failedRecords: number;
}

/** The event times (ms) a watermark operator saw in one micro-batch (Spark's `EventTimeStats`). */
export interface EventTimeStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly delayMs: number;
}

/** One entry of Spark's `stateOperators[]` in `StreamingQueryProgress`. */
export interface StateOperatorMetrics {
  readonly operatorName: string;
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly numRowsDroppedByWatermark: number;
  readonly memoryUsedBytes: number;
  readonly commitTimeMs: number;
  readonly numShufflePartitions: number;
  readonly numStateStoreInstances: number;
  /**
   * Operator-specific figures, as Spark's `customMetrics` (dedup: `numDroppedDuplicateRows`).
   * `stateGrowsWithoutBound: 1` warns that the operator never evicts state (no watermark bounds it).
   */
  readonly customMetrics: Readonly<Record<string, number>>;
}

/** A state operator's progress entry from its store's figures (one partition, one store instance, as sluice runs). */
export function stateOperatorMetrics(
  operatorName: string,
  m: { numRowsTotal: number; numRowsUpdated: number; numRowsRemoved: number; memoryUsedBytes: number; commitTimeMs: number },
  numRowsDroppedByWatermark = 0,
  customMetrics: Readonly<Record<string, number>> = {},
): StateOperatorMetrics {
  return {
    operatorName,
    numRowsTotal: m.numRowsTotal,
    numRowsUpdated: m.numRowsUpdated,
    numRowsRemoved: m.numRowsRemoved,
    numRowsDroppedByWatermark,
    memoryUsedBytes: m.memoryUsedBytes,
    commitTimeMs: m.commitTimeMs,
    numShufflePartitions: 1,
    numStateStoreInstances: 1,
    customMetrics,
  };
}

/**
 * A blocking operator: collects every chunk of its input (of `inputSchema`), then computes its
 * output from all of it at `finish()` (sort, window functions).
 */
export abstract class CollectingOperator implements Operator {
  protected ctx: BatchContext | undefined = undefined;
  private chunks: Batch[] = [];

  constructor(
    readonly schema: StructType,
    private readonly inputSchema: StructType,
  ) {}

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.chunks = [];
  }

  process(batch: Batch): null {
    if (batch.numRows > 0) this.chunks.push(batch);
    return null;
  }

  finish(): Batch[] {
    const all = concatBatches(this.inputSchema, this.chunks);
    this.chunks = [];
    return all.numRows === 0 ? [] : this.complete(all);
  }

  /** The output for the whole input (at least one row). */
  protected abstract complete(all: Batch): Batch[];
}
