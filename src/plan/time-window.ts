/**
 * Time windows: `window(timeColumn, windowDuration[, slideDuration[, startTime]])`, Spark's
 * TimeWindowing rule. A select or groupBy that calls `window(…)` reads a new column `window`
 * (`struct<start: timestamp, end: timestamp>`) computed below it:
 * - tumbling (slide = window): rows with a null time are dropped, then each row gets its window;
 * - sliding: each row becomes one row per overlapping window (`ceil(window / slide)` of them,
 *   newest window first, as Spark's Expand), then rows outside their window (only possible when
 *   the window is not a multiple of the slide) and null times are dropped.
 * Window starts are `ts - ((ts - startTime) mod slide)` with a non-negative modulus, in µs.
 *
 * The column carries the time column's watermark delay, so a windowed aggregation is keyed by
 * event time (its `end`, see `plan/event-time.ts`). `window_time(window)` is its `end` minus 1 µs.
 */
import { AnalysisError } from "../errors.js";
import type { CallExpr, Expr } from "../sql/expression.js";
import { exprChildren, mapExprChildren } from "../sql/expression.js";
import type { DataType } from "../types/data-types.js";
import { BooleanType, TimestampType } from "../types/data-types.js";
import type { BoundExpr } from "./expressions/bound.js";
import { castTo, exprSql } from "./expressions/bind.js";
import type { TimeWindowSpec } from "./expressions/time-window-spec.js";
import { SESSION_WINDOW_COLUMN, TIME_WINDOW_COLUMN, timeWindowSpec, timeWindowType } from "./expressions/time-window-spec.js";

export { overlappingWindows, SESSION_WINDOW_COLUMN, TIME_WINDOW_COLUMN, timeWindowExpr, timeWindowType } from "./expressions/time-window-spec.js";
export type { TimeWindowSpec } from "./expressions/time-window-spec.js";

/** Whether `e` is a time-window call (`window(ts, "10 minutes", …)`), not a window function's OVER. */
export function isTimeWindowCall(e: Expr): e is CallExpr {
  return e.kind === "call" && e.name.toLowerCase() === "window";
}

/** Whether `e` calls `window(…)` anywhere. */
export function containsTimeWindow(e: Expr): boolean {
  return isTimeWindowCall(e) || exprChildren(e).some(containsTimeWindow);
}

/**
 * The distinct `window(…)` calls in `exprs` (by SQL text). Spark supports one per operator.
 * @throws AnalysisError when there are two different ones.
 */
export function findTimeWindow(exprs: readonly Expr[]): CallExpr | null {
  let found: CallExpr | null = null;
  const visit = (e: Expr): void => {
    if (isTimeWindowCall(e)) {
      if (found !== null && exprSql(found) !== exprSql(e)) {
        throw new AnalysisError(
          "analysis: multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported",
        );
      }
      found = e;
      return;
    }
    for (const c of exprChildren(e)) visit(c);
  };
  for (const e of exprs) visit(e);
  return found;
}

/** Resolves a `window(…)` call against its input (see `timeWindowSpec`). */
export function bindTimeWindow(call: CallExpr, bindTime: (e: Expr) => BoundExpr): TimeWindowSpec {
  if (call.args.length < 2 || call.args.length > 4) {
    throw new AnalysisError(`analysis: window takes 2 to 4 arguments (timeColumn, windowDuration[, slideDuration[, startTime]]), got ${call.args.length}`);
  }
  // Spark's TimeWindow casts a string time column to a timestamp (ImplicitCastInputTypes).
  const time = bindTime(call.args[0]);
  return timeWindowSpec(call.args, time.dataType.typeName === "string" ? castTo(time, TimestampType()) : time);
}

/**
 * The filter over the expanded rows (the window column at `windowOrdinal`): the time is not null,
 * and, when the window is not a multiple of the slide, inside its window.
 */
export function timeWindowFilter(spec: TimeWindowSpec, windowOrdinal: number): BoundExpr {
  const t = spec.timeColumn;
  const notNull: BoundExpr = { kind: "isNull", child: t, negated: true, dataType: BooleanType(), nullable: false };
  if (spec.windowMicros % spec.slideMicros === 0) return notNull;
  const type: DataType = timeWindowType();
  const w: BoundExpr = { kind: "ref", ordinal: windowOrdinal, name: TIME_WINDOW_COLUMN, dataType: type, nullable: false };
  const field = (ordinal: number, name: string): BoundExpr => ({ kind: "field", child: w, ordinal, name, dataType: TimestampType(), nullable: true });
  const cmp = (op: ">=" | "<", right: BoundExpr): BoundExpr => ({ kind: "binary", op, left: t, right, dataType: BooleanType(), nullable: true });
  return { kind: "binary", op: "and", left: cmp(">=", field(0, "start")), right: cmp("<", field(1, "end")), dataType: BooleanType(), nullable: true };
}

/**
 * `exprs` with every `window(…)` call replaced by the input column at `ordinal`; a call that is a
 * whole expression keeps its output name `window`.
 */
export function replaceTimeWindow(exprs: readonly Expr[], ordinal: number): Expr[] {
  const ref: Expr = { kind: "ordinal", ordinal, name: TIME_WINDOW_COLUMN };
  const walk = (e: Expr): Expr => (isTimeWindowCall(e) ? ref : mapExprChildren(e, walk));
  return exprs.map((e) => (isTimeWindowCall(e) ? { kind: "alias", child: ref, name: TIME_WINDOW_COLUMN } : walk(e)));
}

/** Whether `e` is a `session_window(ts, gap)` call. */
export function isSessionWindowCall(e: Expr): e is CallExpr {
  return e.kind === "call" && e.name.toLowerCase() === "session_window";
}

/** Whether `e` calls `session_window(…)` anywhere. */
export function containsSessionWindow(e: Expr): boolean {
  return isSessionWindowCall(e) || exprChildren(e).some(containsSessionWindow);
}

/**
 * The `session_window(…)` call of an aggregation's grouping, or null. Spark allows one, and not
 * beside `window(…)`.
 * @throws AnalysisError when there are two different ones, or one beside a time window.
 */
export function findSessionWindow(exprs: readonly Expr[]): CallExpr | null {
  let found: CallExpr | null = null;
  const visit = (e: Expr): void => {
    if (isSessionWindowCall(e)) {
      if (found !== null && exprSql(found) !== exprSql(e)) {
        throw new AnalysisError("analysis: multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported");
      }
      found = e;
      return;
    }
    for (const c of exprChildren(e)) visit(c);
  };
  for (const e of exprs) visit(e);
  if (found !== null && findTimeWindow(exprs) !== null) {
    throw new AnalysisError("analysis: multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported");
  }
  return found;
}

/** `exprs` with every `session_window(…)` call replaced by the input column at `ordinal` (named `session_window`). */
export function replaceSessionWindow(exprs: readonly Expr[], ordinal: number): Expr[] {
  const ref: Expr = { kind: "ordinal", ordinal, name: SESSION_WINDOW_COLUMN };
  const walk = (e: Expr): Expr => (isSessionWindowCall(e) ? ref : mapExprChildren(e, walk));
  return exprs.map((e) => (isSessionWindowCall(e) ? { kind: "alias", child: ref, name: SESSION_WINDOW_COLUMN } : walk(e)));
}

/** The filter keeping rows whose own session has bounds (a time, and a positive gap). */
export function sessionWindowFilter(ordinal: number): BoundExpr {
  const w: BoundExpr = { kind: "ref", ordinal, name: SESSION_WINDOW_COLUMN, dataType: timeWindowType(), nullable: false };
  const end: BoundExpr = { kind: "field", child: w, ordinal: 1, name: "end", dataType: TimestampType(), nullable: true };
  return { kind: "isNull", child: end, negated: true, dataType: BooleanType(), nullable: false };
}
