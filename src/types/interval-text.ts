/**
 * Spark's interval strings as the streaming API takes them (`withWatermark(col, "10 minutes")`,
 * `window(ts, "1 hour", "15 minutes")`, `trigger({ processingTime: "1 minute" })`): one or more
 * `<number> <unit>` pairs, optionally after the word `interval`, e.g. `"1 hour 30 minutes"` or
 * `"interval 2 days"`. Units are Spark's (year, month, week, day, hour, minute, second,
 * millisecond, microsecond; singular or plural; case-insensitive) plus the short forms sluice's
 * trigger always took (`ms`, `s`, `sec`, `min`, `m`, `h`, `d`).
 */
import { ConfigError } from "../errors.js";

/** A calendar interval: whole months and an exact number of microseconds (days counted as 24 h). */
export interface IntervalValue {
  readonly months: number;
  readonly micros: number;
}

const MICROS: Readonly<Record<string, number>> = {
  microsecond: 1,
  us: 1,
  millisecond: 1_000,
  ms: 1_000,
  second: 1_000_000,
  sec: 1_000_000,
  s: 1_000_000,
  minute: 60_000_000,
  min: 60_000_000,
  m: 60_000_000,
  hour: 3_600_000_000,
  h: 3_600_000_000,
  day: 86_400_000_000,
  d: 86_400_000_000,
  week: 604_800_000_000,
};

const MONTHS: Readonly<Record<string, number>> = { month: 1, year: 12 };

/**
 * Parses an interval string. `what` names the argument or option in errors.
 * @throws ConfigError naming `what` and the text when it is not an interval.
 * @example parseIntervalText("1 hour 30 minutes", "window") // { months: 0, micros: 5_400_000_000 }
 */
export function parseIntervalText(text: string, what: string): IntervalValue {
  const bad = (why: string): never => {
    throw new ConfigError(`${what}: ${why} in interval ${JSON.stringify(text)}; use e.g. "10 seconds" or "1 hour 30 minutes"`, { option: what });
  };
  const tokens = text.trim().toLowerCase().replace(/^interval\s+/, "").match(/[+-]?\d+(?:\.\d+)?|[a-z]+/g) ?? [];
  if (tokens.length === 0 || tokens.length % 2 !== 0) bad("expected <number> <unit> pairs");
  if (tokens.join("").length !== text.trim().toLowerCase().replace(/^interval\s+/, "").replace(/\s+/g, "").length) bad("unexpected characters");
  let months = 0;
  let micros = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    const n = Number(tokens[i]);
    if (!Number.isFinite(n)) bad(`'${tokens[i]}' is not a number`);
    const word = tokens[i + 1];
    const unit = word.length > 2 && word.endsWith("s") && !(word in MICROS) ? word.slice(0, -1) : word;
    if (unit in MONTHS) {
      if (!Number.isInteger(n)) bad(`months and years must be whole numbers, got '${tokens[i]}'`);
      months += n * MONTHS[unit];
    } else if (unit in MICROS) {
      micros += n * MICROS[unit];
    } else {
      bad(`unknown unit '${word}'`);
    }
  }
  return { months, micros: Math.round(micros) };
}

/**
 * An interval that must be an exact duration (no months or years), in microseconds.
 * @throws ConfigError when the text does not parse or holds months or years.
 */
export function parseDurationMicros(text: string, what: string): number {
  const v = parseIntervalText(text, what);
  if (v.months !== 0) {
    throw new ConfigError(`${what}: intervals of months or years are not supported, got ${JSON.stringify(text)}`, { option: what });
  }
  return v.micros;
}
