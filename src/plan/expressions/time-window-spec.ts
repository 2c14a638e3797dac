/**
 * The spec of a time window call, `window(timeColumn, windowDuration[, slideDuration[,
 * startTime]])` (see `plan/time-window.ts` for the plan rewrite around it): the durations checked
 * as Spark checks them, and the bound expression of one of a row's windows.
 */
import { AnalysisError } from "../../errors.js";
import type { Expr } from "../../sql/expression.js";
import { parseIntervalText } from "../../types/interval-text.js";
import type { StructType as StructTypeT } from "../../types/data-types.js";
import { StructField, StructType, TimestampType } from "../../types/data-types.js";
import type { BoundExpr } from "./bound.js";
import { typeString } from "./coercion.js";

/** The name of the column a time window adds (Spark's `window`). */
export const TIME_WINDOW_COLUMN = "window";

/** The internal kernel computing window `index` of a row (see `exec/eval/functions/event-time-functions.ts`). */
export const TIME_WINDOW_FUNCTION = "#time_window";

/** A `window(…)` call resolved against its input. */
export interface TimeWindowSpec {
  readonly timeColumn: BoundExpr;
  readonly windowMicros: number;
  readonly slideMicros: number;
  readonly startMicros: number;
}

/** The window struct type: `struct<start: timestamp, end: timestamp>` (fields nullable, as Spark's). */
export function timeWindowType(): StructTypeT {
  return StructType([StructField("start", TimestampType(), true), StructField("end", TimestampType(), true)]);
}

/**
 * Checks a `window(…)` call's arguments (`args` unresolved, `timeColumn` the first one bound),
 * with Spark's rules and messages: the time column is a timestamp, durations are interval string
 * literals, positive and under a month, the slide is at most the window, and the start time's
 * magnitude is below the slide.
 */
export function timeWindowSpec(args: readonly Expr[], timeColumn: BoundExpr): TimeWindowSpec {
  if (timeColumn.dataType.typeName !== "timestamp") {
    throw new AnalysisError(`analysis: window: the time column must be a timestamp, got ${typeString(timeColumn.dataType)}`);
  }
  const duration = (k: number, what: string): number => {
    const a = args[k];
    if (a.kind !== "literal" || typeof a.value !== "string") {
      throw new AnalysisError(`analysis: window: the ${what} must be an interval string literal such as '10 minutes'`);
    }
    const v = parseIntervalText(a.value, `window ${what}`);
    if (v.months !== 0) throw new AnalysisError(`analysis: window: intervals greater than a month are not supported (${a.value})`);
    return v.micros;
  };
  const windowMicros = duration(1, "windowDuration");
  const slideMicros = args.length > 2 ? duration(2, "slideDuration") : windowMicros;
  const startMicros = args.length > 3 ? duration(3, "startTime") : 0;
  if (windowMicros <= 0) throw new AnalysisError(`analysis: window: the window duration (${windowMicros}) must be greater than 0`);
  if (slideMicros <= 0) throw new AnalysisError(`analysis: window: the slide duration (${slideMicros}) must be greater than 0`);
  if (slideMicros > windowMicros) {
    throw new AnalysisError(`analysis: window: the slide duration (${slideMicros}) must be less than or equal to the windowDuration (${windowMicros})`);
  }
  if (Math.abs(startMicros) >= slideMicros) {
    throw new AnalysisError(`analysis: window: the absolute value of start time (${startMicros}) must be less than the slideDuration (${slideMicros})`);
  }
  return { timeColumn, windowMicros, slideMicros, startMicros };
}

/** How many windows a row falls into. */
export function overlappingWindows(spec: TimeWindowSpec): number {
  return Math.ceil(spec.windowMicros / spec.slideMicros);
}

/** The kernel options of window `index` of a row (0 = the newest window containing it). */
export function timeWindowOptions(spec: Omit<TimeWindowSpec, "timeColumn">, index: number): Record<string, string> {
  return { window: String(spec.windowMicros), slide: String(spec.slideMicros), start: String(spec.startMicros), index: String(index) };
}

/** Window `index` of a row (0 = the newest window containing it), as a bound expression. */
export function timeWindowExpr(spec: TimeWindowSpec, index: number): BoundExpr {
  return {
    kind: "call",
    fn: { name: TIME_WINDOW_FUNCTION, prettyName: TIME_WINDOW_COLUMN, options: timeWindowOptions(spec, index) },
    args: [spec.timeColumn],
    dataType: timeWindowType(),
    nullable: false,
  };
}

/** The name of the column a session window adds (Spark's `session_window`). */
export const SESSION_WINDOW_COLUMN = "session_window";

/** The internal kernel computing a row's own session `[ts, ts + gap)` before sessions merge. */
export const SESSION_WINDOW_FUNCTION = "#session_window";

/**
 * The gap of `session_window(ts, gap)`: a constant (an interval string literal, µs) or null when
 * it is an expression evaluated per row (a string interval; rows whose gap is null or not
 * positive are dropped, as Spark drops them).
 * @throws AnalysisError when the time column is not a timestamp, or the gap is neither a string
 *   nor a positive-able interval literal.
 */
export function sessionGapMicros(args: readonly Expr[], timeColumn: BoundExpr, gap: BoundExpr): number | null {
  if (timeColumn.dataType.typeName !== "timestamp") {
    throw new AnalysisError(`analysis: session_window: the time column must be a timestamp, got ${typeString(timeColumn.dataType)}`);
  }
  const raw = args[1];
  if (raw.kind === "literal" && typeof raw.value === "string") {
    const v = parseIntervalText(raw.value, "session_window gapDuration");
    if (v.months !== 0) throw new AnalysisError(`analysis: session_window: intervals greater than a month are not supported (${raw.value})`);
    return v.micros;
  }
  if (gap.dataType.typeName !== "string") {
    throw new AnalysisError(`analysis: session_window: the gap must be an interval string such as '10 minutes' (or a string expression), got ${typeString(gap.dataType)}`);
  }
  return null;
}
