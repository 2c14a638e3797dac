/**
 * Date and time function kernels that read or write wall-clock times: parsing and formatting with
 * Spark datetime patterns (to_timestamp, to_date, date_format, unix_timestamp, from_unixtime),
 * zone conversions (from_utc_timestamp, to_utc_timestamp, current_timezone), make_timestamp,
 * timestampadd / timestampdiff, date_trunc, extract and the field extractors. Wall-clock readings
 * and renderings are in the session time zone the binder put in the call's `timeZone` option (UTC
 * without one).
 */
import type { Vector } from "../../../columnar/vector.js";
import { isValid, compactMask } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { DateType, DecimalType, DoubleType, IntegerType, LongType, StringType, TimestampType } from "../../../types/data-types.js";
import { andMasks, broadcastLiteral, decimalVector, longVector, numberVector, validity, writableMask } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import { literalArg } from "./kernel.js";
import type { ZoneRules } from "../../../columnar/time-zone.js";
import { UTC, fromLocalMicros, requireZone, toLocalMicros, zoneRules } from "../../../columnar/time-zone.js";
import type { DateTimeFormatter } from "../datetime-pattern.js";
import { dateTimeFormatter } from "../datetime-pattern.js";
import {
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  addMonthsToDays,
  civilFromDays,
  dateField,
  daysFromCivil,
  microsToDays,
  microsToSeconds,
  parseDate,
  parseTimestamp,
  timePart,
  truncTimestamp,
  truncUnit,
} from "../datetime.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const DATETIME_KERNELS: Readonly<Record<string, KernelFactory>> = {
  to_timestamp: toTimestampKernel,
  to_timestamp_ltz: toTimestampKernel,
  to_timestamp_ntz: toTimestampKernel,
  try_to_timestamp: toTimestampKernel,
  to_date: toDateKernel,
  current_timestamp: fixed(currentTimestampKernel),
  localtimestamp: localTimestampKernel,
  convert_timezone: convertTimezoneKernel,
  current_date: currentDateKernel,
  current_timezone: currentTimezoneKernel,
  date_trunc: dateTruncKernel,
  date_format: (call) => formatKernel(call, 1n),
  unix_timestamp: unixTimestampKernel,
  to_unix_timestamp: unixTimestampKernel,
  from_unixtime: (call) => formatKernel(call, MICROS_PER_SECOND),
  from_utc_timestamp: (call) => utcConversionKernel(call, true),
  to_utc_timestamp: (call) => utcConversionKernel(call, false),
  make_timestamp: makeTimestampKernel,
  make_timestamp_ltz: makeTimestampKernel,
  make_timestamp_ntz: makeTimestampKernel,
  timestampadd: timestampAddKernel,
  timestampdiff: timestampDiffKernel,
  year: fixed(dateFieldKernel("year")),
  month: fixed(dateFieldKernel("month")),
  dayofmonth: fixed(dateFieldKernel("day")),
  hour: (call) => timePartKernel("hour", call),
  minute: (call) => timePartKernel("minute", call),
  second: (call) => timePartKernel("second", call),
  extract: extractKernel,
};

function i64(v: Vector, what: string): BigInt64Array {
  if (v.kind === "i64") return v.values;
  throw new ExecutionError(`${what}: expected a timestamp or long vector, got ${v.type.typeName}`);
}

/** The session time zone bound into `call` (see `FunctionDef.timeZoneAware`). */
export function zoneOf(call: BoundCall): ZoneRules {
  const id = call.fn.options.timeZone;
  return id === undefined ? UTC : requireZone(id);
}

/**
 * The pattern of each row (see the definitions' `formatOption`): `null` reads as CAST does (no
 * pattern given), `undefined` makes the row null (a NULL pattern).
 */
type PatternAt = (i: number) => DateTimeFormatter | null | undefined;

/**
 * The call's patterns: a constant one is compiled once, here (so a pattern Spark refuses fails
 * the query even without rows); a pattern column (`options.formatArg`, the last argument) is
 * compiled per distinct text.
 */
function patternsOf(call: BoundCall, forParsing: boolean, fallback: string | null): (args: readonly Vector[]) => PatternAt {
  const o = call.fn.options;
  if (o.nullFormat === "true") return () => () => undefined;
  if (o.formatArg === "true") {
    return (args) => {
      const fv = args[args.length - 1];
      let lastText: string | null = null;
      let last: DateTimeFormatter | null = null;
      return (i) => {
        if (fv.kind !== "bytes" || !isValid(fv, i)) return undefined;
        const text = decodeUtf8(fv.data, fv.offsets[i], fv.offsets[i + 1]);
        if (text !== lastText || last === null) {
          last = dateTimeFormatter(text, forParsing);
          lastText = text;
        }
        return last;
      };
    };
  }
  const text = o.format ?? fallback ?? "";
  const fixedPattern = text === "" && fallback === null ? null : dateTimeFormatter(text, forParsing);
  return () => () => fixedPattern;
}

/**
 * Parses every string slot to µs: null where it does not parse, or with `ansiFn` (the function's
 * name, under spark.sql.ansi.enabled) an error naming the text, as Spark's CANNOT_PARSE_TIMESTAMP.
 */
function parseStrings(v: Vector, at: PatternAt, zone: ZoneRules, local = false, ansiFn: string | null = null): { values: BigInt64Array; valid: Uint8Array } {
  const n = v.length;
  const values = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  if (v.kind !== "bytes") return { values, valid };
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    const formatter = at(i);
    if (formatter === undefined) continue;
    const s = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    // No pattern: Spark's to_timestamp(str) is CAST(str AS TIMESTAMP).
    const r = formatter !== null ? formatter.parse(s, zone, local) : parseTimestamp(s, zone);
    if (r !== null) {
      values[i] = r;
      valid[i] = 1;
    } else if (ansiFn !== null) {
      throw new ExecutionError(
        `${ansiFn}: [CANNOT_PARSE_TIMESTAMP] Text '${s}' could not be parsed${formatter !== null ? " with its pattern" : ""}. Use try_to_timestamp to tolerate malformed input and return NULL instead; if necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
      );
    }
  }
  return { values, valid };
}

/** The function's name when its call raises ANSI errors (`spark.sql.ansi.enabled` at analysis), else null. */
function ansiName(call: BoundCall): string | null {
  return call.fn.options.ansi === "true" ? call.fn.name : null;
}

/** to_timestamp / to_timestamp_ltz / try_to_timestamp (str[, fmt]); a non-string argument was cast at bind time. */
function toTimestampKernel(call: BoundCall): Kernel {
  const patterns = patternsOf(call, true, null);
  const zone = zoneOf(call);
  // TIMESTAMP_NTZ: the wall-clock time as written, a zone in the text ignored.
  const local = call.dataType.typeName === "timestamp_ntz";
  return (args, n) => {
    const v = args[0];
    if (v.kind === "i64") return v;
    const r = parseStrings(v, patterns(args), zone, local, ansiName(call));
    return longVector(call.dataType, r.values, compactMask(r.valid, n));
  };
}

/** Every string slot read as `CAST(s AS DATE)` does (null where it does not parse, an error with `ansiFn`). */
function parseDates(v: Vector, ansiFn: string | null): Vector {
  const n = v.length;
  const out = new Int32Array(n);
  const valid = new Uint8Array(n);
  if (v.kind === "bytes") {
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      const text = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
      const d = parseDate(text);
      if (d !== null) {
        out[i] = d;
        valid[i] = 1;
      } else if (ansiFn !== null) {
        throw new ExecutionError(`${ansiFn}: [CAST_INVALID_INPUT] The value '${text}' of the type "STRING" cannot be cast to "DATE" because it is malformed; if necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
      }
    }
  }
  return numberVector(DateType(), out, compactMask(valid, n));
}

/** to_date(str[, fmt]): without a pattern as CAST; with one, the parsed instant's date in the session time zone. */
function toDateKernel(call: BoundCall): Kernel {
  const patterns = patternsOf(call, true, null);
  const o = call.fn.options;
  const castLike = o.format === undefined && o.formatArg === undefined && o.nullFormat === undefined;
  const zone = zoneOf(call);
  return (args, n) => {
    const v = args[0];
    if (v.kind === "i32") return v;
    if (castLike) return parseDates(v, ansiName(call));
    const r = parseStrings(v, patterns(args), zone, false, ansiName(call));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (r.valid[i] === 1) out[i] = microsToDays(toLocalMicros(r.values[i], zone));
    return numberVector(DateType(), out, compactMask(r.valid, n));
  };
}

/** current_timestamp(): the batch's timestamp. */
function currentTimestampKernel(_args: readonly Vector[], n: number, ctx: { readonly batchTimestampMs: number }): Vector {
  return broadcastLiteral(BigInt(Math.trunc(ctx.batchTimestampMs)) * 1000n, TimestampType(), n);
}

/** localtimestamp(): the batch's timestamp as the session time zone's wall clock (TIMESTAMP_NTZ). */
function localTimestampKernel(call: BoundCall): Kernel {
  const zone = zoneOf(call);
  return (_args, n, ctx) => broadcastLiteral(toLocalMicros(BigInt(Math.trunc(ctx.batchTimestampMs)) * 1000n, zone), call.dataType, n);
}

/**
 * convert_timezone([sourceTz, ]targetTz, ntz): the wall-clock time `ntz` in the source zone (the
 * session's without one) as the target zone's wall clock (Spark's `convertTimestampNtzToAnotherTz`).
 */
function convertTimezoneKernel(call: BoundCall): Kernel {
  const k = call.args.length;
  const zoneAt = (j: number): ((args: readonly Vector[], i: number) => ZoneRules | null) => {
    const lit = literalArg(call, j);
    if (typeof lit === "string") {
      const z = argZone(lit, call.fn.name);
      return () => z;
    }
    return (args, i) => {
      const v = args[j];
      return v.kind === "bytes" ? argZone(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]), call.fn.name) : null;
    };
  };
  const session = zoneOf(call);
  const source = k === 3 ? zoneAt(0) : () => session;
  const target = zoneAt(k - 2);
  return (args, n) => {
    const tsV = args[k - 1];
    const ts = i64(tsV, call.fn.name);
    const out = new BigInt64Array(n);
    const m = writableMask(andMasks(args.map(validity), n), n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const from = source(args, i);
      const to = target(args, i);
      if (from === null || to === null) m[i] = 0;
      else out[i] = toLocalMicros(fromLocalMicros(ts[i], from), to);
    }
    return longVector(call.dataType, out, compactMask(m, n));
  };
}

/** current_date(): the batch's date in the session time zone. */
function currentDateKernel(call: BoundCall): Kernel {
  const zone = zoneOf(call);
  return (_args, n, ctx) => broadcastLiteral(microsToDays(toLocalMicros(BigInt(Math.trunc(ctx.batchTimestampMs)) * 1000n, zone)), DateType(), n);
}

/** current_timezone(): the session time zone's id. */
function currentTimezoneKernel(call: BoundCall): Kernel {
  const id = call.fn.options.timeZone ?? "UTC";
  return (_args, n) => broadcastLiteral(id, StringType(), n);
}

/** date_trunc(unit, ts): null for an unknown unit, as Spark. */
function dateTruncKernel(call: BoundCall): Kernel {
  const fixedText = literalArg(call, 0);
  const fixedUnit = typeof fixedText === "string" ? truncUnit(fixedText) : undefined;
  const zone = zoneOf(call);
  return ([unitV, tsV], n) => {
    const ts = i64(tsV, "date_trunc");
    const out = new BigInt64Array(n);
    const m = writableMask(andMasks([tsV.valid, unitV.valid], n), n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      let unit = fixedUnit;
      if (unit === undefined) unit = unitV.kind === "bytes" ? truncUnit(decodeUtf8(unitV.data, unitV.offsets[i], unitV.offsets[i + 1])) : null;
      if (unit === null) m[i] = 0;
      else out[i] = truncTimestamp(ts[i], unit, zone);
    }
    return longVector(call.dataType, out, compactMask(m, n));
  };
}

/** date_format(ts, fmt) (`scale` 1) and from_unixtime(seconds[, fmt]) (`scale` 1e6). */
function formatKernel(call: BoundCall, scale: bigint): Kernel {
  const patterns = patternsOf(call, false, "yyyy-MM-dd HH:mm:ss");
  const zone = zoneOf(call);
  return (args, n) => {
    const v = args[0];
    const ts = i64(v, call.fn.name);
    const at = patterns(args);
    const b = new BytesBuilder(n, n * 20);
    for (let i = 0; i < n; i++) {
      const formatter = isValid(v, i) ? at(i) : undefined;
      if (formatter === undefined || formatter === null) b.appendNull();
      else b.appendString(formatter.format(ts[i] * scale, zone));
    }
    return b.finish(StringType());
  };
}

/** unix_timestamp / to_unix_timestamp ([ts | date | str[, fmt]]): seconds since the epoch. */
function unixTimestampKernel(call: BoundCall): Kernel {
  const patterns = patternsOf(call, true, "yyyy-MM-dd HH:mm:ss");
  const zone = zoneOf(call);
  return (args, n, ctx) => {
    if (args.length === 0) return broadcastLiteral(BigInt(Math.floor(ctx.batchTimestampMs / 1000)), LongType(), n);
    const v = args[0];
    const out = new BigInt64Array(n);
    if (v.kind === "i64") {
      // A timestamp or date argument: Spark reads no pattern (a NULL one still gives null).
      for (let i = 0; i < n; i++) out[i] = microsToSeconds(v.values[i]);
      return call.fn.options.nullFormat === "true" ? broadcastLiteral(null, LongType(), n) : longVector(LongType(), out, v.valid);
    }
    const r = parseStrings(v, patterns(args), zone, false, ansiName(call));
    for (let i = 0; i < n; i++) if (r.valid[i] === 1) out[i] = microsToSeconds(r.values[i]);
    return longVector(LongType(), out, compactMask(r.valid, n));
  };
}

/** A zone named by a function argument (`getZoneId`): Spark raises for an invalid one. */
function argZone(id: string, fn: string): ZoneRules {
  const r = zoneRules(id.trim());
  if (r === null) throw new ExecutionError(`${fn}: [INVALID_TIMEZONE] The timezone: ${id} is invalid. The timezone must be either a region-based zone ID or a zone offset.`);
  return r;
}

/**
 * from_utc_timestamp(ts, tz): the UTC wall-clock time of `ts` read in `tz`; to_utc_timestamp(ts,
 * tz): the `tz` wall-clock time of `ts` read in UTC (Spark's `convertTz`).
 */
function utcConversionKernel(call: BoundCall, fromUtc: boolean): Kernel {
  const lit = literalArg(call, 1);
  const fixedZone = typeof lit === "string" ? argZone(lit, call.fn.name) : null;
  return ([tsV, tzV], n) => {
    const ts = i64(tsV, call.fn.name);
    const out = new BigInt64Array(n);
    const m = writableMask(andMasks([tsV.valid, tzV.valid], n), n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      let zone = fixedZone;
      if (zone === null) {
        if (tzV.kind !== "bytes") throw new ExecutionError(`${call.fn.name}: expected a string time zone, got ${tzV.type.typeName}`);
        zone = argZone(decodeUtf8(tzV.data, tzV.offsets[i], tzV.offsets[i + 1]), call.fn.name);
      }
      out[i] = fromUtc ? toLocalMicros(ts[i], zone) : fromLocalMicros(ts[i], zone);
    }
    return longVector(TimestampType(), out, compactMask(m, n));
  };
}

/**
 * make_timestamp(year, month, day, hour, min, sec[, tz]) (and make_timestamp_ltz): sec is a
 * decimal(16,6); 60 with no fraction is the next minute; invalid fields give null (non-ANSI).
 */
function makeTimestampKernel(call: BoundCall): Kernel {
  const zone = zoneOf(call);
  const ansi = call.fn.options.ansi === "true";
  const lit = call.args.length > 6 ? literalArg(call, 6) : undefined;
  const fixedZone = typeof lit === "string" ? zoneRules(lit.trim()) : undefined;
  return (args, n) => {
    const ints = args.slice(0, 5).map((a) => (a.kind === "i32" ? a.values : null));
    const secV = args[5];
    const tzV = args[6];
    const out = new BigInt64Array(n);
    const m = writableMask(andMasks(args.map(validity), n), n);
    if (secV.kind !== "decimal" || ints.some((x) => x === null)) throw new ExecutionError(`${call.fn.name}: unexpected argument vectors`);
    const [y, mo, d, h, mi] = ints as Int32Array[];
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      let rules: ZoneRules | null = zone;
      if (tzV !== undefined) {
        rules = fixedZone !== undefined ? fixedZone : tzV.kind === "bytes" ? zoneRules(decodeUtf8(tzV.data, tzV.offsets[i], tzV.offsets[i + 1]).trim()) : null;
      }
      const r = rules === null ? null : makeTimestamp(y[i], mo[i], d[i], h[i], mi[i], secV.values[i], rules);
      if (r === null && ansi && rules !== null) {
        const sec = Number(secV.values[i]) / 1e6;
        throw new ExecutionError(
          `${call.fn.name}: [DATETIME_FIELD_OUT_OF_BOUNDS] no such date and time: year ${y[i]}, month ${mo[i]}, day ${d[i]}, hour ${h[i]}, minute ${mi[i]}, second ${sec}; if necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
        );
      }
      if (r === null) m[i] = 0;
      else out[i] = r;
    }
    return longVector(call.dataType, out, compactMask(m, n));
  };
}

function makeTimestamp(y: number, mo: number, d: number, h: number, mi: number, secMicros: bigint, zone: ZoneRules): bigint | null {
  if (y < -999_999_999 || y > 999_999_999 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return null;
  if (secMicros < 0n || secMicros >= 61_000_000n) return null;
  let sec = Number(secMicros / MICROS_PER_SECOND);
  const frac = secMicros % MICROS_PER_SECOND;
  let extraMinute = 0;
  if (sec === 60) {
    if (frac !== 0n) return null;
    sec = 0;
    extraMinute = 60;
  }
  const ymd = new Int32Array(3);
  const days = daysFromCivil(y, mo, d);
  civilFromDays(days, ymd);
  if (ymd[1] !== mo || ymd[2] !== d) return null;
  const local = BigInt(days * 86400 + h * 3600 + mi * 60 + sec + extraMinute) * MICROS_PER_SECOND + frac;
  return fromLocalMicros(local, zone);
}

/** Units of timestampadd / timestampdiff (upper-case). */
const MICROS_OF_UNIT: Readonly<Record<string, bigint>> = {
  MICROSECOND: 1n,
  MILLISECOND: 1000n,
  SECOND: MICROS_PER_SECOND,
  MINUTE: 60n * MICROS_PER_SECOND,
  HOUR: 3600n * MICROS_PER_SECOND,
};

/** timestampadd(unit, quantity, ts) as Spark's `DateTimeUtils.timestampAdd`. */
function timestampAddKernel(call: BoundCall): Kernel {
  const unit = call.fn.options.unit ?? "";
  const zone = zoneOf(call);
  return ([qV, tsV], n) => {
    if (qV.kind !== "i32") throw new ExecutionError(`timestampadd: expected an int quantity, got ${qV.type.typeName}`);
    const ts = i64(tsV, "timestampadd");
    const out = new BigInt64Array(n);
    const valid = andMasks([qV.valid, tsV.valid], n);
    for (let i = 0; i < n; i++) if (isSet(valid, i)) out[i] = timestampAdd(unit, qV.values[i], ts[i], zone);
    return longVector(call.dataType, out, valid);
  };
}

function isSet(mask: Uint8Array | null, i: number): boolean {
  return mask === null || mask[i] === 1;
}

function timestampAdd(unit: string, q: number, us: bigint, zone: ZoneRules): bigint {
  const perUnit = MICROS_OF_UNIT[unit];
  if (perUnit !== undefined) return us + BigInt(q) * perUnit;
  const local = toLocalMicros(us, zone);
  const days = microsToDays(local);
  const inDay = local - BigInt(days) * MICROS_PER_DAY;
  let newDays: number;
  switch (unit) {
    case "DAY":
    case "DAYOFYEAR":
      newDays = days + q;
      break;
    case "WEEK":
      newDays = days + q * 7;
      break;
    case "MONTH":
      newDays = addMonthsToDays(days, q);
      break;
    case "QUARTER":
      newDays = addMonthsToDays(days, q * 3);
      break;
    default:
      newDays = addMonthsToDays(days, q * 12);
  }
  return keepOffset(BigInt(newDays) * MICROS_PER_DAY + inDay, local - us, zone);
}

/** The instant of local µs `local`, keeping `offset` (µs) where it is valid (`ZonedDateTime.resolveLocal`). */
function keepOffset(local: bigint, offset: bigint, zone: ZoneRules): bigint {
  const keep = local - offset;
  return BigInt(zone.offsetAt(Number(microsToSeconds(keep)))) * MICROS_PER_SECOND === offset ? keep : fromLocalMicros(local, zone);
}

/** timestampdiff(unit, start, end): whole units between the wall-clock times in the session zone. */
function timestampDiffKernel(call: BoundCall): Kernel {
  const unit = call.fn.options.unit ?? "";
  const zone = zoneOf(call);
  return ([aV, bV], n) => {
    const a = i64(aV, "timestampdiff");
    const b = i64(bV, "timestampdiff");
    const out = new BigInt64Array(n);
    const valid = andMasks([aV.valid, bV.valid], n);
    for (let i = 0; i < n; i++) if (isSet(valid, i)) out[i] = timestampDiff(unit, toLocalMicros(a[i], zone), toLocalMicros(b[i], zone));
    return longVector(LongType(), out, valid);
  };
}

/** `ChronoUnit.between` of two local date-times (µs): truncated towards zero. */
function timestampDiff(unit: string, start: bigint, end: bigint): bigint {
  const perUnit = MICROS_OF_UNIT[unit];
  if (perUnit !== undefined) return (end - start) / perUnit;
  const sd = microsToDays(start);
  const st = start - BigInt(sd) * MICROS_PER_DAY;
  let ed = microsToDays(end);
  const et = end - BigInt(ed) * MICROS_PER_DAY;
  // LocalDateTime.until: a partial day at the end does not count.
  if (ed > sd && et < st) ed -= 1;
  else if (ed < sd && et > st) ed += 1;
  switch (unit) {
    case "DAY":
      return BigInt(ed - sd);
    case "WEEK":
      return BigInt(Math.trunc((ed - sd) / 7));
  }
  const s = new Int32Array(3);
  const e = new Int32Array(3);
  civilFromDays(sd, s);
  civilFromDays(ed, e);
  const packed1 = (s[0] * 12 + s[1] - 1) * 32 + s[2];
  const packed2 = (e[0] * 12 + e[1] - 1) * 32 + e[2];
  const months = Math.trunc((packed2 - packed1) / 32);
  if (unit === "MONTH") return BigInt(months);
  if (unit === "QUARTER") return BigInt(Math.trunc(months / 3));
  return BigInt(Math.trunc(months / 12));
}

/** year / month / dayofmonth … of a date. */
function dateFieldKernel(field: string): Kernel {
  return ([v], n) => {
    if (v.kind !== "i32") throw new ExecutionError(`${field}: expected a date vector, got ${v.type.typeName}`);
    const out = new Int32Array(n);
    const days = v.values;
    for (let i = 0; i < n; i++) out[i] = dateField(days[i], field);
    return numberVector(IntegerType(), out, v.valid);
  };
}

/** hour / minute / second of a timestamp, in the session time zone. */
function timePartKernel(part: "hour" | "minute" | "second", call: BoundCall): Kernel {
  const zone = zoneOf(call);
  return ([v], n) => {
    const ts = i64(v, part);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = timePart(ts[i], part, zone);
    return numberVector(IntegerType(), out, v.valid);
  };
}

/** The seconds and fraction of a timestamp as decimal(8,6) (`SecondWithFraction`). */
function secondWithFractionKernel(call: BoundCall): Kernel {
  const zone = zoneOf(call);
  const type = DecimalType(8, 6);
  return ([v], n) => {
    const ts = i64(v, "extract");
    const out: bigint[] = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const local = toLocalMicros(ts[i], zone);
      const r = local % 60_000_000n;
      out[i] = r < 0n ? r + 60_000_000n : r;
    }
    return decimalVector(type, out, v.valid);
  };
}

/** extract(field FROM x) / date_part: the field chosen at bind time (`options.field`). */
function extractKernel(call: BoundCall): Kernel {
  const field = call.fn.options.field ?? "";
  switch (field) {
    case "null":
      return (_args, n) => broadcastLiteral(null, DoubleType(), n);
    case "hour":
    case "minute":
      return timePartKernel(field, call);
    case "second":
      return secondWithFractionKernel(call);
    default:
      return dateFieldKernel(field);
  }
}
