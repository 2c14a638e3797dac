/**
 * Spark 3.5 datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, `[zzz]`, `'T'` …), compiled once per
 * pattern into a formatter and a parser with the behaviour of the `DateTimeFormatter` Spark's
 * `DateTimeFormatterHelper` builds: case-insensitive parsing, STRICT resolution, ISO chronology,
 * `y` read as the proleptic year `u` unless the pattern has an era `G`, a variable-length second
 * fraction when parsing, and missing fields defaulted as Spark defaults them (year 1970, month
 * and day 1, hour 0, `h` without `a` read as AM).
 *
 * Spark's errors are kept: a pattern Spark refuses raises its `IllegalArgumentException` message,
 * or, when the legacy `SimpleDateFormat` would have accepted it, the `SparkUpgradeException`
 * `INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION`. A text the parser rejects is
 * null, unless the legacy (non-lenient) `SimpleDateFormat` parser would have read it, which is
 * `INCONSISTENT_BEHAVIOR_CROSS_VERSION.PARSE_DATETIME_BY_NEW_PARSER` (Spark's default
 * `spark.sql.legacy.timeParserPolicy=EXCEPTION`).
 *
 * Per row, formatting and parsing make one pass over the compiled items with integer arithmetic:
 * no `Date`, no regex. Zone names (`z`) come from `Intl`, cached per zone and offset.
 */
import { ExecutionError } from "../../errors.js";
import type { ZoneRules } from "../../columnar/time-zone.js";
import { fixedOffset, toLocalMicros, zoneRules } from "../../columnar/time-zone.js";
import { civilFromDays, daysFromCivil } from "./datetime.js";

/** A pattern compiled for formatting and parsing instants. */
export interface DateTimeFormatter {
  /** The pattern as written. */
  readonly pattern: string;
  /** The instant `utc` (µs since the epoch) as the wall-clock text in `zone`. */
  format(utc: bigint, zone: ZoneRules): string;
  /**
   * The instant `text` names (µs since the epoch), reading a text without a zone in `zone`; null
   * where Spark gives null. Throws Spark's errors (a text only the legacy parser reads, an instant
   * beyond the µs range). `wallClock`: the wall-clock time as written (TIMESTAMP_NTZ µs), a zone
   * or offset in the text ignored.
   */
  parse(text: string, zone: ZoneRules, wallClock?: boolean): bigint | null;
}

const cache = new Map<string, DateTimeFormatter>();

/**
 * The formatter of `pattern` (`forParsing` selects Spark's parsing rules: `E F q Q` refused, a
 * variable-length fraction). Throws Spark's error for a pattern Spark refuses.
 */
export function dateTimeFormatter(pattern: string, forParsing: boolean): DateTimeFormatter {
  const key = `${forParsing ? "p" : "f"}${pattern}`;
  let f = cache.get(key);
  if (f === undefined) {
    f = new CompiledFormatter(pattern, compileItems(pattern, forParsing));
    if (cache.size > 256) cache.clear();
    cache.set(key, f);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// Compiled items.

/** Numeric fields, indexes into the parsed-field arrays. */
const enum F {
  Year,
  YearOfEra,
  Era,
  Month,
  Day,
  DayOfYear,
  Quarter,
  AlignedDow,
  DayOfWeek,
  Hour,
  ClockHourOfAmPm,
  HourOfAmPm,
  ClockHourOfDay,
  AmPm,
  Minute,
  Second,
  Nano,
  Offset,
  Count,
}

const enum Sign {
  Normal,
  ExceedsPad,
  NotNegative,
}

type Item =
  | { readonly k: "lit"; readonly text: string; readonly lower: string }
  | { readonly k: "num"; readonly f: F; readonly min: number; readonly max: number; readonly sign: Sign; reserve: number }
  | { readonly k: "reduced"; readonly f: F; reserve: number }
  | { readonly k: "text"; readonly f: F; readonly full: boolean; readonly texts: readonly (readonly [string, number])[] }
  | { readonly k: "frac"; readonly min: number; readonly max: number }
  | { readonly k: "offset"; readonly type: number; readonly noOffset: string }
  | { readonly k: "locOffset"; readonly full: boolean }
  | { readonly k: "zoneId" }
  | { readonly k: "zoneName"; readonly full: boolean }
  | { readonly k: "opt"; readonly items: Item[] };

/**
 * Offset items print and parse as `OffsetIdPrinterParser` with a pattern by type index: 0 `+HH`,
 * 1 `+HHmm`, 2 `+HH:mm`, 3 `+HHMM`, 4 `+HH:MM`, 5 `+HHMMss`, 6 `+HH:MM:ss` (lower case: optional).
 */

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MONTHS_SHORT = MONTHS.map((m) => m.slice(0, 3));
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const DAYS_SHORT = DAYS.map((d) => d.slice(0, 3));
const QUARTERS = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];
const QUARTERS_SHORT = ["Q1", "Q2", "Q3", "Q4"];
const ERAS = ["Before Christ", "Anno Domini"];
const ERAS_SHORT = ["BC", "AD"];
const AMPM = ["AM", "PM"];

/** Text of `f` (value as the field holds it) in the given style. */
function textOf(f: F, value: number, full: boolean): string {
  switch (f) {
    case F.Era:
      return (full ? ERAS : ERAS_SHORT)[value];
    case F.Month:
      return (full ? MONTHS : MONTHS_SHORT)[value - 1];
    case F.Quarter:
      return (full ? QUARTERS : QUARTERS_SHORT)[value - 1];
    case F.DayOfWeek:
      return (full ? DAYS : DAYS_SHORT)[value - 1];
    default:
      return AMPM[value];
  }
}

/** The texts a text field parses, longest first with their values. */
function textsOf(f: F, full: boolean): readonly (readonly [string, number])[] {
  const n = f === F.Era || f === F.AmPm ? 2 : f === F.Month ? 12 : f === F.Quarter ? 4 : 7;
  const base = f === F.Era || f === F.AmPm ? 0 : 1;
  const out: [string, number][] = [];
  for (let v = base; v < base + n; v++) out.push([textOf(f, v, full).toLowerCase(), v]);
  return out.sort((a, b) => b[0].length - a[0].length);
}

class PatternError extends Error {}

/**
 * Spark's `convertIncompatiblePattern` checks and `DateTimeFormatterBuilder.appendPattern`, as
 * items. Throws Spark's pattern error.
 */
function compileItems(pattern: string, forParsing: boolean): Item[] {
  try {
    const converted = convertIncompatiblePattern(pattern, forParsing);
    const items = buildItems(converted, forParsing && converted.includes("S"));
    markAdjacent(items);
    return items;
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    if (legacyPatternValid(pattern)) {
      throw new ExecutionError(
        `datetime: [INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You may get a different result due to the upgrading to Spark >= 3.0: ` +
          `Fail to recognize '${pattern}' pattern in the DateTimeFormatter. 1) You can set "spark.sql.legacy.timeParserPolicy" to "LEGACY" to restore the behavior before Spark 3.0. ` +
          `2) You can form a valid datetime pattern with the guide from 'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'.`,
      );
    }
    throw new ExecutionError(`datetime: ${e.message}`);
  }
}

const WEEK_BASED = "YWwuec";
const UNSUPPORTED = "ABnNp";
const UNSUPPORTED_FOR_PARSING = "EFqQ";
const UNSUPPORTED_LENGTHS = ["GGGGG", "MMMMM", "LLLLL", "EEEEE", "QQQQQ", "qqqqq", "yyyyyyy"];

function convertIncompatiblePattern(pattern: string, forParsing: boolean): string {
  const parts = pattern.split("'");
  const hasEra = parts.some((p, i) => i % 2 === 0 && p.includes("G"));
  const out = `${pattern} `.split("'").map((part, i) => {
    if (i % 2 !== 0) return part;
    for (const c of part) {
      if (WEEK_BASED.includes(c)) {
        throw new PatternError(`All week-based patterns are unsupported since Spark 3.0, detected: ${c}, Please use the SQL function EXTRACT instead`);
      }
    }
    for (const c of part) {
      if (UNSUPPORTED.includes(c) || (forParsing && UNSUPPORTED_FOR_PARSING.includes(c))) throw new PatternError(`Illegal pattern character: ${c}`);
    }
    for (const style of UNSUPPORTED_LENGTHS) if (part.includes(style)) throw new PatternError(`Too many pattern letters: ${style[0]}`);
    return hasEra ? part : part.replaceAll("y", "u");
  });
  const joined = out.join("'");
  return joined.endsWith(" ") ? joined.slice(0, -1) : joined;
}

function isLetter(c: string): boolean {
  return (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");
}

function tooMany(c: string): never {
  throw new PatternError(`Too many pattern letters: ${c}`);
}

/** `appendPattern`, with Spark's variable-length fraction when parsing. */
function buildItems(pattern: string, varLengthFraction: boolean): Item[] {
  const root: Item[] = [];
  const stack: Item[][] = [root];
  let active = root;
  const lit = (text: string) => {
    const last = active[active.length - 1];
    if (last !== undefined && last.k === "lit") {
      const t = last.text + text;
      active[active.length - 1] = { k: "lit", text: t, lower: t.toLowerCase() };
    } else active.push({ k: "lit", text, lower: text.toLowerCase() });
  };
  let pos = 0;
  while (pos < pattern.length) {
    const cur = pattern[pos];
    if (isLetter(cur)) {
      let count = 1;
      while (pattern[pos + count] === cur) count++;
      pos += count;
      active.push(field(cur, count, varLengthFraction));
      continue;
    }
    if (cur === "'") {
      const start = pos++;
      for (; pos < pattern.length; pos++) {
        if (pattern[pos] === "'") {
          if (pattern[pos + 1] === "'") pos++;
          else break;
        }
      }
      if (pos >= pattern.length) throw new PatternError(`Pattern ends with an incomplete string literal: ${pattern}`);
      const str = pattern.slice(start + 1, pos);
      lit(str === "" ? "'" : str.replaceAll("''", "'"));
      pos++;
      continue;
    }
    if (cur === "[") {
      const items: Item[] = [];
      active.push({ k: "opt", items });
      stack.push(items);
      active = items;
    } else if (cur === "]") {
      if (stack.length === 1) throw new PatternError("Pattern invalid as it contains ] without previous [");
      stack.pop();
      active = stack[stack.length - 1];
    } else if (cur === "{" || cur === "}" || cur === "#") {
      throw new PatternError(`Pattern includes reserved character: '${cur}'`);
    } else lit(cur);
    pos++;
  }
  return root;
}

function text(f: F, full: boolean): Item {
  return { k: "text", f, full, texts: textsOf(f, full) };
}

function num(f: F, min: number, max: number, sign: Sign): Item {
  return { k: "num", f, min, max, sign, reserve: 0 };
}

function field(c: string, count: number, varLengthFraction: boolean): Item {
  switch (c) {
    case "G":
      if (count > 5) tooMany(c);
      return text(F.Era, count === 4);
    case "u":
    case "y": {
      const f = c === "u" ? F.Year : F.YearOfEra;
      if (count === 2) return { k: "reduced", f, reserve: 0 };
      if (count > 19) tooMany(c);
      return count < 4 ? num(f, count, 19, Sign.Normal) : num(f, count, 19, Sign.ExceedsPad);
    }
    case "M":
    case "L":
    case "Q":
    case "q": {
      const f = c === "M" || c === "L" ? F.Month : F.Quarter;
      if (count === 1) return num(f, 1, 19, Sign.Normal);
      if (count === 2) return num(f, 2, 2, Sign.NotNegative);
      if (count === 3 || count === 4) return text(f, count === 4);
      return tooMany(c);
    }
    case "E":
      if (count > 5) tooMany(c);
      return text(F.DayOfWeek, count === 4);
    case "a":
      if (count > 1) tooMany(c);
      return text(F.AmPm, false);
    case "d":
    case "h":
    case "H":
    case "k":
    case "K":
    case "m":
    case "s": {
      const f = { d: F.Day, h: F.ClockHourOfAmPm, H: F.Hour, k: F.ClockHourOfDay, K: F.HourOfAmPm, m: F.Minute, s: F.Second }[c];
      if (count === 1) return num(f, 1, 19, Sign.Normal);
      if (count === 2) return num(f, 2, 2, Sign.NotNegative);
      return tooMany(c);
    }
    case "D":
      if (count === 1) return num(F.DayOfYear, 1, 19, Sign.Normal);
      if (count === 2) return num(F.DayOfYear, 2, 3, Sign.NotNegative);
      if (count === 3) return num(F.DayOfYear, 3, 3, Sign.NotNegative);
      return tooMany(c);
    case "F":
      if (count > 1) tooMany(c);
      return num(F.AlignedDow, 1, 19, Sign.Normal);
    case "S":
      if (count > 9) throw new PatternError(`Maximum width must be from 1 to 9 inclusive but was ${count}`);
      return varLengthFraction ? { k: "frac", min: 1, max: count } : { k: "frac", min: count, max: count };
    case "V":
      if (count !== 2) throw new PatternError(`Pattern letter count must be 2: ${c}`);
      return { k: "zoneId" };
    case "z":
      if (count > 4) tooMany(c);
      return { k: "zoneName", full: count === 4 };
    case "O":
      if (count !== 1 && count !== 4) throw new PatternError(`Pattern letter count must be 1 or 4: ${c}`);
      return { k: "locOffset", full: count === 4 };
    case "X":
    case "x": {
      if (count > 5) tooMany(c);
      const type = [1, 3, 4, 5, 6][count - 1];
      const noOffset = c === "X" ? "Z" : ["+00", "+0000", "+00:00", "+0000", "+00:00"][count - 1];
      return { k: "offset", type, noOffset };
    }
    case "Z":
      if (count > 5) tooMany(c);
      if (count === 4) return { k: "locOffset", full: true };
      return count === 5 ? { k: "offset", type: 6, noOffset: "Z" } : { k: "offset", type: 3, noOffset: "+0000" };
    default:
      throw new PatternError(`Unknown pattern letter: ${c}`);
  }
}

/** Whether `it` is a fixed-width value parser that can follow another adjacently. */
function fixedWidth(it: Item): number {
  if (it.k === "reduced") return 2;
  if (it.k === "num" && it.min === it.max && it.sign === Sign.NotNegative) return it.max;
  return -1;
}

/**
 * `DateTimeFormatterBuilder`'s adjacent value parsing: a value parser followed directly by
 * fixed-width value parsers leaves them their digits (`yyyyMMdd`); a following variable-width one
 * ends the run and drops the reservation.
 */
function markAdjacent(items: Item[]): void {
  let base: Item | null = null;
  for (const it of items) {
    if (it.k === "opt") {
      markAdjacent(it.items);
      base = null;
      continue;
    }
    if (it.k !== "num" && it.k !== "reduced") {
      base = null;
      continue;
    }
    const w = fixedWidth(it);
    if (base !== null && (base.k === "num" || base.k === "reduced")) {
      if (w > 0) {
        base.reserve += w;
        continue;
      }
      base.reserve = 0;
    }
    base = it;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting.

function digits(v: number): number {
  let n = 1;
  for (let a = Math.abs(v); a >= 10; a = Math.floor(a / 10)) n++;
  return n;
}

function printNumber(v: number, min: number, max: number, sign: Sign, letter: string): string {
  if (v >= 0 && v < 10 && min <= 1) return String(v);
  if (v >= 0 && v < 100 && min === 2) return two(v);
  if (digits(v) > max) {
    throw new ExecutionError(`datetime: Field ${letter} cannot be printed as the value ${v} exceeds the maximum print width of ${max}`);
  }
  const s = String(Math.abs(v)).padStart(min, "0");
  if (v < 0) return `-${s}`;
  return sign === Sign.ExceedsPad && min < 19 && digits(v) > min ? `+${s}` : s;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** An offset as `OffsetIdPrinterParser` prints it (by type index, see `Item`). */
function printOffset(offset: number, type: number, noOffset: string): string {
  if (offset === 0) return noOffset;
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor(a / 60) % 60;
  const s = a % 60;
  const colon = type % 2 === 0 ? ":" : "";
  let out = `${offset < 0 ? "-" : "+"}${two(h)}`;
  if (type >= 3 || (type >= 1 && m + s > 0)) {
    out += `${colon}${two(m)}`;
    if (type >= 5 && s > 0) out += `${colon}${two(s)}`;
  }
  return out;
}

/** `GMT+8` / `GMT-07:52:58` (`O`), or `GMT+08:00` (`OOOO`, `ZZZZ`). */
function printLocalizedOffset(offset: number, full: boolean): string {
  if (offset === 0) return "GMT";
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor(a / 60) % 60;
  const s = a % 60;
  let out = `GMT${offset < 0 ? "-" : "+"}`;
  if (full) return `${out}${two(h)}:${two(m)}${s > 0 ? `:${two(s)}` : ""}`;
  out += String(h);
  if (m + s > 0) out += `:${two(m)}${s > 0 ? `:${two(s)}` : ""}`;
  return out;
}

/** The wall-clock fields of one instant, reused row after row. */
class Fields {
  year = 0;
  month = 0;
  day = 0;
  dayOfYear = 0;
  dayOfWeek = 0;
  hour = 0;
  minute = 0;
  second = 0;
  nano = 0;
  offset = 0;
  epochSecond = 0;
  private readonly ymd = new Int32Array(3);

  set(utc: bigint, zone: ZoneRules): void {
    const local = toLocalMicros(utc, zone);
    let days = local / 86_400_000_000n;
    if (local % 86_400_000_000n < 0n) days -= 1n;
    const inDay = Number(local - days * 86_400_000_000n);
    const d = Number(days);
    civilFromDays(d, this.ymd);
    this.year = this.ymd[0];
    this.month = this.ymd[1];
    this.day = this.ymd[2];
    this.dayOfYear = d - daysFromCivil(this.year, 1, 1) + 1;
    this.dayOfWeek = ((((d + 3) % 7) + 7) % 7) + 1;
    const sec = Math.floor(inDay / 1_000_000);
    this.hour = Math.floor(sec / 3600);
    this.minute = Math.floor(sec / 60) % 60;
    this.second = sec % 60;
    this.nano = (inDay - sec * 1_000_000) * 1000;
    this.offset = Number((local - utc) / 1_000_000n);
    this.epochSecond = Math.floor(d * 86400 + sec - this.offset);
  }

  value(f: F): number {
    switch (f) {
      case F.Year:
        return this.year;
      case F.YearOfEra:
        return this.year > 0 ? this.year : 1 - this.year;
      case F.Era:
        return this.year > 0 ? 1 : 0;
      case F.Month:
        return this.month;
      case F.Day:
        return this.day;
      case F.DayOfYear:
        return this.dayOfYear;
      case F.Quarter:
        return Math.floor((this.month - 1) / 3) + 1;
      case F.AlignedDow:
        return ((this.day - 1) % 7) + 1;
      case F.DayOfWeek:
        return this.dayOfWeek;
      case F.Hour:
        return this.hour;
      case F.ClockHourOfAmPm:
        return this.hour % 12 === 0 ? 12 : this.hour % 12;
      case F.HourOfAmPm:
        return this.hour % 12;
      case F.ClockHourOfDay:
        return this.hour === 0 ? 24 : this.hour;
      case F.AmPm:
        return this.hour < 12 ? 0 : 1;
      case F.Minute:
        return this.minute;
      case F.Second:
        return this.second;
      default:
        return 0;
    }
  }
}

const LETTER_OF: Readonly<Record<number, string>> = { [F.Year]: "Year", [F.YearOfEra]: "YearOfEra", [F.DayOfYear]: "DayOfYear" };

function formatItems(items: readonly Item[], t: Fields, zone: ZoneRules): string {
  let s = "";
  for (const it of items) {
    switch (it.k) {
      case "lit":
        s += it.text;
        break;
      case "num":
        s += printNumber(t.value(it.f), it.min, it.max, it.sign, LETTER_OF[it.f] ?? "value");
        break;
      case "reduced":
        s += two(Math.abs(t.value(it.f)) % 100);
        break;
      case "text":
        s += textOf(it.f, t.value(it.f), it.full);
        break;
      case "frac":
        s += String(t.nano).padStart(9, "0").slice(0, it.max);
        break;
      case "offset":
        s += printOffset(t.offset, it.type, it.noOffset);
        break;
      case "locOffset":
        s += printLocalizedOffset(t.offset, it.full);
        break;
      case "zoneId":
        s += zone.id;
        break;
      case "zoneName":
        s += zoneName(zone, t.epochSecond, t.offset, it.full);
        break;
      case "opt":
        s += formatItems(it.items, t, zone);
        break;
    }
  }
  return s;
}

const zoneNameCache = new Map<string, string>();

/**
 * `z` (`PST`) or `zzzz` (`Pacific Standard Time`) of `zone` at an instant, from `Intl`: a fixed
 * offset prints its id, and local mean time takes the zone's standard-time name, as `java.time`
 * names it.
 */
function zoneName(zone: ZoneRules, epochSecond: number, offset: number, full: boolean): string {
  if (zone.id !== "UTC" && zone.id !== "GMT" && fixedOffset(zone.id) !== null) return zone.id;
  const key = `${zone.id}\u0000${offset}\u0000${full ? 1 : 0}`;
  let name = zoneNameCache.get(key);
  if (name === undefined) {
    let at = epochSecond;
    if (epochSecond < 0) {
      // ICU names zones from 1970 on: earlier instants take the 2000 name of the same offset, or
      // the standard-time name (local mean time is standard time to java.time).
      const jan = zone.offsetAt(946_684_800);
      const jul = zone.offsetAt(962_409_600);
      at = offset === jul || (offset !== jan && jul < jan) ? 962_409_600 : 946_684_800;
    }
    name = intlZoneName(zone.id, at, full);
    if (zoneNameCache.size > 10_000) zoneNameCache.clear();
    zoneNameCache.set(key, name);
  }
  return name;
}

/**
 * English locales whose zone abbreviations ICU knows (en-US only knows North America's); the first
 * that names the zone other than `GMT+h` gives the name, as the JRE's English names would.
 */
const NAME_LOCALES = ["en-US", "en-GB", "en-AU", "en-IN", "en-HK", "en-SG", "en-NZ"];

/** Standard and daylight abbreviations the JRE gives zones no English ICU locale abbreviates. */
const JRE_SHORT_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  "Asia/Tokyo": ["JST", "JDT"],
  "Asia/Seoul": ["KST", "KDT"],
  "Asia/Shanghai": ["CST", "CDT"],
  "Asia/Taipei": ["CST", "CDT"],
  "Europe/Moscow": ["MSK", "MSD"],
  "America/Sao_Paulo": ["BRT", "BRST"],
  "Asia/Jakarta": ["WIB", "WIB"],
  "Asia/Dubai": ["GST", "GST"],
};

function intlZoneName(id: string, epochSecond: number, full: boolean): string {
  let fallback = id;
  for (const locale of full ? NAME_LOCALES.slice(0, 1) : NAME_LOCALES) {
    let name: string | undefined;
    try {
      const f = new Intl.DateTimeFormat(locale, { timeZone: id, timeZoneName: full ? "long" : "short" });
      name = f.formatToParts(epochSecond * 1000).find((p) => p.type === "timeZoneName")?.value;
    } catch {
      // Not an Intl zone (an offset id): print the id.
      return id;
    }
    if (name === undefined) continue;
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
    if (fallback === id) fallback = name;
  }
  const jre = JRE_SHORT_NAMES[id];
  if (jre !== undefined) {
    const jan = zoneRules(id)?.offsetAt(946_684_800) ?? 0;
    const jul = zoneRules(id)?.offsetAt(962_409_600) ?? 0;
    const offset = zoneRules(id)?.offsetAt(epochSecond) ?? 0;
    return offset === Math.min(jan, jul) ? jre[0] : jre[1];
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/** What the last offset, zone or legacy text scan read (the scanners return their end position). */
class Scan {
  offset = 0;
  zone: ZoneRules | null = null;
  value = -1;
}

/** Parsed field values and which are set, with the zone a text named. */
class Parsed {
  readonly scan = new Scan();
  readonly values = new Float64Array(F.Count);
  readonly has = new Uint8Array(F.Count);
  zone: ZoneRules | null = null;

  /** Saved states of enclosing optional sections (values, flags, zone), reused row after row. */
  private readonly savedValues: Float64Array[] = [];
  private readonly savedHas: Uint8Array[] = [];
  private readonly savedZones: (ZoneRules | null)[] = [];
  private depth = 0;

  reset(): void {
    this.has.fill(0);
    this.zone = null;
    this.depth = 0;
  }

  /** Saves the state on entering an optional section; returns its depth. */
  save(): number {
    const d = this.depth++;
    if (this.savedValues.length === d) {
      this.savedValues.push(new Float64Array(F.Count));
      this.savedHas.push(new Uint8Array(F.Count));
      this.savedZones.push(null);
    }
    this.savedValues[d].set(this.values);
    this.savedHas[d].set(this.has);
    this.savedZones[d] = this.zone;
    return d;
  }

  /** Undoes what a failed optional section at `depth` parsed. */
  restore(depth: number): void {
    this.values.set(this.savedValues[depth]);
    this.has.set(this.savedHas[depth]);
    this.zone = this.savedZones[depth];
    this.depth = depth;
  }

  drop(depth: number): void {
    this.depth = depth;
  }

  /** Sets `f`; false when the text gave it a different value already (a parse error). */
  set(f: F, v: number): boolean {
    if (this.has[f] === 1) return this.values[f] === v;
    this.has[f] = 1;
    this.values[f] = v;
    return true;
  }

  get(f: F): number | null {
    return this.has[f] === 1 ? this.values[f] : null;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function countDigits(s: string, pos: number, limit: number): number {
  let n = 0;
  while (n < limit && pos + n < s.length && isDigit(s.charCodeAt(pos + n))) n++;
  return n;
}

function readDigits(s: string, pos: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + (s.charCodeAt(pos + i) - 48);
  return v;
}

function parseItems(items: readonly Item[], s: string, pos: number, p: Parsed): number {
  for (const it of items) {
    if (pos < 0) return pos;
    switch (it.k) {
      case "lit":
        if (!matchesIgnoringCase(s, pos, it.text, it.lower)) return -1;
        pos += it.text.length;
        break;
      case "num":
        pos = parseNumber(it.f, it.min, it.max, it.sign, it.reserve, s, pos, p);
        break;
      case "reduced": {
        const avail = countDigits(s, pos, 2 + it.reserve);
        const take = it.reserve > 0 ? Math.min(avail, Math.max(2, avail - it.reserve)) : Math.min(avail, 2);
        if (take < 2) return -1;
        const v = readDigits(s, pos, take);
        const value = take === 2 ? 2000 + v : v;
        if (!p.set(it.f, value)) return -1;
        pos += take;
        break;
      }
      case "text": {
        const lower = s.slice(pos, pos + 16).toLowerCase();
        let matched = -1;
        for (const [t, v] of it.texts) {
          if (lower.startsWith(t)) {
            if (!p.set(it.f, v)) return -1;
            matched = t.length;
            break;
          }
        }
        if (matched < 0) return -1;
        pos += matched;
        break;
      }
      case "frac": {
        const n = countDigits(s, pos, it.max);
        if (n < it.min) return -1;
        const nano = readDigits(s, pos, n) * 10 ** (9 - n);
        if (!p.set(F.Nano, nano)) return -1;
        pos += n;
        break;
      }
      case "offset": {
        const r = parseOffset(s, pos, it.type, p.scan);
        if (r >= 0) {
          pos = r;
        } else if (s.slice(pos, pos + it.noOffset.length).toLowerCase() === it.noOffset.toLowerCase()) {
          if (!p.set(F.Offset, 0)) return -1;
          pos += it.noOffset.length;
          break;
        } else return -1;
        if (!p.set(F.Offset, p.scan.offset)) return -1;
        break;
      }
      case "locOffset": {
        if (s.slice(pos, pos + 3).toUpperCase() !== "GMT") return -1;
        pos += 3;
        const c = s[pos];
        if (c === "+" || c === "-") {
          const r = parseLocalizedOffsetTail(s, pos, it.full, p.scan);
          if (r < 0) return -1;
          pos = r;
          if (!p.set(F.Offset, p.scan.offset)) return -1;
        } else if (!p.set(F.Offset, 0)) return -1;
        break;
      }
      case "zoneId":
      case "zoneName": {
        const r = parseZone(s, pos, it.k === "zoneName", p.scan);
        const zone = p.scan.zone;
        if (r < 0 || zone === null) return -1;
        if (p.zone !== null && p.zone.id !== zone.id) return -1;
        p.zone = zone;
        pos = r;
        break;
      }
      case "opt": {
        const depth = p.save();
        const r = parseItems(it.items, s, pos, p);
        if (r < 0) p.restore(depth);
        else {
          p.drop(depth);
          pos = r;
        }
        break;
      }
    }
  }
  return pos;
}

/** Whether `s` has `text` at `pos`, ignoring case (`lower` is `text` in lower case). */
function matchesIgnoringCase(s: string, pos: number, text: string, lower: string): boolean {
  if (s.length - pos < text.length) return false;
  for (let i = 0; i < text.length; i++) {
    const c = s.charCodeAt(pos + i);
    if (c !== text.charCodeAt(i) && String.fromCharCode(c).toLowerCase() !== lower[i]) return false;
  }
  return true;
}

/** `NumberPrinterParser.parse` in strict mode, with adjacent value parsing's reserved digits. */
function parseNumber(f: F, min: number, max: number, sign: Sign, reserve: number, s: string, pos: number, p: Parsed): number {
  let negative = false;
  let positive = false;
  const c = s[pos];
  if (c === "+" || c === "-") {
    if (sign === Sign.NotNegative || (c === "+" && sign === Sign.Normal)) return -1;
    negative = c === "-";
    positive = c === "+";
    pos++;
  }
  const avail = countDigits(s, pos, max + reserve);
  const take = reserve > 0 ? Math.min(avail, Math.max(min, avail - reserve)) : avail;
  if (take < min) return -1;
  let v = readDigits(s, pos, take);
  if (negative) {
    if (v === 0) return -1;
    v = -v;
  } else if (sign === Sign.ExceedsPad) {
    if (positive ? take <= min : take > min) return -1;
  }
  if (!p.set(f, v)) return -1;
  return pos + take;
}


/** `OffsetIdPrinterParser.parse`: `+HH[[:]mm[[:]ss]]` as `type` asks; the end, or -1. */
function parseOffset(s: string, pos: number, type: number, out: Scan): number {
  const c = s[pos];
  if (c !== "+" && c !== "-") return -1;
  const parts = [0, 0, 0];
  let at = pos + 1;
  const needed = Math.floor((type + 3) / 2);
  for (let k = 0; k < 3; k++) {
    if (k >= needed) break;
    const required = k === 0 || (k === 1 && type >= 3);
    let q = at;
    if (type % 2 === 0 && k > 0) {
      if (s[q] !== ":") {
        if (required) return -1;
        break;
      }
      q++;
    }
    if (countDigits(s, q, 2) < 2) {
      if (required) return -1;
      break;
    }
    const v = readDigits(s, q, 2);
    if (v > 59) {
      if (required) return -1;
      break;
    }
    parts[k] = v;
    at = q + 2;
  }
  const total = parts[0] * 3600 + parts[1] * 60 + parts[2];
  if (parts[0] > 18 || total > 18 * 3600) return -1;
  out.offset = c === "-" ? -total : total;
  return at;
}

/** After `GMT`: `+h[h][:mm[:ss]]` (`O`) or `+hh:mm[:ss]` (`OOOO`). */
function parseLocalizedOffsetTail(s: string, pos: number, full: boolean, out: Scan): number {
  const negative = s[pos] === "-";
  let at = pos + 1;
  const hd = countDigits(s, at, 2);
  if (hd < (full ? 2 : 1)) return -1;
  const h = readDigits(s, at, hd);
  at += hd;
  let m = 0;
  let sec = 0;
  if (s[at] === ":" && countDigits(s, at + 1, 2) === 2) {
    m = readDigits(s, at + 1, 2);
    at += 3;
    if (s[at] === ":" && countDigits(s, at + 1, 2) === 2) {
      sec = readDigits(s, at + 1, 2);
      at += 3;
    }
  } else if (full) return -1;
  if (h > 18 || m > 59 || sec > 59) return -1;
  const total = h * 3600 + m * 60 + sec;
  out.offset = negative ? -total : total;
  return at;
}

/**
 * Zone names `z` parses (en-US, as `java.time`'s name tree maps each to its locale's preferred
 * zone); zone ids and `UTC`/`GMT` offsets are read besides.
 */
const ZONE_NAMES: Readonly<Record<string, string>> = {
  pst: "America/Los_Angeles",
  pdt: "America/Los_Angeles",
  pt: "America/Los_Angeles",
  "pacific standard time": "America/Los_Angeles",
  "pacific daylight time": "America/Los_Angeles",
  "pacific time": "America/Los_Angeles",
  mst: "America/Denver",
  mdt: "America/Denver",
  "mountain standard time": "America/Denver",
  "mountain daylight time": "America/Denver",
  cst: "America/Chicago",
  cdt: "America/Chicago",
  "central standard time": "America/Chicago",
  "central daylight time": "America/Chicago",
  est: "America/New_York",
  edt: "America/New_York",
  "eastern standard time": "America/New_York",
  "eastern daylight time": "America/New_York",
  akst: "America/Anchorage",
  akdt: "America/Anchorage",
  hst: "Pacific/Honolulu",
  "hawaii-aleutian standard time": "Pacific/Honolulu",
  cet: "CET",
  cest: "CET",
  "central european standard time": "CET",
  "central european summer time": "CET",
  eet: "EET",
  eest: "EET",
  wet: "WET",
  west: "WET",
  bst: "Europe/London",
  "british summer time": "Europe/London",
  "greenwich mean time": "GMT",
  "coordinated universal time": "UTC",
  jst: "Asia/Tokyo",
  kst: "Asia/Seoul",
  ist: "Asia/Kolkata",
  aest: "Australia/Sydney",
  aedt: "Australia/Sydney",
  hkt: "Asia/Hong_Kong",
  sgt: "Asia/Singapore",
  nzst: "Pacific/Auckland",
  nzdt: "Pacific/Auckland",
  msk: "Europe/Moscow",
  brt: "America/Sao_Paulo",
  "japan standard time": "Asia/Tokyo",
  "india standard time": "Asia/Kolkata",
  "hong kong standard time": "Asia/Hong_Kong",
};
const ZONE_NAME_KEYS = Object.keys(ZONE_NAMES).sort((a, b) => b.length - a.length);


/** `ZoneIdPrinterParser` / `ZoneTextPrinterParser`: an offset, `UTC`/`GMT`/`UT`[offset], a name (`z`) or a region id. */
function parseZone(s: string, pos: number, names: boolean, out: Scan): number {
  out.zone = null;
  const c = s[pos];
  if (c === "+" || c === "-") {
    const r = parseOffset(s, pos, 6, out);
    if (r < 0) return -1;
    out.zone = zoneRules(offsetId(out.offset));
    return r;
  }
  for (const prefix of ["UTC", "GMT", "UT"]) {
    if (s.slice(pos, pos + prefix.length).toUpperCase() === prefix) {
      const at = pos + prefix.length;
      const d = s[at];
      if (d === "+" || d === "-") {
        const r = parseOffset(s, at, 6, out);
        if (r >= 0) {
          out.zone = zoneRules(offsetId(out.offset));
          return r;
        }
      }
      out.zone = zoneRules(prefix === "UT" ? "UTC" : prefix);
      return at;
    }
  }
  if (names) {
    const lower = s.slice(pos, pos + 40).toLowerCase();
    for (const k of ZONE_NAME_KEYS) {
      if (lower.startsWith(k) && !isIdChar(lower.charCodeAt(k.length))) {
        out.zone = zoneRules(ZONE_NAMES[k]);
        return pos + k.length;
      }
    }
  }
  let end = pos;
  while (end < s.length && isIdChar(s.charCodeAt(end))) end++;
  // The longest region id (`Europe/Paris`, `CET`, `EST5EDT`) the run starts with.
  const first = s.charCodeAt(pos);
  if (first < 65 || first > 90) return -1;
  for (let e = end; e > pos; e--) {
    const r = zoneRules(s.slice(pos, e));
    if (r !== null) {
      out.zone = r;
      return e;
    }
  }
  return -1;
}

function isIdChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || isDigit(code) || code === 47 || code === 95 || code === 126 || code === 46 || code === 43 || code === 45;
}

function offsetId(offset: number): string {
  if (offset === 0) return "UTC";
  const a = Math.abs(offset);
  return `${offset < 0 ? "-" : "+"}${two(Math.floor(a / 3600))}:${two(Math.floor(a / 60) % 60)}${a % 60 > 0 ? `:${two(a % 60)}` : ""}`;
}

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthLength(y: number, m: number): number {
  if (m === 2) return leap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const MAX_SECONDS = 9_223_372_036_854;

/**
 * STRICT resolution plus Spark's `toLocalDate` / `toLocalTime` defaults: the epoch second and nano
 * of the parsed fields, or null. Throws Spark's `ArithmeticException` past the µs range.
 */
/** Field `f` is absent or within [lo, hi]. */
function inRange(p: Parsed, f: F, lo: number, hi: number): boolean {
  return p.has[f] === 0 || (p.values[f] >= lo && p.values[f] <= hi);
}

function resolve(p: Parsed, zone: ZoneRules, wallClock: boolean): bigint | null {
  if (!inRange(p, F.Year, -999_999_999, 999_999_999) || !inRange(p, F.YearOfEra, 1, 999_999_999) || !inRange(p, F.Month, 1, 12)) return null;
  if (!inRange(p, F.Day, 1, 31) || !inRange(p, F.DayOfYear, 1, 366) || !inRange(p, F.Hour, 0, 23) || !inRange(p, F.ClockHourOfAmPm, 1, 12)) return null;
  if (!inRange(p, F.HourOfAmPm, 0, 11) || !inRange(p, F.ClockHourOfDay, 1, 24) || !inRange(p, F.Minute, 0, 59) || !inRange(p, F.Second, 0, 59)) return null;
  // Date.
  let year = p.get(F.Year);
  const yoe = p.get(F.YearOfEra);
  if (yoe !== null) {
    const era = p.get(F.Era);
    if (era !== null) {
      const y = era === 1 ? yoe : 1 - yoe;
      if (year !== null && year !== y) return null;
      year = y;
    }
  }
  const y = year ?? 1970;
  const month = p.get(F.Month);
  const day = p.get(F.Day);
  const doy = p.get(F.DayOfYear);
  let days: number;
  if (doy !== null && !(year !== null && month !== null && day !== null)) {
    if (doy === 366 && !leap(y)) return null;
    days = daysFromCivil(y, 1, 1) + doy - 1;
    const ymd = new Int32Array(3);
    civilFromDays(days, ymd);
    if ((month !== null && month !== ymd[1]) || (day !== null && day !== ymd[2])) return null;
  } else {
    const m = month ?? 1;
    const d = day ?? 1;
    if (d > monthLength(y, m)) return null;
    days = daysFromCivil(y, m, d);
    if (doy !== null && doy !== days - daysFromCivil(y, 1, 1) + 1) return null;
  }
  // Time.
  let hour = p.get(F.Hour);
  const k = p.get(F.ClockHourOfDay);
  if (k !== null) {
    const h = k === 24 ? 0 : k;
    if (hour !== null && hour !== h) return null;
    hour = h;
  }
  let hourOfAmPm = p.get(F.HourOfAmPm);
  const h12 = p.get(F.ClockHourOfAmPm);
  if (h12 !== null) {
    const h = h12 === 12 ? 0 : h12;
    if (hourOfAmPm !== null && hourOfAmPm !== h) return null;
    hourOfAmPm = h;
  }
  const ampm = p.get(F.AmPm);
  if (hourOfAmPm !== null && ampm !== null) {
    const h = ampm * 12 + hourOfAmPm;
    if (hour !== null && hour !== h) return null;
    hour = h;
  } else if (hour !== null) {
    if (ampm !== null && ampm !== (hour >= 12 ? 1 : 0)) return null;
    if (hourOfAmPm !== null && hourOfAmPm !== hour % 12) return null;
  } else if (hourOfAmPm !== null) {
    hour = hourOfAmPm;
  } else {
    hour = ampm === 1 ? 12 : 0;
  }
  const local = days * 86400 + hour * 3600 + (p.get(F.Minute) ?? 0) * 60 + (p.get(F.Second) ?? 0);
  const offset = p.get(F.Offset);
  const rules = p.zone ?? zone;
  const secs = wallClock ? local : offset !== null ? local - offset : rules.utcOf(local);
  if (Math.abs(secs) > MAX_SECONDS) {
    throw new ExecutionError(`datetime: [ARITHMETIC_OVERFLOW] long overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
  }
  const micros = BigInt(secs) * 1_000_000n + BigInt(Math.floor((p.get(F.Nano) ?? 0) / 1000));
  if (micros > 9_223_372_036_854_775_807n || micros < -9_223_372_036_854_775_808n) {
    throw new ExecutionError(`datetime: [ARITHMETIC_OVERFLOW] long overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
  }
  return micros;
}

class CompiledFormatter implements DateTimeFormatter {
  private readonly fields = new Fields();
  private readonly parsed = new Parsed();
  private legacy: LegacyItem[] | null = null;

  constructor(
    readonly pattern: string,
    private readonly items: readonly Item[],
  ) {}

  format(utc: bigint, zone: ZoneRules): string {
    this.fields.set(utc, zone);
    return formatItems(this.items, this.fields, zone);
  }

  parse(text: string, zone: ZoneRules, wallClock = false): bigint | null {
    const p = this.parsed;
    p.reset();
    const end = parseItems(this.items, text, 0, p);
    const r = end === text.length ? resolve(p, zone, wallClock) : null;
    if (r !== null) return r;
    this.legacy ??= legacyItems(this.pattern);
    if (legacyParses(this.legacy, text)) throw parsedByLegacyError(text);
    return null;
  }
}

function parsedByLegacyError(text: string): ExecutionError {
  return new ExecutionError(
    `datetime: [INCONSISTENT_BEHAVIOR_CROSS_VERSION.PARSE_DATETIME_BY_NEW_PARSER] You may get a different result due to the upgrading to Spark >= 3.0: ` +
      `Fail to parse '${text}' in the new parser. You can set "spark.sql.legacy.timeParserPolicy" to "LEGACY" to restore the behavior before Spark 3.0, ` +
      `or set to "CORRECTED" and treat it as an invalid datetime string.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The legacy `SimpleDateFormat` (non-lenient): which patterns it accepts, and whether it reads a
// text the new parser rejects (Spark then raises rather than return null).

const LEGACY_LETTERS = "GyMdkHmsSEDFwWahKzZYuXL";

/** Whether `new SimpleDateFormat(pattern)` accepts the pattern. */
function legacyPatternValid(pattern: string): boolean {
  try {
    legacyItems(pattern);
    return true;
  } catch {
    return false;
  }
}

type LegacyItem = { readonly lit: string } | { readonly letter: string; readonly count: number };

function legacyItems(pattern: string): LegacyItem[] {
  const out: LegacyItem[] = [];
  let i = 0;
  let lit = "";
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        lit += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new PatternError("Unterminated quote");
      let j = i + 1;
      let text = "";
      // Inside a quote, '' is a quote.
      for (; j < pattern.length; j++) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j++;
            continue;
          }
          break;
        }
        text += pattern[j];
      }
      if (j >= pattern.length) throw new PatternError("Unterminated quote");
      lit += text;
      i = j + 1;
      continue;
    }
    if (isLetter(c)) {
      if (!LEGACY_LETTERS.includes(c)) throw new PatternError(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      if (c === "X" && count > 3) throw new PatternError("invalid ISO 8601 format: length=" + count);
      if (lit !== "") {
        out.push({ lit });
        lit = "";
      }
      out.push({ letter: c, count });
      i += count;
      continue;
    }
    lit += c;
    i++;
  }
  if (lit !== "") out.push({ lit });
  return out;
}

function isLegacyText(it: { letter: string; count: number }): boolean {
  return "GEazZX".includes(it.letter) || ((it.letter === "M" || it.letter === "L") && it.count >= 3);
}

/** Non-lenient `SimpleDateFormat.parse(text)` succeeds (it may stop before the end of `text`). */
function legacyParses(items: readonly LegacyItem[], s: string): boolean {
  let pos = 0;
  const v = new Map<string, number>();
  const scan = new Scan();
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if ("lit" in it) {
      if (!s.startsWith(it.lit, pos)) return false;
      pos += it.lit.length;
      continue;
    }
    while (s[pos] === " " || s[pos] === "\t") pos++;
    if (pos >= s.length) return false;
    if (isLegacyText(it)) {
      const r = legacyText(it.letter, s, pos, scan);
      if (r < 0) return false;
      pos = r;
      if (scan.value >= 0) v.set(it.letter, scan.value);
      continue;
    }
    const next = items[k + 1];
    const obeyCount = next !== undefined && !("lit" in next);
    let at = pos;
    let negative = false;
    if (s[at] === "-") {
      negative = true;
      at++;
    }
    const n = countDigits(s, at, obeyCount ? Math.max(0, it.count - (at - pos)) : 19);
    if (n === 0) return false;
    let value = readDigits(s, at, n);
    if (negative) value = -value;
    if (it.letter === "y" && it.count <= 2 && n === 2 && !negative) value += 2000;
    if (it.letter === "M" || it.letter === "L") v.set("M", value);
    else v.set(it.letter, value);
    pos = at + n;
  }
  return legacyValid(v);
}


/** A legacy text field (`G M E a z Z X`) at `pos`: its end, or -1. */
function legacyText(letter: string, s: string, pos: number, out: Scan): number {
  out.value = -1;
  const lower = s.slice(pos, pos + 30).toLowerCase();
  const pick = (names: readonly string[], period: number, base: number): number => {
    let len = 0;
    names.forEach((name, i) => {
      if (name.length > len && lower.startsWith(name.toLowerCase())) {
        out.value = (i % period) + base;
        len = name.length;
      }
    });
    return len === 0 ? -1 : pos + len;
  };
  switch (letter) {
    case "G":
      return pick(ERAS_SHORT, 2, 0);
    case "M":
    case "L":
      return pick([...MONTHS, ...MONTHS_SHORT], 12, 1);
    case "E":
      return pick([...DAYS, ...DAYS_SHORT], 7, 1);
    case "a":
      return pick(AMPM, 2, 0);
    default: {
      const c = s[pos];
      if (c === "+" || c === "-") {
        let n = 1;
        while (n < 6 && pos + n < s.length && (isDigit(s.charCodeAt(pos + n)) || s[pos + n] === ":")) n++;
        return n > 2 ? pos + n : -1;
      }
      if (letter === "X") return c === "Z" ? pos + 1 : -1;
      if (lower.startsWith("gmt") || lower.startsWith("utc")) return pos + 3;
      for (const k of ZONE_NAME_KEYS) if (lower.startsWith(k)) return pos + k.length;
      return -1;
    }
  }
}

/** The non-lenient `GregorianCalendar` checks of the fields the legacy parser read. */
function legacyValid(v: Map<string, number>): boolean {
  const inRange = (k: string, lo: number, hi: number) => {
    const x = v.get(k);
    return x === undefined || (x >= lo && x <= hi);
  };
  if (!inRange("y", 1, 292_278_994) || !inRange("M", 1, 12) || !inRange("H", 0, 23) || !inRange("k", 1, 24) || !inRange("K", 0, 11) || !inRange("h", 1, 12)) return false;
  if (!inRange("m", 0, 59) || !inRange("s", 0, 59) || !inRange("S", 0, 999) || !inRange("D", 1, 366) || !inRange("d", 1, 31) || !inRange("E", 1, 7)) return false;
  const y = v.get("y") ?? 1970;
  const m = v.get("M");
  const d = v.get("d");
  const doy = v.get("D");
  if (doy !== undefined) {
    if (doy === 366 && !leap(y)) return false;
    const ymd = new Int32Array(3);
    civilFromDays(daysFromCivil(y, 1, 1) + doy - 1, ymd);
    if ((m !== undefined && m !== ymd[1]) || (d !== undefined && d !== ymd[2])) return false;
  } else if (d !== undefined && d > monthLength(y, m ?? 1)) return false;
  return true;
}

