/**
 * Spark's lenient string → timestamp / date parsers (`DateTimeUtils.stringToTimestamp` and
 * `stringToDate`), as used by `from_json` and the JSON source when no `timestampFormat` /
 * `dateFormat` option is given (Spark 3.x default, with the parsing fallback enabled).
 *
 * Timestamp grammar (after trimming whitespace):
 * `[+-]yyyy[-[m]m[-[d]d]][(' ' | 'T')[h]h:[m]m[:[s]s[.f{1,9}]]][zone]` where zone is `Z`, `UTC`,
 * `GMT`, `UT` (each optionally followed by an offset), `+h`, `+hh`, `+hh:mm`, `+hhmm`, or a region
 * id such as `Europe/Paris`. Fraction digits beyond microseconds are truncated, as in Spark.
 */
import { daysFromCivil } from "../../columnar/civil-date.js";
import { fixedOffset, zoneRules } from "../../columnar/time-zone.js";

export { daysFromCivil } from "../../columnar/civil-date.js";

const MICROS_PER_SECOND = 1_000_000;
const SECONDS_PER_DAY = 86_400;

/**
 * Parses `s` as a Spark timestamp in session time zone `zone`; returns microseconds since the
 * epoch, or null when `s` is not a timestamp.
 */
export function stringToTimestamp(s: string, zone: string): bigint | null {
  const t = s.trim();
  let i = 0;
  let neg = false;
  if (t[i] === "-" || t[i] === "+") {
    neg = t[i] === "-";
    i++;
  }
  const seg = [0, 1, 1, 0, 0, 0, 0];
  // Date part.
  let start = i;
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  const yDigits = i - start;
  if (yDigits < 4 || yDigits > 6) return null;
  seg[0] = Number(t.slice(start, i));
  if (neg) seg[0] = -seg[0];
  for (let k = 1; k <= 2 && i < t.length && t[i] === "-"; k++) {
    i++;
    start = i;
    while (i < t.length && isDigit(t.charCodeAt(i))) i++;
    if (i - start < 1 || i - start > 2) return null;
    seg[k] = Number(t.slice(start, i));
  }
  let offsetSeconds: number | null = null;
  let regionZone: string | null = null;
  if (i < t.length) {
    const sep = t[i];
    if (sep !== " " && sep !== "T") return null;
    i++;
    if (i < t.length) {
      // Time part: [h]h:[m]m[:[s]s[.fraction]]
      for (let k = 3; k <= 5; k++) {
        start = i;
        while (i < t.length && isDigit(t.charCodeAt(i))) i++;
        if (i - start < 1 || i - start > 2) return null;
        seg[k] = Number(t.slice(start, i));
        if (k < 5 && t[i] === ":") {
          i++;
        } else {
          if (k === 3) return null; // hour alone is not a time
          break;
        }
      }
      if (t[i] === ".") {
        i++;
        start = i;
        while (i < t.length && isDigit(t.charCodeAt(i))) i++;
        const digits = i - start;
        if (digits < 1 || digits > 9) return null;
        const micro = t.slice(start, Math.min(i, start + 6)).padEnd(6, "0");
        seg[6] = Number(micro);
      }
      if (i < t.length) {
        const z = parseZone(t.slice(t[i] === " " ? i + 1 : i));
        if (z === null) return null;
        if (typeof z === "number") offsetSeconds = z;
        else regionZone = z;
      }
    }
  }
  const [y, mo, d, h, mi, sec, us] = seg;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || mi > 59 || sec > 59) return null;
  const localSeconds = daysFromCivil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec;
  let epochSeconds: number;
  if (offsetSeconds !== null) epochSeconds = localSeconds - offsetSeconds;
  else epochSeconds = localToUtcSeconds(localSeconds, regionZone ?? zone);
  if (!Number.isFinite(epochSeconds)) return null;
  return BigInt(epochSeconds) * BigInt(MICROS_PER_SECOND) + BigInt(us);
}

/**
 * Parses `s` as a Spark date: `[+-]yyyy[-[m]m[-[d]d]]` optionally followed by `' '` or `'T'` and
 * anything, or (Spark 1.5 legacy) a plain integer number of days. Returns days since the epoch or null.
 */
export function stringToDate(s: string): number | null {
  const t = s.trim();
  let i = 0;
  let neg = false;
  if (t[i] === "-" || t[i] === "+") {
    neg = t[i] === "-";
    i++;
  }
  const seg = [0, 1, 1];
  let start = i;
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  const yDigits = i - start;
  let ok = yDigits >= 4 && yDigits <= 6;
  if (ok) {
    seg[0] = Number(t.slice(start, i)) * (neg ? -1 : 1);
    for (let k = 1; k <= 2 && i < t.length && t[i] === "-"; k++) {
      i++;
      start = i;
      while (i < t.length && isDigit(t.charCodeAt(i))) i++;
      if (i - start < 1 || i - start > 2) {
        ok = false;
        break;
      }
      seg[k] = Number(t.slice(start, i));
    }
    if (ok && i < t.length && t[i] !== " " && t[i] !== "T") ok = false;
    if (ok && (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > daysInMonth(seg[0], seg[1]))) ok = false;
    if (ok) return daysFromCivil(seg[0], seg[1], seg[2]);
  }
  // Legacy: days since the epoch as an integer (Java Integer.parseInt on the untrimmed text).
  if (/^[+-]?\d+$/.test(s)) {
    const n = Number(s);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  return null;
}


/** Offset of `zone` from UTC in seconds at the UTC instant `epochSeconds` (0 for an unknown zone). */
export function zoneOffsetSeconds(zone: string, epochSeconds: number): number {
  return zoneRules(zone)?.offsetAt(Math.floor(epochSeconds)) ?? 0;
}

/** The UTC second of the wall-clock second `localSeconds` in `zone` (columnar/time-zone.ts), NaN for an unknown zone. */
function localToUtcSeconds(localSeconds: number, zone: string): number {
  return zoneRules(zone)?.utcOf(localSeconds) ?? NaN;
}

/**
 * A zone id as Spark accepts it: a fixed offset in seconds, a region id string, or null when the
 * text is not a zone.
 */
function parseZone(z: string): number | string | null {
  const fixed = fixedOffset(z);
  if (fixed !== null) return fixed;
  return zoneRules(z) === null ? null : z;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
