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


/** Offset of `zone` from UTC in seconds at the UTC instant `epochSeconds`. */
export function zoneOffsetSeconds(zone: string, epochSeconds: number): number {
  const fixed = parseZone(zone);
  if (typeof fixed === "number") return fixed;
  if (fixed === null) return 0;
  const fmt = zoneFormatter(fixed);
  if (fmt === null) return 0;
  const parts = fmt.formatToParts(new Date(epochSeconds * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  const hour = get("hour") % 24;
  const local = daysFromCivil(get("year"), get("month"), get("day")) * SECONDS_PER_DAY + hour * 3600 + get("minute") * 60 + get("second");
  return local - Math.floor(epochSeconds);
}

function localToUtcSeconds(localSeconds: number, zone: string): number {
  const fixed = parseZone(zone);
  if (typeof fixed === "number") return localSeconds - fixed;
  if (fixed === null || zoneFormatter(fixed) === null) return NaN;
  // Two rounds settle the offset except inside a DST gap, where Java shifts forward as we do.
  let guess = localSeconds - zoneOffsetSeconds(fixed, localSeconds);
  guess = localSeconds - zoneOffsetSeconds(fixed, guess);
  return guess;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/**
 * A zone id as Spark accepts it: returns a fixed offset in seconds, a region id string, or null
 * when the text is not a zone.
 */
function parseZone(z: string): number | string | null {
  if (z === "Z" || z === "UTC" || z === "GMT" || z === "UT") return 0;
  for (const prefix of ["UTC", "GMT", "UT"]) {
    if (z.startsWith(prefix) && (z[prefix.length] === "+" || z[prefix.length] === "-")) return parseOffset(z.slice(prefix.length));
  }
  if (z[0] === "+" || z[0] === "-") return parseOffset(z);
  if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(z) && zoneFormatter(z) !== null) return z;
  return null;
}

function parseOffset(z: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(z);
  if (m === null) return null;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? "0");
  const s = Number(m[4] ?? "0");
  if (h > 18 || mi > 59 || s > 59) return null;
  const total = h * 3600 + mi * 60 + s;
  return m[1] === "-" ? -total : total;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
