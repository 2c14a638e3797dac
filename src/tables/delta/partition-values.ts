/**
 * Partition values: parsing the string serialization of PROTOCOL.md "Partition Value Serialization"
 * into the values `vectorFromValues` accepts, and building constant partition columns.
 */
import { ConfigError, SourceError } from "../../errors.js";
import type { DataType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { nullVector, vectorFromValues } from "../../columnar/build.js";
import { stringToDate, stringToTimestamp } from "../../formats/json/json-datetime.js";

/** The time zone zone-less timestamp partition values are read in when none is given. */
export const DEFAULT_PARTITION_TIME_ZONE = "UTC";

/**
 * A column of `length` copies of the partition value `raw` (a serialized string; `null` or `""` is
 * the null partition) typed `type`. `timeZone` is as in {@link parsePartitionValue}.
 * @throws SourceError (`delta reader: …`) naming the column and the value when it does not parse.
 */
export function partitionVector(type: DataType, raw: string | null, length: number, column: string, timeZone = DEFAULT_PARTITION_TIME_ZONE): Vector {
  const value = parsePartitionValue(type, raw, column, timeZone);
  if (value === null) return nullVector(type, length);
  return vectorFromValues(type, new Array<unknown>(length).fill(value));
}

/**
 * Parses one serialized partition value: numbers in decimal, booleans `true`/`false`, dates
 * `yyyy-MM-dd`, decimals and strings as written. Timestamps are parsed as Spark casts a string to
 * a timestamp (`yyyy-MM-dd[ T]HH:mm:ss[.ffffff]` with an optional zone: `Z`, `±HH:mm`, a region id);
 * a value without a zone is a wall-clock time in `timeZone` (an IANA name such as
 * `America/Los_Angeles`, `UTC`, or an offset such as `+08:00`), because Spark writes such values in
 * its session time zone (`spark.sql.session.timeZone`). Returns `null` for the null partition.
 * `timeZone` must be valid (see {@link checkTimeZone}); an unknown one makes zone-less values fail.
 */
export function parsePartitionValue(type: DataType, raw: string | null, column: string, timeZone = DEFAULT_PARTITION_TIME_ZONE): unknown {
  if (raw === null || raw === "") return null;
  const bad = (): never => {
    throw new SourceError(`delta reader: partition value ${JSON.stringify(raw)} of column '${column}' is not a valid ${type.typeName}`);
  };
  switch (type.typeName) {
    case "string":
    case "binary":
    case "decimal":
      return raw;
    case "long":
      if (!/^[+-]?\d+$/.test(raw)) bad();
      return BigInt(raw);
    case "integer":
    case "short":
    case "byte":
      if (!/^[+-]?\d+$/.test(raw)) bad();
      return Number(raw);
    case "double":
    case "float": {
      const n = Number(raw);
      if (Number.isNaN(n) && raw !== "NaN") bad();
      return n;
    }
    case "boolean": {
      const s = raw.toLowerCase();
      if (s !== "true" && s !== "false") bad();
      return s === "true";
    }
    case "date": {
      // Proleptic Gregorian days (Date.UTC would read years 0-99 as 1900-1999); invalid days fail.
      const days = /^\d{4,6}-\d{2}-\d{2}$/.test(raw) ? stringToDate(raw) : null;
      return days ?? bad();
    }
    case "timestamp":
      return stringToTimestamp(raw, timeZone) ?? bad();
    case "timestamp_ntz":
      // A wall-clock time: read with no zone.
      return stringToTimestamp(raw, "UTC") ?? bad();
    default:
      return bad();
  }
}

/**
 * Checks that `timeZone` names a time zone: an IANA region id known to this runtime's `Intl`
 * (`Europe/Paris`), `UTC`/`GMT`/`Z`, or a fixed offset (`+08:00`, `UTC-5`). `option` and
 * `subsystem` are for the message (the session checks `spark.sql.session.timeZone` with this too).
 * @throws ConfigError naming the option and the value otherwise.
 */
export function checkTimeZone(timeZone: string, option = "timeZone", subsystem = "delta reader"): void {
  // Midnight on 1970-01-01 parses exactly when the zone is known (an unknown zone makes it null).
  if (timeZone.trim() !== timeZone || stringToTimestamp("1970-01-01 00:00:00", timeZone) === null) {
    throw new ConfigError(
      `${subsystem}: option '${option}' must be a time zone such as 'UTC', 'America/Los_Angeles' or '+08:00', got ${JSON.stringify(timeZone)}`,
      { option },
    );
  }
}
