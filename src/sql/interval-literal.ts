/**
 * Interval literals as Spark 3.5 parses them (`spark.sql.legacy.interval.enabled=false`):
 * - unit-to-unit `INTERVAL [+|-]'1-2' YEAR TO MONTH`, `INTERVAL '1 02:03' DAY TO MINUTE`: a
 *   year-month or day-time interval of exactly those fields;
 * - multi-unit `INTERVAL 1 YEAR 2 MONTHS`, `INTERVAL '2' DAY`, `INTERVAL -3 HOURS 10 MINUTES` and
 *   the string form `INTERVAL '1 day 2 hours'`: a year-month interval when every unit is YEAR or
 *   MONTH, a day-time interval (from the smallest to the largest unit given; WEEK counts as DAY,
 *   MILLISECOND/MICROSECOND as SECOND) when none is, and an error when both kinds are mixed.
 * Literals give the legacy calendar interval only under `spark.sql.legacy.interval.enabled`
 * (`parse-settings.ts`); otherwise only casts and make_interval do.
 */
import { CalendarIntervalType, DayTimeIntervalType, YearMonthIntervalType, type DataType } from "../types/data-types.js";
import { calendarDurationMicros, castStringToDayTime, castStringToYearMonth, parseCalendarInterval, type CalendarParts } from "../types/interval-strings.js";
import type { LiteralExpr } from "./expression.js";
import type { Token, TokenStream } from "./lexer.js";
import { parseSettings } from "./parse-settings.js";

const MULTI_UNITS = new Set([
  "NANOSECOND", "NANOSECONDS", "MICROSECOND", "MICROSECONDS", "MILLISECOND", "MILLISECONDS", "SECOND", "SECONDS",
  "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS",
]);
const TO_UNITS = new Set(["SECOND", "MINUTE", "HOUR", "DAY", "MONTH", "YEAR"]);
const YM_FIELDS: Readonly<Record<string, number>> = { year: 0, month: 1 };
const DT_FIELDS: Readonly<Record<string, number>> = { day: 0, hour: 1, minute: 2, second: 3, week: 0, millisecond: 3, microsecond: 3 };


function calendarLiteral(months: number, days: number, micros: bigint): LiteralExpr {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, months, true);
  view.setInt32(4, days, true);
  view.setBigInt64(8, micros, true);
  return Object.freeze({ kind: "literal", value: bytes, dataType: CalendarIntervalType() });
}

/** Whether the tokens at the stream (the INTERVAL keyword first) start an interval literal rather than a column named `interval`. */
export function atIntervalLiteral(s: TokenStream): boolean {
  if (!s.atWord("INTERVAL")) return false;
  return valueLength(s, 1) > 0;
}

/**
 * Parses an interval literal, the INTERVAL keyword first.
 * @throws ParseError (positioned) for an invalid literal, with Spark's reason.
 */
export function parseIntervalLiteral(s: TokenStream): LiteralExpr {
  const keyword = s.next();
  const pairs: { value: string; unit: Token; valueTok: Token; isString: boolean; minus: boolean }[] = [];
  for (;;) {
    const len = valueLength(s, 0);
    if (len === 0) break;
    const unit = s.peek(len);
    if (unit.kind !== "word" || !MULTI_UNITS.has(unit.upper)) {
      // `INTERVAL '1 day 2 hours'`: the whole interval in one string.
      if (pairs.length === 0 && len === 1 && s.peek().kind === "string") return typedConstructor(s, keyword);
      break;
    }
    const minus = s.atOp("-");
    if (len === 2) s.next();
    const valueTok = s.next();
    s.next();
    if (s.atWord("TO") && TO_UNITS.has(unit.upper)) {
      if (pairs.length > 0) throw s.errorAt(s.peek().start, "Can only have a single from-to unit in the interval literal syntax");
      return unitToUnit(s, keyword, valueTok, minus, unit);
    }
    pairs.push({ value: valueTok.value, unit, valueTok, isString: valueTok.kind === "string", minus });
  }
  if (pairs.length === 0) throw s.errorAt(keyword.start, "at least one time unit should be given for interval literal");
  if (s.atWord("TO")) throw s.errorAt(s.peek().start, "Can only have a single from-to unit in the interval literal syntax");
  const kvs: string[] = [];
  for (const p of pairs) {
    let v: string;
    if (p.isString) {
      if (/\p{L}/u.test(p.value)) throw s.errorAt(p.valueTok.start, `Cannot parse the INTERVAL value: ${p.value}`);
      v = !p.minus ? p.value : p.value.startsWith("-") ? p.value.slice(1) : `-${p.value}`;
    } else {
      v = p.minus ? `-${p.value}` : p.value;
    }
    kvs.push(` ${v} ${p.unit.value}`);
  }
  const text = kvs.join("");
  const parsed = parseCalendarInterval(text);
  if (!parsed.ok) throw s.errorAt(keyword.start, parsed.problem);
  const units = pairs.map((p) => p.unit.value.toLowerCase().replace(/s$/, ""));
  return multiUnitLiteral(s, keyword, parsed.value, units);
}

/** Tokens in the interval value at `k` (`[+|-] number-or-string`), 0 when there is none. */
function valueLength(s: TokenStream, k: number): number {
  const t = s.peek(k);
  if (t.kind === "number" || t.kind === "string") return 1;
  if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
    const v = s.peek(k + 1);
    if (v.kind === "number" || v.kind === "string") return 2;
  }
  return 0;
}

function typedConstructor(s: TokenStream, keyword: Token): LiteralExpr {
  const tok = s.next();
  const parsed = parseCalendarInterval(tok.value);
  if (!parsed.ok) throw s.errorAt(tok.start, `Cannot parse the INTERVAL value: ${tok.value} (${parsed.problem})`);
  const units = tok.value
    .split(/\s/)
    .map((w) => w.toLowerCase().replace(/s$/, ""))
    .filter((w) => w !== "interval" && /^[a-z]+$/.test(w));
  return multiUnitLiteral(s, keyword, parsed.value, units);
}

function multiUnitLiteral(s: TokenStream, keyword: Token, c: CalendarParts, units: readonly string[]): LiteralExpr {
  if (parseSettings().legacyIntervals) return calendarLiteral(c.months, c.days, c.micros);
  const ym: number[] = [];
  const dt: number[] = [];
  for (const u of units) {
    if (u in YM_FIELDS) ym.push(YM_FIELDS[u]);
    else if (u in DT_FIELDS) dt.push(DT_FIELDS[u]);
  }
  if (ym.length > 0) {
    if (dt.length > 0) throw s.errorAt(keyword.start, "Cannot mix year-month and day-time fields in an interval literal");
    return literal(c.months, YearMonthIntervalType(Math.min(...ym), Math.max(...ym)));
  }
  const micros = calendarDurationMicros(c);
  if (micros === null) throw s.errorAt(keyword.start, "the interval literal overflows a day-time interval");
  return literal(micros, DayTimeIntervalType(Math.min(...dt), Math.max(...dt)));
}

function unitToUnit(s: TokenStream, keyword: Token, valueTok: Token, minus: boolean, fromTok: Token): LiteralExpr {
  s.next(); // TO
  const toTok = s.peek();
  if (toTok.kind !== "word" || !TO_UNITS.has(toTok.upper)) throw s.unexpected("expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND after TO");
  s.next();
  if (valueTok.kind !== "string") throw s.errorAt(valueTok.start, "The value of from-to unit must be a string");
  const raw = valueTok.value;
  const value = !minus ? raw : raw.startsWith("-") ? raw.slice(1) : `-${raw}`;
  const from = fromTok.upper.toLowerCase();
  const to = toTok.upper.toLowerCase();
  if (from === "year" && to === "month") {
    const r = castStringToYearMonth(value, 0, 1);
    if (!r.ok) throw s.errorAt(keyword.start, r.problem);
    return parseSettings().legacyIntervals ? calendarLiteral(r.value, 0, 0n) : literal(r.value, YearMonthIntervalType(0, 1));
  }
  const f = DT_FIELDS[from];
  const t = DT_FIELDS[to];
  if (from in YM_FIELDS || to in YM_FIELDS || f === undefined || t === undefined || f >= t) {
    throw s.errorAt(fromTok.start, `Intervals FROM ${from} TO ${to} are not supported`);
  }
  const r = castStringToDayTime(value, f, t);
  if (!r.ok) throw s.errorAt(keyword.start, r.problem);
  if (parseSettings().legacyIntervals) return calendarLiteral(0, Number(r.value / 86_400_000_000n), r.value % 86_400_000_000n);
  return literal(r.value, DayTimeIntervalType(f, t));
}

function literal(value: number | bigint, dataType: DataType): LiteralExpr {
  return Object.freeze({ kind: "literal", value, dataType });
}
