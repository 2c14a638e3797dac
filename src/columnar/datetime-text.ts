/**
 * Calendar arithmetic and the text of dates and timestamps, as Spark prints them (`CAST(x AS
 * STRING)`, literal names, show): civil dates from day numbers (proleptic Gregorian, Hinnant's
 * algorithms) and `yyyy-MM-dd HH:mm:ss[.ffffff]` in a time zone. Below the evaluator and the
 * planner, so both print the same text.
 */
import type { ZoneRules } from "./time-zone.js";
import { UTC, toLocalMicros } from "./time-zone.js";
import { civilFromDays } from "./civil-date.js";

export { civilFromDays, daysFromCivil } from "./civil-date.js";

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

const scratch = new Int32Array(3);



/** Floor division of a µs timestamp to days. */
export function microsToDays(us: bigint): number {
  let d = us / MICROS_PER_DAY;
  if (us % MICROS_PER_DAY < 0n) d -= 1n;
  return Number(d);
}

export function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/**
 * `yyyy-MM-dd` of a day number (Spark's `CAST(date AS STRING)`): a year past 9999 is signed
 * (`+10000-01-01`), as Spark's `uuuu` prints it.
 */
export function formatDate(days: number): string {
  civilFromDays(days, scratch);
  const y = scratch[0] > 9999 ? `+${scratch[0]}` : pad(scratch[0], 4);
  return `${y}-${pad(scratch[1], 2)}-${pad(scratch[2], 2)}`;
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
