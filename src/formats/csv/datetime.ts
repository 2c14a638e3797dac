/**
 * Text → date and timestamp for the CSV reader, per Spark 3's rules:
 * - with no `dateFormat`/`timestampFormat` given, Spark's lenient parsers
 *   (`DateTimeUtils.stringToDate` / `stringToTimestamp`): `2024`, `2024-1`, `2024-01-02`,
 *   `2024-01-02 03:04`, `2024-01-02T03:04:05.123456Z`, `… +01:00` …;
 * - with a format, a `DateTimeFormatter`-style pattern (`yyyy-MM-dd HH:mm:ss.SSS`, `dd/MM/yyyy`,
 *   `[…]` optional sections, `'…'` literals) that must match the whole text.
 * Dates are days since 1970-01-01; timestamps are microseconds since the epoch (UTC). A text
 * without a zone is read as a wall-clock time in `zone` (the `timeZone` option, else the session's),
 * with DST gaps and overlaps resolved as `java.time` resolves them.
 */
import { ConfigError } from "../../errors.js";
import { daysFromCivil } from "../../columnar/civil-date.js";
import type { ZoneRules } from "../../columnar/time-zone.js";

/** A compiled datetime pattern. */
export interface DatetimePattern {
  readonly pattern: string;
  readonly items: readonly PatternItem[];
}

type PatternItem =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "field"; readonly letter: string; readonly width: number }
  | { readonly kind: "optional"; readonly items: readonly PatternItem[] };

const SUPPORTED = "yuMLdHhkKmsSaXxZVzED";

/**
 * Compiles a Spark datetime pattern. Throws {@link ConfigError} naming `option` for letters sluice
 * does not support or an unbalanced `[`/`'`.
 */
export function compileDatetimePattern(pattern: string, option: string): DatetimePattern {
  let i = 0;
  const parseItems = (inOptional: boolean): PatternItem[] => {
    const out: PatternItem[] = [];
    while (i < pattern.length) {
      const c = pattern[i];
      if (c === "[") {
        i++;
        out.push({ kind: "optional", items: parseItems(true) });
        continue;
      }
      if (c === "]") {
        if (!inOptional) throw bad(`unbalanced ']'`);
        i++;
        return out;
      }
      if (c === "'") {
        const close = pattern.indexOf("'", i + 1);
        if (close < 0) throw bad(`unterminated quote`);
        out.push({ kind: "literal", text: close === i + 1 ? "'" : pattern.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
      if (/[A-Za-z]/.test(c)) {
        if (!SUPPORTED.includes(c)) throw bad(`pattern letter '${c}' is not supported`);
        let w = 1;
        while (pattern[i + w] === c) w++;
        out.push({ kind: "field", letter: c, width: w });
        i += w;
        continue;
      }
      out.push({ kind: "literal", text: c });
      i++;
    }
    if (inOptional) throw bad(`unbalanced '['`);
    return out;
  };
  const bad = (why: string) => new ConfigError(`csv source: option '${option}' has an invalid pattern "${pattern}": ${why}`, { option });
  return { pattern, items: parseItems(false) };
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  hour12: number;
  pm: number;
  minute: number;
  second: number;
  micros: number;
  offsetMinutes: number | null;
  dayOfYear: number;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** Parses `s` as a timestamp with `p`, or null when it does not match. */
export function parseTimestampWithPattern(p: DatetimePattern, s: string, zone: ZoneRules): bigint | null {
  const f = matchPattern(p, s);
  if (f === null) return null;
  const days = daysOf(f);
  if (days === null) return null;
  let hour = f.hour;
  if (f.hour12 >= 0) hour = (f.hour12 % 12) + (f.pm === 1 ? 12 : 0);
  if (hour > 23 || f.minute > 59 || f.second > 59) return null;
  const local = days * 86400 + hour * 3600 + f.minute * 60 + f.second;
  const seconds = f.offsetMinutes === null ? zone.utcOf(local) : local - f.offsetMinutes * 60;
  return BigInt(seconds) * 1_000_000n + BigInt(f.micros);
}

/** Parses `s` as a date with `p` (days since the epoch), or null when it does not match. */
export function parseDateWithPattern(p: DatetimePattern, s: string): number | null {
  const f = matchPattern(p, s);
  return f === null ? null : daysOf(f);
}

function daysOf(f: Fields): number | null {
  if (f.dayOfYear > 0) {
    const d = civilDays(f.year, 1, 1);
    return d === null ? null : d + f.dayOfYear - 1;
  }
  return civilDays(f.year, f.month, f.day);
}

function matchPattern(p: DatetimePattern, s: string): Fields | null {
  const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, hour12: -1, pm: 0, minute: 0, second: 0, micros: 0, offsetMinutes: null, dayOfYear: 0 };
  const end = matchItems(p.items, s, 0, f);
  return end === s.length ? f : null;
}

/** Matches items from `pos`; returns the end position or -1. Optional sections backtrack. */
function matchItems(items: readonly PatternItem[], s: string, pos: number, f: Fields): number {
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.kind === "literal") {
      if (!s.startsWith(it.text, pos)) return -1;
      pos += it.text.length;
    } else if (it.kind === "optional") {
      const saved = { ...f };
      const e = matchItems(it.items, s, pos, f);
      if (e >= 0) pos = e;
      else Object.assign(f, saved);
    } else {
      const e = matchField(it.letter, it.width, s, pos, f, items[k + 1]);
      if (e < 0) return -1;
      pos = e;
    }
  }
  return pos;
}

function readDigits(s: string, pos: number, min: number, max: number): [number, number] | null {
  let e = pos;
  while (e < s.length && e - pos < max && s.charCodeAt(e) >= 48 && s.charCodeAt(e) <= 57) e++;
  if (e - pos < min) return null;
  return [Number(s.slice(pos, e)), e];
}

function matchField(letter: string, width: number, s: string, pos: number, f: Fields, next: PatternItem | undefined): number {
  // A numeric field followed directly by another numeric field is fixed-width (e.g. `yyyyMMdd`).
  const adjacent = next !== undefined && next.kind === "field";
  const maxFor = (w: number, dflt: number) => (adjacent ? w : Math.max(w, dflt));
  switch (letter) {
    case "y":
    case "u": {
      if (width === 2) {
        const r = readDigits(s, pos, 2, 2);
        if (r === null) return -1;
        f.year = 2000 + r[0];
        return r[1];
      }
      let sign = 1;
      if (s[pos] === "-" || s[pos] === "+") {
        sign = s[pos] === "-" ? -1 : 1;
        pos++;
      }
      const r = readDigits(s, pos, width, maxFor(width, 9));
      if (r === null) return -1;
      f.year = sign * r[0];
      return r[1];
    }
    case "M":
    case "L": {
      if (width >= 3) {
        const lower = s.slice(pos).toLowerCase();
        const names = width === 3 ? MONTHS : MONTH_NAMES;
        for (let m = 0; m < 12; m++) {
          if (lower.startsWith(names[m])) {
            f.month = m + 1;
            return pos + names[m].length;
          }
        }
        return -1;
      }
      const r = readDigits(s, pos, width, maxFor(width, 2));
      if (r === null) return -1;
      f.month = r[0];
      return r[1];
    }
    case "d":
    case "H":
    case "k":
    case "h":
    case "K":
    case "m":
    case "s": {
      const r = readDigits(s, pos, width, maxFor(width, 2));
      if (r === null) return -1;
      if (letter === "d") f.day = r[0];
      else if (letter === "H" || letter === "k") f.hour = letter === "k" && r[0] === 24 ? 0 : r[0];
      else if (letter === "h" || letter === "K") f.hour12 = r[0];
      else if (letter === "m") f.minute = r[0];
      else f.second = r[0];
      return r[1];
    }
    case "D": {
      const r = readDigits(s, pos, width, maxFor(width, 3));
      if (r === null) return -1;
      f.dayOfYear = r[0];
      return r[1];
    }
    case "S": {
      const r = readDigits(s, pos, width, width);
      if (r === null) return -1;
      const digits = s.slice(pos, r[1]).padEnd(6, "0").slice(0, 6);
      f.micros = Number(digits);
      return r[1];
    }
    case "a": {
      const t = s.slice(pos, pos + 2).toUpperCase();
      if (t !== "AM" && t !== "PM") return -1;
      f.pm = t === "PM" ? 1 : 0;
      return pos + 2;
    }
    case "E": {
      // Day-of-week names are read and ignored.
      const m = /^[A-Za-z]+/.exec(s.slice(pos));
      return m === null ? -1 : pos + m[0].length;
    }
    case "X":
    case "x":
    case "Z":
    case "V":
    case "z": {
      const z = parseZone(s, pos, letter === "X");
      if (z === null) return -1;
      f.offsetMinutes = z[0];
      return z[1];
    }
  }
  return -1;
}

/** A zone at `s[pos]`: `Z` (when allowed), `UTC`/`GMT`, `±hh`, `±hhmm`, `±hh:mm`. */
function parseZone(s: string, pos: number, allowZ: boolean): [number, number] | null {
  if (allowZ && s[pos] === "Z") return [0, pos + 1];
  for (const name of ["UTC", "GMT", "UT"]) {
    if (s.startsWith(name, pos)) {
      pos += name.length;
      if (pos === s.length || (s[pos] !== "+" && s[pos] !== "-")) return [0, pos];
      break;
    }
  }
  const sign = s[pos] === "+" ? 1 : s[pos] === "-" ? -1 : 0;
  if (sign === 0) return null;
  const m = /^(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?/.exec(s.slice(pos + 1));
  if (m === null) return null;
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  if (h > 18 || mi > 59) return null;
  return [sign * (h * 60 + mi), pos + 1 + m[0].length];
}

/** Days since the epoch of a proleptic Gregorian date, or null when the date does not exist. */
export function civilDays(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 28 + DAYS_OVER_28[month - 1]) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) return null;
  return daysFromCivil(year, month, day);
}

const DAYS_OVER_28 = [3, 1, 3, 2, 3, 2, 3, 3, 2, 3, 2, 3];

const DATE_RE = /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?$/s;

/** Spark's lenient `stringToDate`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, then ` …` or `T…`; trims. */
export function parseDateLenient(text: string): number | null {
  const m = DATE_RE.exec(text.trim());
  if (m === null) return null;
  return civilDays(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
}

const TS_RE =
  /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?(?::?\d{2})?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?)?$/;

/**
 * Spark's lenient `stringToTimestamp`: `yyyy[-[m]m[-[d]d[( |T)[h]h[:[m]m[:[s]s[.fraction]]]]]][zone]`;
 * trims; a fraction beyond microseconds is truncated. Null when the text does not match.
 */
export function parseTimestampLenient(text: string, zone: ZoneRules): bigint | null {
  const m = TS_RE.exec(text.trim());
  if (m === null) return null;
  const days = civilDays(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
  if (days === null) return null;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || sec > 59) return null;
  const micros = m[7] === undefined ? 0 : Number(m[7].padEnd(6, "0").slice(0, 6));
  const local = days * 86400 + h * 3600 + mi * 60 + sec;
  let seconds: number;
  if (m[8] === undefined) {
    seconds = zone.utcOf(local);
  } else {
    const z = parseZone(m[8], 0, true);
    if (z === null || z[1] !== m[8].length) return null;
    seconds = local - z[0] * 60;
  }
  return BigInt(seconds) * 1_000_000n + BigInt(micros);
}
