/**
 * Date and time function kernels: to_timestamp, to_date,
 * current_timestamp, current_date, date_trunc, date_format, unix_timestamp, from_unixtime and the
 * field extractors year/month/dayofmonth/hour/minute/second. Wall-clock readings and renderings
 * are in the session time zone the binder put in the call's `timeZone` option (UTC without one).
 */
import type { Vector } from "../../../columnar/vector.js";
import { isValid, compactMask } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { DateType, IntegerType, LongType, StringType, TimestampType } from "../../../types/data-types.js";
import { broadcastLiteral, longVector, numberVector, writableMask } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import { literalArg } from "./kernel.js";
import type { DateTimePattern } from "../datetime.js";
import type { ZoneRules } from "../../../columnar/time-zone.js";
import { UTC, requireZone, toLocalMicros } from "../../../columnar/time-zone.js";
import {
  MICROS_PER_SECOND,
  compilePattern,
  datePart,
  formatWithPattern,
  microsToDays,
  microsToSeconds,
  parseTimestamp,
  parseWithPattern,
  timePart,
  truncTimestamp,
  truncUnit,
} from "../datetime.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

function i64(v: Vector, what: string): BigInt64Array {
  if (v.kind === "i64") return v.values;
  throw new ExecutionError(`${what}: expected a timestamp or long vector, got ${v.type.typeName}`);
}

/** The session time zone bound into `call` (see `FunctionDef.timeZoneAware`). */
export function zoneOf(call: BoundCall): ZoneRules {
  const id = call.fn.options.timeZone;
  return id === undefined ? UTC : requireZone(id);
}

function patternOf(call: BoundCall): DateTimePattern | null {
  const f = call.fn.options.format ?? "";
  return f === "" ? null : compilePattern(f);
}

/** Parses every string slot to µs (null where it does not parse). */
function parseStrings(v: Vector, pattern: DateTimePattern | null, zone: ZoneRules): { values: BigInt64Array; valid: Uint8Array } {
  const n = v.length;
  const values = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  if (v.kind !== "bytes") return { values, valid };
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    const s = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    const r = pattern === null ? parseTimestamp(s, zone) : parseWithPattern(s, pattern, zone);
    if (r !== null) {
      values[i] = r;
      valid[i] = 1;
    }
  }
  return { values, valid };
}

/** to_timestamp(str[, fmt]); a non-string argument was cast at bind time and passes through. */
export function toTimestampKernel(call: BoundCall): Kernel {
  const pattern = patternOf(call);
  const zone = zoneOf(call);
  return ([v], n) => {
    if (v.kind === "i64") return v;
    const r = parseStrings(v, pattern, zone);
    return longVector(TimestampType(), r.values, compactMask(r.valid, n));
  };
}

/** to_date(str[, fmt]). */
export function toDateKernel(call: BoundCall): Kernel {
  const pattern = patternOf(call);
  const zone = zoneOf(call);
  return ([v], n) => {
    if (v.kind === "i32") return v;
    const r = parseStrings(v, pattern, zone);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (r.valid[i] === 1) out[i] = microsToDays(toLocalMicros(r.values[i], zone));
    return numberVector(DateType(), out, compactMask(r.valid, n));
  };
}

export const currentTimestampKernel: Kernel = (_args, n, ctx) =>
  broadcastLiteral(BigInt(Math.trunc(ctx.batchTimestampMs)) * 1000n, TimestampType(), n);

/** current_date(): the batch's date in the session time zone. */
export function currentDateKernel(call: BoundCall): Kernel {
  const zone = zoneOf(call);
  return (_args, n, ctx) => broadcastLiteral(microsToDays(toLocalMicros(BigInt(Math.trunc(ctx.batchTimestampMs)) * 1000n, zone)), DateType(), n);
}

/** date_trunc(unit, ts): null for an unknown unit, as Spark. */
export function dateTruncKernel(call: BoundCall): Kernel {
  const fixed = literalArg(call, 0);
  const fixedUnit = typeof fixed === "string" ? truncUnit(fixed) : undefined;
  const zone = zoneOf(call);
  return ([unitV, tsV], n) => {
    const ts = i64(tsV, "date_trunc");
    const out = new BigInt64Array(n);
    const m = writableMask(tsV.valid, n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      let unit = fixedUnit;
      if (unit === undefined) {
        unit = unitV.kind === "bytes" && isValid(unitV, i) ? truncUnit(decodeUtf8(unitV.data, unitV.offsets[i], unitV.offsets[i + 1])) : null;
      }
      if (unit === null) m[i] = 0;
      else out[i] = truncTimestamp(ts[i], unit, zone);
    }
    return longVector(TimestampType(), out, compactMask(m, n));
  };
}

function formatKernel(call: BoundCall, scale: bigint): Kernel {
  const pattern = compilePattern(call.fn.options.format ?? "yyyy-MM-dd HH:mm:ss");
  const zone = zoneOf(call);
  return ([v], n) => {
    const ts = i64(v, call.fn.name);
    const b = new BytesBuilder(n, n * 20);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) b.appendNull();
      else b.appendString(formatWithPattern(ts[i] * scale, pattern, zone));
    }
    return b.finish(StringType());
  };
}

/** date_format(ts, fmt). */
export const dateFormatKernel = (call: BoundCall): Kernel => formatKernel(call, 1n);

/** from_unixtime(seconds[, fmt]). */
export const fromUnixtimeKernel = (call: BoundCall): Kernel => formatKernel(call, MICROS_PER_SECOND);

/** unix_timestamp([ts | str[, fmt]]): seconds since the epoch. */
export function unixTimestampKernel(call: BoundCall): Kernel {
  const pattern = compilePattern(call.fn.options.format ?? "yyyy-MM-dd HH:mm:ss");
  const zone = zoneOf(call);
  return (args, n, ctx) => {
    if (args.length === 0) return broadcastLiteral(BigInt(Math.floor(ctx.batchTimestampMs / 1000)), LongType(), n);
    const v = args[0];
    const out = new BigInt64Array(n);
    if (v.kind === "i64") {
      for (let i = 0; i < n; i++) out[i] = microsToSeconds(v.values[i]);
      return longVector(LongType(), out, v.valid);
    }
    const r = parseStrings(v, pattern, zone);
    for (let i = 0; i < n; i++) if (r.valid[i] === 1) out[i] = microsToSeconds(r.values[i]);
    return longVector(LongType(), out, compactMask(r.valid, n));
  };
}

/** year / month / dayofmonth of a date. */
export function datePartKernel(part: 0 | 1 | 2): Kernel {
  return ([v], n) => {
    if (v.kind !== "i32") throw new ExecutionError(`date part: expected a date vector, got ${v.type.typeName}`);
    const out = new Int32Array(n);
    const days = v.values;
    for (let i = 0; i < n; i++) out[i] = datePart(days[i], part);
    return numberVector(IntegerType(), out, v.valid);
  };
}

/** hour / minute / second of a timestamp, in the session time zone. */
export function timePartKernel(part: "hour" | "minute" | "second", call?: BoundCall): Kernel {
  const zone = call === undefined ? UTC : zoneOf(call);
  return ([v], n) => {
    const ts = i64(v, part);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = timePart(ts[i], part, zone);
    return numberVector(IntegerType(), out, v.valid);
  };
}

/** extract(field FROM x) / date_part: integer fields of a date or timestamp. */
export function extractKernel(call: BoundCall): Kernel {
  switch (call.fn.options.field) {
    case "year":
      return datePartKernel(0);
    case "month":
      return datePartKernel(1);
    case "day":
      return datePartKernel(2);
    case "hour":
      return timePartKernel("hour", call);
    case "minute":
      return timePartKernel("minute", call);
    default:
      return timePartKernel("second", call);
  }
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const DATETIME_KERNELS: Readonly<Record<string, KernelFactory>> = {
  to_timestamp: toTimestampKernel,
  to_date: toDateKernel,
  current_timestamp: fixed(currentTimestampKernel),
  current_date: currentDateKernel,
  date_trunc: dateTruncKernel,
  date_format: dateFormatKernel,
  unix_timestamp: unixTimestampKernel,
  from_unixtime: fromUnixtimeKernel,
  year: fixed(datePartKernel(0)),
  month: fixed(datePartKernel(1)),
  dayofmonth: fixed(datePartKernel(2)),
  hour: (call) => timePartKernel("hour", call),
  minute: (call) => timePartKernel("minute", call),
  second: (call) => timePartKernel("second", call),
  extract: extractKernel,
};
