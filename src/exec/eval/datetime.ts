/**
 * Date and time arithmetic for the evaluator: civil dates from day numbers, Spark's string to
 * timestamp/date parsing (`CAST`), Spark datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`) for
 * to_timestamp / date_format / unix_timestamp / from_unixtime, and date_trunc.
 *
 * Timestamps are microseconds since the epoch in UTC; dates are days since the epoch. Wall-clock
 * readings and renderings take the session time zone's rules (`columnar/time-zone.ts`).
 */
import { AnalysisError } from "../../errors.js";
import type { ZoneRules } from "../../columnar/time-zone.js";
import { UTC, fromLocalMicros, toLocalMicros, zoneRules } from "../../columnar/time-zone.js";

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian civil date (Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil year, month (1-12) and day (1-31) of a day number, written into `out`. */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Floor division of a µs timestamp to days. */
export function microsToDays(us: bigint): number {
  let d = us / MICROS_PER_DAY;
  if (us % MICROS_PER_DAY < 0n) d -= 1n;
  return Number(d);
}

/** Floor division of a µs timestamp to seconds. */
export function microsToSeconds(us: bigint): bigint {
  let s = us / MICROS_PER_SECOND;
  if (us % MICROS_PER_SECOND < 0n) s -= 1n;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Spark's cast parsing.

/** Cursor over a string for the hand-written parsers below. */
interface Cursor {
  s: string;
  i: number;
}

function digitsAt(c: Cursor, min: number, max: number): number {
  let v = 0;
  let n = 0;
  while (n < max && c.i < c.s.length) {
    const code = c.s.charCodeAt(c.i);
    if (code < 48 || code > 57) break;
    v = v * 10 + (code - 48);
    c.i++;
    n++;
  }
  return n < min ? -1 : v;
}

/** Parses a zone suffix (`Z`, `UTC`, `GMT`, `+hh`, `+hh:mm`, `+hhmm`, `UTC+hh:mm`) to seconds; NaN if invalid. */
function parseZone(z: string): number {
  const t = z.trim();
  if (t === "" || t === "Z" || t === "UTC" || t === "GMT" || t === "UT") return 0;
  let rest = t;
  for (const p of ["UTC", "GMT", "UT"]) {
    if (rest.startsWith(p)) {
      rest = rest.slice(p.length);
      break;
    }
  }
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(rest);
  if (m === null) return NaN;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? "0");
  const se = Number(m[4] ?? "0");
  if (h > 18 || mi > 59 || se > 59) return NaN;
  const sec = h * 3600 + mi * 60 + se;
  return m[1] === "-" ? -sec : sec;
}

/**
 * Spark's `stringToTimestamp`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`,
 * `yyyy-[m]m-[d]d[T| ][h]h:[m]m[:[s]s[.f…]][zone]`, where the zone is an offset or a region id
 * (`Europe/Paris`); without one the time is a wall-clock time in `zone` (the session time zone).
 * Returns µs since the epoch or null.
 */
export function parseTimestamp(input: string, zone: ZoneRules = UTC): bigint | null {
  const s = input.trim();
  const c: Cursor = { s, i: 0 };
  const date = readDatePart(c);
  if (date === null) return null;
  let h = 0;
  let mi = 0;
  let se = 0;
  let micros = 0;
  let zoneSec = 0;
  let rules: ZoneRules | null = zone;
  if (c.i < s.length) {
    const sep = s[c.i];
    if (sep !== " " && sep !== "T") return null;
    c.i++;
    if (c.i < s.length) {
      h = digitsAt(c, 1, 2);
      if (h < 0) return null;
      if (s[c.i] !== ":") return null;
      c.i++;
      mi = digitsAt(c, 1, 2);
      if (mi < 0) return null;
      if (s[c.i] === ":") {
        c.i++;
        se = digitsAt(c, 1, 2);
        if (se < 0) return null;
        if (s[c.i] === ".") {
          c.i++;
          let n = 0;
          while (c.i < s.length) {
            const code = s.charCodeAt(c.i);
            if (code < 48 || code > 57) break;
            if (n < 6) {
              micros = micros * 10 + (code - 48);
              n++;
            }
            c.i++;
          }
          for (; n < 6; n++) micros *= 10;
        }
      }
      if (c.i < s.length) {
        const text = s.slice(c.i);
        zoneSec = parseZone(text);
        rules = null;
        if (Number.isNaN(zoneSec)) {
          zoneSec = 0;
          rules = zoneRules(text.trim());
          if (rules === null) return null;
        }
      }
    }
  }
  if (h > 23 || mi > 59 || se > 59) return null;
  const days = daysFromCivil(date.year, date.month, date.day);
  const local = days * 86400 + h * 3600 + mi * 60 + se;
  const secs = rules === null ? local - zoneSec : rules.utcOf(local);
  return BigInt(secs) * MICROS_PER_SECOND + BigInt(micros);
}

/** Spark's `stringToDate`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, then optional `T…` / ` …`. Days or null. */
export function parseDate(input: string): number | null {
  const s = input.trim();
  const c: Cursor = { s, i: 0 };
  const date = readDatePart(c);
  if (date === null) return null;
  if (c.i < s.length && s[c.i] !== " " && s[c.i] !== "T") return null;
  return daysFromCivil(date.year, date.month, date.day);
}

/**
 * The date part both parsers share: `[+-]yyyy[-[m]m[-[d]d]]` (4–6 year digits), advancing `c`.
 * Returns a valid calendar date (month and day default to 1) or null.
 */
function readDatePart(c: Cursor): { year: number; month: number; day: number } | null {
  const s = c.s;
  let sign = 1;
  if (s[c.i] === "-" || s[c.i] === "+") {
    sign = s[c.i] === "-" ? -1 : 1;
    c.i++;
  }
  const y = digitsAt(c, 4, 6);
  if (y < 0) return null;
  let month = 1;
  let day = 1;
  if (c.i < s.length && s[c.i] === "-") {
    c.i++;
    month = digitsAt(c, 1, 2);
    if (month < 0) return null;
    if (c.i < s.length && s[c.i] === "-") {
      c.i++;
      day = digitsAt(c, 1, 2);
      if (day < 0) return null;
    }
  }
  const year = sign * y;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

const scratch = new Int32Array(3);

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/** `yyyy-MM-dd` of a day number (Spark's `CAST(date AS STRING)`). */
export function formatDate(days: number): string {
  civilFromDays(days, scratch);
  return `${pad(scratch[0], 4)}-${pad(scratch[1], 2)}-${pad(scratch[2], 2)}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss[.ffffff]` with trailing zeros of the fraction trimmed (`CAST(ts AS STRING)`),
 * the wall-clock time in `zone`.
 */
export function formatTimestamp(us: bigint, zone: ZoneRules = UTC): string {
  const { date, time, frac } = timestampParts(toLocalMicros(us, zone));
  return frac === 0 ? `${date} ${time}` : `${date} ${time}.${String(frac).padStart(6, "0").replace(/0+$/, "")}`;
}

/**
 * ISO 8601 in UTC with exactly six fractional digits, `yyyy-MM-ddTHH:mm:ss.ffffffZ`: the form Delta
 * writers use for timestamp partition values, which means the same instant in every time zone.
 */
export function formatTimestampIsoUtc(us: bigint): string {
  const { date, time, frac } = timestampParts(us);
  return `${date}T${time}.${String(frac).padStart(6, "0")}Z`;
}

function timestampParts(us: bigint): { date: string; time: string; frac: number } {
  const days = microsToDays(us);
  const inDay = Number(us - BigInt(days) * MICROS_PER_DAY);
  const secOfDay = Math.floor(inDay / 1_000_000);
  const time = `${pad(Math.floor(secOfDay / 3600), 2)}:${pad(Math.floor(secOfDay / 60) % 60, 2)}:${pad(secOfDay % 60, 2)}`;
  return { date: formatDate(days), time, frac: inDay - secOfDay * 1_000_000 };
}

// ---------------------------------------------------------------------------------------------
// Spark datetime patterns.

type Field = "y" | "M" | "d" | "H" | "h" | "m" | "s" | "S" | "a" | "E" | "D" | "X" | "x" | "Z";

/** A compiled datetime pattern: literal text and fields with their letter counts. */
export type DateTimePattern = readonly (string | { readonly field: Field; readonly count: number })[];

const FIELDS = new Set<string>(["y", "M", "d", "H", "h", "m", "s", "S", "a", "E", "D", "X", "x", "Z"]);
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * Compiles a Spark datetime pattern. Supported letters: y M d H h m s S a E D X x Z, quoted
 * literals (`'T'`, `''` for a quote); other letters are an analysis error as in Spark.
 */
export function compilePattern(pattern: string): DateTimePattern {
  const out: (string | { field: Field; count: number })[] = [];
  let i = 0;
  let lit = "";
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        lit += "'";
        i += 2;
        continue;
      }
      if (end < 0) throw new AnalysisError(`datetime: unterminated quote in pattern '${pattern}'`);
      lit += pattern.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      if (!FIELDS.has(ch)) throw new AnalysisError(`datetime: unsupported pattern letter '${ch}' in '${pattern}'`);
      let n = 1;
      while (pattern[i + n] === ch) n++;
      if (lit !== "") {
        out.push(lit);
        lit = "";
      }
      out.push({ field: ch as Field, count: n });
      i += n;
      continue;
    }
    lit += ch;
    i++;
  }
  if (lit !== "") out.push(lit);
  return out;
}

/** Formats the instant `us` as a wall-clock time in `zone` with a compiled pattern. */
export function formatWithPattern(utc: bigint, pattern: DateTimePattern, zone: ZoneRules = UTC): string {
  const us = toLocalMicros(utc, zone);
  const offset = Number((us - utc) / MICROS_PER_SECOND);
  const days = microsToDays(us);
  const inDay = Number(us - BigInt(days) * MICROS_PER_DAY);
  const secOfDay = Math.floor(inDay / 1_000_000);
  const frac = inDay - secOfDay * 1_000_000;
  civilFromDays(days, scratch);
  const y = scratch[0];
  const mo = scratch[1];
  const d = scratch[2];
  const h = Math.floor(secOfDay / 3600);
  let s = "";
  for (const p of pattern) {
    if (typeof p === "string") {
      s += p;
      continue;
    }
    const n = p.count;
    switch (p.field) {
      case "y":
        s += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n);
        break;
      case "M":
        s += n >= 4 ? MONTHS[mo - 1] : n === 3 ? MONTHS[mo - 1].slice(0, 3) : pad(mo, n);
        break;
      case "d":
        s += pad(d, n);
        break;
      case "D":
        s += pad(days - daysFromCivil(y, 1, 1) + 1, n);
        break;
      case "H":
        s += pad(h, n);
        break;
      case "h":
        s += pad(h % 12 === 0 ? 12 : h % 12, n);
        break;
      case "a":
        s += h < 12 ? "AM" : "PM";
        break;
      case "m":
        s += pad(Math.floor(secOfDay / 60) % 60, n);
        break;
      case "s":
        s += pad(secOfDay % 60, n);
        break;
      case "S":
        s += String(frac).padStart(6, "0").padEnd(n, "0").slice(0, n);
        break;
      case "E": {
        const dow = (((days + 3) % 7) + 7) % 7;
        s += n >= 4 ? DAYS[dow] : DAYS[dow].slice(0, 3);
        break;
      }
      case "X":
        s += offset === 0 ? "Z" : offsetText(offset, n);
        break;
      case "x":
        s += offsetText(offset, n);
        break;
      case "Z":
        s += n >= 4 ? (offset === 0 ? "GMT" : `GMT${offsetText(offset, 5)}`) : n === 5 ? (offset === 0 ? "Z" : offsetText(offset, 5)) : offsetText(offset, 2);
        break;
    }
  }
  return s;
}

/**
 * An offset as `DateTimeFormatter`'s `x` letters print it: `x` → `+hh` (and `+hhmm` when the
 * minutes are not zero), `xx` → `+hhmm`, `xxx` → `+hh:mm`, `xxxx` → `+hhmm[ss]`, `xxxxx` → `+hh:mm[:ss]`.
 */
function offsetText(offset: number, letters: number): string {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const hh = pad(Math.floor(a / 3600), 2);
  const mm = pad(Math.floor(a / 60) % 60, 2);
  const ss = a % 60;
  const colon = letters === 3 || letters === 5 ? ":" : "";
  if (letters === 1) return mm === "00" ? `${sign}${hh}` : `${sign}${hh}${mm}`;
  const secs = (letters === 4 || letters === 5) && ss !== 0 ? `${colon}${pad(ss, 2)}` : "";
  return `${sign}${hh}${colon}${mm}${secs}`;
}

/**
 * Parses `s` with a compiled pattern (the whole string must match): µs since the epoch or null. A
 * text without an offset field is a wall-clock time in `zone`.
 */
export function parseWithPattern(s: string, pattern: DateTimePattern, zone: ZoneRules = UTC): bigint | null {
  const c: Cursor = { s, i: 0 };
  let y = 1970;
  let mo = 1;
  let d = 1;
  let h = 0;
  let h12 = -1;
  let pm = -1;
  let mi = 0;
  let se = 0;
  let micros = 0;
  let zoneSec: number | null = null;
  let dayOfYear = -1;
  for (const p of pattern) {
    if (typeof p === "string") {
      if (!s.startsWith(p, c.i)) return null;
      c.i += p.length;
      continue;
    }
    const n = p.count;
    // A single letter takes 1-2 digits (years: any count); n letters take exactly n digits.
    const num = (maxSingle: number) => (n === 1 ? digitsAt(c, 1, maxSingle) : digitsAt(c, n, n));
    switch (p.field) {
      case "y": {
        if (n === 2) {
          const v = digitsAt(c, 2, 2);
          if (v < 0) return null;
          y = 2000 + v;
        } else {
          let sign = 1;
          if (s[c.i] === "-" || s[c.i] === "+") {
            sign = s[c.i] === "-" ? -1 : 1;
            c.i++;
          }
          const v = digitsAt(c, n === 1 ? 1 : n, Math.max(n, 6));
          if (v < 0) return null;
          y = sign * v;
        }
        break;
      }
      case "M":
        if (n >= 3) {
          const names = MONTHS.map((m) => (n === 3 ? m.slice(0, 3) : m));
          const k = names.findIndex((m) => s.slice(c.i, c.i + m.length).toLowerCase() === m.toLowerCase());
          if (k < 0) return null;
          c.i += names[k].length;
          mo = k + 1;
        } else mo = num(2);
        break;
      case "d":
        d = num(2);
        break;
      case "D":
        dayOfYear = num(3);
        break;
      case "H":
        h = num(2);
        break;
      case "h":
        h12 = num(2);
        break;
      case "a": {
        const t = s.slice(c.i, c.i + 2).toUpperCase();
        if (t !== "AM" && t !== "PM") return null;
        pm = t === "PM" ? 1 : 0;
        c.i += 2;
        break;
      }
      case "m":
        mi = num(2);
        break;
      case "s":
        se = num(2);
        break;
      case "S": {
        const start = c.i;
        const v = digitsAt(c, n, n);
        if (v < 0) return null;
        const text = s.slice(start, c.i);
        micros = Number(text.padEnd(6, "0").slice(0, 6));
        break;
      }
      case "E": {
        const names = DAYS.map((x) => (n >= 4 ? x : x.slice(0, 3)));
        const k = names.findIndex((x) => s.slice(c.i, c.i + x.length).toLowerCase() === x.toLowerCase());
        if (k < 0) return null;
        c.i += names[k].length;
        break;
      }
      case "X":
      case "x":
      case "Z": {
        const m = /^(Z|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?)/.exec(s.slice(c.i));
        if (m === null) return null;
        zoneSec = parseZone(m[1]);
        if (Number.isNaN(zoneSec)) return null;
        c.i += m[1].length;
        break;
      }
    }
    if (y < -300000 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0 || (p.field === "h" && h12 < 0) || (p.field === "D" && dayOfYear < 0)) {
      return null;
    }
  }
  if (c.i !== s.length) return null;
  if (h12 >= 0) {
    if (h12 < 1 || h12 > 12) return null;
    h = (h12 % 12) + (pm === 1 ? 12 : 0);
  } else if (pm === 1 && h < 12) h += 12;
  let days: number;
  if (dayOfYear >= 0) {
    days = daysFromCivil(y, 1, 1) + dayOfYear - 1;
  } else {
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
    days = daysFromCivil(y, mo, d);
  }
  if (h > 23 || mi > 59 || se > 59) return null;
  const local = days * 86400 + h * 3600 + mi * 60 + se;
  const secs = zoneSec === null ? zone.utcOf(local) : local - zoneSec;
  return BigInt(secs) * MICROS_PER_SECOND + BigInt(micros);
}

/** Units accepted by date_trunc (upper-cased), mapped to the canonical unit; others give null. */
const TRUNC_UNITS: Readonly<Record<string, string>> = {
  YEAR: "year",
  YYYY: "year",
  YY: "year",
  QUARTER: "quarter",
  MONTH: "month",
  MM: "month",
  MON: "month",
  WEEK: "week",
  DAY: "day",
  DD: "day",
  HOUR: "hour",
  MINUTE: "minute",
  SECOND: "second",
  MILLISECOND: "millisecond",
  MICROSECOND: "microsecond",
};

/** Canonical date_trunc unit for user text, or null when Spark would return null. */
export function truncUnit(text: string): string | null {
  return TRUNC_UNITS[text.trim().toUpperCase()] ?? null;
}

/**
 * Truncates the instant `utc` to `unit` (from {@link truncUnit}) as Spark's `truncTimestamp`:
 * below a minute on the instant; from minutes up on the wall-clock time in `zone`, keeping the
 * instant's offset where the truncated time has it (`ZonedDateTime.truncatedTo`).
 */
export function truncTimestamp(utc: bigint, unit: string, zone: ZoneRules = UTC): bigint {
  const floorTo = (x: bigint, step: bigint) => {
    const r = x % step;
    return r < 0n ? x - r - step : x - r;
  };
  switch (unit) {
    case "microsecond":
      return utc;
    case "millisecond":
      return floorTo(utc, 1000n);
    case "second":
      return floorTo(utc, MICROS_PER_SECOND);
  }
  const us = toLocalMicros(utc, zone);
  const offset = us - utc;
  const back = (local: bigint): bigint => {
    const keep = local - offset;
    const s = Number(microsToSeconds(keep));
    return zone.offsetAt(s) === Number(offset / MICROS_PER_SECOND) ? keep : fromLocalMicros(local, zone);
  };
  switch (unit) {
    case "minute":
      return back(floorTo(us, 60n * MICROS_PER_SECOND));
    case "hour":
      return back(floorTo(us, 3600n * MICROS_PER_SECOND));
    case "day":
      return back(floorTo(us, MICROS_PER_DAY));
  }
  const days = microsToDays(us);
  civilFromDays(days, scratch);
  let start: number;
  switch (unit) {
    case "week":
      start = days - ((((days + 3) % 7) + 7) % 7);
      break;
    case "month":
      start = daysFromCivil(scratch[0], scratch[1], 1);
      break;
    case "quarter":
      start = daysFromCivil(scratch[0], scratch[1] - ((scratch[1] - 1) % 3), 1);
      break;
    default:
      start = daysFromCivil(scratch[0], 1, 1);
  }
  return fromLocalMicros(BigInt(start) * MICROS_PER_DAY, zone);
}

/** Year, month or day-of-month of a day number. */
export function datePart(days: number, part: 0 | 1 | 2): number {
  civilFromDays(days, scratch);
  return scratch[part];
}

/** Hour, minute or second of the wall-clock time of the instant `utc` in `zone`. */
export function timePart(utc: bigint, part: "hour" | "minute" | "second", zone: ZoneRules = UTC): number {
  const us = toLocalMicros(utc, zone);
  const days = microsToDays(us);
  const secOfDay = Math.floor(Number(us - BigInt(days) * MICROS_PER_DAY) / 1_000_000);
  if (part === "hour") return Math.floor(secOfDay / 3600);
  if (part === "minute") return Math.floor(secOfDay / 60) % 60;
  return secOfDay % 60;
}

