/**
 * The state watermark a stream–stream join derives from a time-range condition, as Spark's
 * StreamingJoinHelper.getStateValueWatermark does: for one side, the event time at or below which
 * none of its state rows can match a future row of the other side, given the other side's
 * watermark. Each conjunct `a < b` (`<=`, `>`, `>=` normalized to it) is moved to one side,
 * `a - b`, and split into additive terms: the side's event time, the other side's event time, and
 * constants (numbers are seconds, as `CAST(t AS LONG)` reads a timestamp; casts of the time columns
 * are read through, in µs). When the side's term is negated (the side's time is the larger one)
 * and it is the only term of its side, the other side's time is replaced by the watermark and the
 * rest evaluated: that value, in ms (minus 1 for `<=` and `>=`), is a bound; the least bound wins.
 * E.g. `CAST(p.ts AS LONG) BETWEEN CAST(b.ts AS LONG) AND CAST(b.ts AS LONG) + 3600`, or
 * `p.ts BETWEEN b.ts AND b.ts + INTERVAL 1 HOUR` (interval literals count in µs), keeps a booking
 * until the watermark is an hour past it.
 */
import type { BoundExpr } from "./expressions/bound.js";
import type { ResolvedJoin, ResolvedPlan } from "./analyze.js";
import { splitConjuncts } from "./expressions/bound.js";

interface Term {
  readonly kind: "side" | "other" | "constant";
  /** µs for constants; 1 or -1 for the time terms. */
  readonly value: number;
}

/**
 * A function from the other side's watermark (ms) to this side's state watermark (ms), or null
 * when no conjunct bounds this side. `sideOrdinal` and `otherOrdinal` are the two event-time
 * columns in the condition's input (the join's pair of rows).
 */
export function stateValueWatermark(condition: BoundExpr | null, sideOrdinal: number, otherOrdinal: number): ((watermarkMs: number) => number) | null {
  if (condition === null) return null;
  const bounds: ((w: number) => number)[] = [];
  for (const c of splitConjuncts(condition)) {
    if (c.kind !== "binary") continue;
    let lessThan: [BoundExpr, BoundExpr] | null = null;
    let strict = true;
    if (c.op === "<") lessThan = [c.left, c.right];
    else if (c.op === "<=") [lessThan, strict] = [[c.left, c.right], false];
    else if (c.op === ">") lessThan = [c.right, c.left];
    else if (c.op === ">=") [lessThan, strict] = [[c.right, c.left], false];
    if (lessThan === null) continue;
    const terms: Term[] = [];
    if (!collect(lessThan[0], false, terms, sideOrdinal, otherOrdinal) || !collect(lessThan[1], true, terms, sideOrdinal, otherOrdinal)) continue;
    const side = terms.filter((t) => t.kind === "side");
    const other = terms.filter((t) => t.kind === "other");
    if (side.length !== 1 || side[0].value !== -1 || other.length > 1) continue;
    const constant = terms.filter((t) => t.kind === "constant").reduce((a, t) => a + t.value, 0);
    const otherSign = other.length === 0 ? 0 : other[0].value;
    bounds.push((w) => Math.trunc((otherSign * w * 1000 + constant) / 1000) - (strict ? 0 : 1));
  }
  if (bounds.length === 0) return null;
  return (w) => Math.min(...bounds.map((b) => b(w)));
}

/**
 * The µs of an interval literal: a day-time interval, or a calendar interval without months (as
 * Spark's StreamingJoinHelper, which refuses months: their length varies); null for one with
 * months or a year-month interval; undefined when `e` is not an interval.
 */
function intervalMicros(e: BoundExpr & { kind: "literal" }): number | null | undefined {
  const t = e.dataType.typeName;
  if (t === "daytimeinterval") return typeof e.value === "bigint" ? Number(e.value) : typeof e.value === "number" ? e.value : null;
  if (t === "yearmonthinterval") return null;
  if (t === "interval" && e.value instanceof Uint8Array && e.value.length === 16) {
    const view = new DataView(e.value.buffer, e.value.byteOffset, 16);
    const months = view.getInt32(0, true);
    const days = view.getInt32(4, true);
    return months !== 0 ? null : days * 86_400_000_000 + Number(view.getBigInt64(8, true));
  }
  return undefined;
}

/** Adds `e`'s additive terms (negated when `negate`); false when `e` is not a sum of such terms. */
function collect(e: BoundExpr, negate: boolean, out: Term[], sideOrdinal: number, otherOrdinal: number): boolean {
  const sign = negate ? -1 : 1;
  switch (e.kind) {
    case "binary":
      if (e.op === "+") return collect(e.left, negate, out, sideOrdinal, otherOrdinal) && collect(e.right, negate, out, sideOrdinal, otherOrdinal);
      if (e.op === "-") return collect(e.left, negate, out, sideOrdinal, otherOrdinal) && collect(e.right, !negate, out, sideOrdinal, otherOrdinal);
      return false;
    case "unary":
      return e.op === "negate" && collect(e.child, !negate, out, sideOrdinal, otherOrdinal);
    case "cast": {
      const t = e.dataType.typeName;
      const numeric = t === "long" || t === "integer" || t === "double" || t === "float" || t === "decimal" || t === "short" || t === "byte" || t === "timestamp";
      return numeric && collect(e.child, negate, out, sideOrdinal, otherOrdinal);
    }
    case "ref":
      if (e.ordinal === sideOrdinal) out.push({ kind: "side", value: sign });
      else if (e.ordinal === otherOrdinal) out.push({ kind: "other", value: sign });
      else return false;
      return true;
    case "literal": {
      const interval = intervalMicros(e);
      if (interval !== undefined) {
        if (interval === null) return false;
        out.push({ kind: "constant", value: sign * interval });
        return true;
      }
      const v = typeof e.value === "number" ? e.value : typeof e.value === "bigint" ? Number(e.value) : null;
      if (v === null || !Number.isFinite(v)) return false;
      out.push({ kind: "constant", value: sign * v * 1_000_000 });
      return true;
    }
    case "call":
      // `ts + INTERVAL …` and `ts - INTERVAL …` (bound as $time_add, a negated interval for `-`).
      if (e.fn.name === "$time_add" && e.args.length === 2) return collect(e.args[0], negate, out, sideOrdinal, otherOrdinal) && collect(e.args[1], negate, out, sideOrdinal, otherOrdinal);
      if (e.fn.name === "$interval_negate" && e.args.length === 1) return collect(e.args[0], !negate, out, sideOrdinal, otherOrdinal);
      return false;
    default:
      return false;
  }
}

/** The first watermarked column of `p`'s output, or null. */
export function firstEventTime(p: ResolvedPlan): number | null {
  const i = p.eventTimeDelays?.findIndex((d) => d !== null) ?? -1;
  return i < 0 ? null : i;
}

/**
 * The join key that is a watermarked event time, as Spark's findJoinKeyOrdinalForWatermark picks
 * it: the first left key that is a watermarked column, else the first right one; or null.
 */
export function joinKeyTimeIndex(left: ResolvedPlan, leftKeys: readonly BoundExpr[], right: ResolvedPlan, rightKeys: readonly BoundExpr[]): number | null {
  const find = (p: ResolvedPlan, keys: readonly BoundExpr[]) => keys.findIndex((k) => k.kind === "ref" && (p.eventTimeDelays?.[k.ordinal] ?? null) !== null);
  const l = find(left, leftKeys);
  if (l >= 0) return l;
  const r = find(right, rightKeys);
  return r < 0 ? null : r;
}

/**
 * Per side, the state watermark a time-range condition gives (see `plan/join-state-watermark.ts`),
 * when both sides have a watermarked event time; the condition is over the pair of rows.
 */
export function joinStateValueWatermarks(p: ResolvedJoin): { left: ((w: number) => number) | null; right: ((w: number) => number) | null } {
  const l = firstEventTime(p.left);
  const r = firstEventTime(p.right);
  if (l === null || r === null) return { left: null, right: null };
  const rightInPair = p.left.schema.fields.length + r;
  return { left: stateValueWatermark(p.residual, l, rightInPair), right: stateValueWatermark(p.residual, rightInPair, l) };
}

/**
 * Which sides of a stream-stream join output their unmatched rows, and so keep a matched flag
 * per row: the outer side(s) of an outer join, and the left side of a semi join.
 */
export function unmatchedOutputSides(joinType: string): { readonly left: boolean; readonly right: boolean } {
  return { left: joinType === "left" || joinType === "full" || joinType === "left_semi", right: joinType === "right" || joinType === "full" };
}
