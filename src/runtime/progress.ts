/**
 * Progress reports in Spark's `StreamingQueryProgress` JSON shape, so dashboards and alerting
 * written for Spark read them unchanged.
 */
import type { ExpectationMetrics, StateOperatorMetrics } from "../exec/operator.js";

export interface SourceProgress {
  readonly description: string;
  readonly startOffset: unknown;
  readonly endOffset: unknown;
  readonly latestOffset: unknown;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly metrics: Readonly<Record<string, string>>;
}

export interface SinkProgress {
  readonly description: string;
  readonly numOutputRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

export interface StreamingQueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  /** ISO-8601 time the trigger started. */
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: Readonly<Record<string, number>>;
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorMetrics[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  /**
   * Spark's named metric rows. A query with expectations has one named `expectations`:
   * `<rule>.passed` and `<rule>.failed` per rule, which the Prometheus endpoint exports as gauges.
   */
  readonly observedMetrics: Readonly<Record<string, unknown>>;
  /** sluice's own section, present when the query has expectations: each rule's counts this batch. */
  readonly dataQuality?: DataQualityProgress;
}

/** The data-quality section of a progress report (in the shape of DLT's `flow_progress.data_quality`). */
export interface DataQualityProgress {
  readonly expectations: readonly ExpectationMetrics[];
  /** With `quarantinePath`: the table and the rows this batch wrote to it. */
  readonly quarantine?: { readonly path: string; readonly numRecords: number };
}

/** Spark's `observedMetrics` row of a batch's expectations: `<rule>.passed` and `<rule>.failed`. */
export function expectationsRow(metrics: readonly ExpectationMetrics[]): Record<string, number> {
  const row: Record<string, number> = {};
  for (const m of metrics) {
    row[`${m.name}.passed`] = m.passedRecords;
    row[`${m.name}.failed`] = m.failedRecords;
  }
  return row;
}

export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** Parses an offset's JSON text for the progress report (offsets are shown as JSON values). */
export function offsetForProgress(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
