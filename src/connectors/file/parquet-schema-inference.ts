/**
 * The schema of a `parquet` file source given no schema, as Spark infers it for
 * `spark.read.parquet(path)` with `mergeSchema=false`:
 * - the data columns are those of the first data file: the first live entry of the folder's
 *   `_spark_metadata` log when it has one (never an orphan file), else the first file of the
 *   listing (key order);
 * - partition columns found in the files' `k=v` folders are appended (unless
 *   `recursiveFileLookup`), their types inferred from every file's values as Spark does
 *   (integer, long, decimal(p,0), double, date, else string; an all-null column is string);
 * - every field is nullable, as Spark makes file-source schemas.
 *
 * Spark requires a schema for streaming parquet sources unless `spark.sql.streaming.schemaInference`
 * is set; a connector cannot tell a streaming read from a batch read, so both infer for now.
 *
 * It runs once, at `load()`, in the blocking-call worker (see `SourceConnector.resolveSchema`).
 */
import { parquetSchema } from "hyparquet";
import { AnalysisError, SourceError } from "../../errors.js";
import { ArrayType, DateType, DecimalType, DoubleType, IntegerType, LongType, MapType, StringType, StructField, StructType } from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";
import { sparkSchemaOf } from "../../formats/parquet/read-schema.js";
import type { Storage } from "../../storage/storage.js";
import { parquetSourceFromStorage, readParquetMetadata } from "../../formats/parquet/parquet-reader.js";
import { hasSinkLog, readSinkLogFiles } from "../../tables/parquet-log/sink-log.js";
import type { FileSourceOptions } from "./options.js";
import { globToRegExp, listDataFiles } from "./listing.js";
import { partitionValuesOf } from "../../tables/files/partition-path.js";
import type { SourceLocation } from "./listing.js";

/**
 * Infers the schema of the parquet files at `loc` (see the module comment). Throws
 * {@link AnalysisError} when there is no data file to infer from (Spark's "Unable to infer schema
 * for Parquet"), and {@link SourceError} when the first file's footer cannot be read.
 */
export async function inferParquetSchema(loc: SourceLocation, file: FileSourceOptions): Promise<StructType> {
  const nameFilter = file.pathGlobFilter === undefined ? null : globToRegExp(file.pathGlobFilter, "pathGlobFilter");
  const fromLog = loc.patterns.length === 0 && (await hasSinkLog(loc.storage, loc.key)) ? await readSinkLogFiles(loc.storage, loc.key) : null;
  const files =
    fromLog === null
      ? (await listDataFiles(loc, nameFilter)).map((f) => ({ ...f, storage: loc.storage }))
      : fromLog.filter((f) => nameFilter === null || nameFilter.test(f.key.slice(f.key.lastIndexOf("/") + 1)));
  if (files.length === 0) {
    throw new AnalysisError(`parquet source: unable to infer the schema: no data files in ${loc.display}; it must be specified manually with .schema(...)`);
  }
  const first = files[0];
  const data = await readFooterSchema(first.storage, first.key, first.url);
  const fields = data.fields.map((f) => StructField(f.name, asNullable(f.dataType), true));
  if (!file.recursiveFileLookup) {
    const names = new Set(fields.map((f) => f.name));
    for (const [name, type] of partitionColumnTypes(loc.key, files.map((f) => f.key))) {
      if (!names.has(name)) fields.push(StructField(name, type, true));
    }
  }
  return StructType(fields);
}

/** `t` with every nested field, element and value nullable (Spark's `asNullable`). */
export function asNullable(t: DataType): DataType {
  switch (t.typeName) {
    case "struct":
      return StructType(t.fields.map((f) => StructField(f.name, asNullable(f.dataType), true, f.metadata)));
    case "array":
      return ArrayType(asNullable(t.elementType), true);
    case "map":
      return MapType(asNullable(t.keyType), asNullable(t.valueType), true);
    default:
      return t;
  }
}

/**
 * Partition columns of `keys` below the folder `baseKey`, in order of first appearance, each with
 * the widest type of its values (Spark's `inferPartitionColumnValue` + `findWiderTypeForPartitionColumn`).
 */
export function partitionColumnTypes(baseKey: string, keys: readonly string[]): Map<string, DataType> {
  const types = new Map<string, DataType | null>();
  for (const key of keys) {
    for (const [name, value] of partitionValuesOf(baseKey, key)) {
      const t = value === null ? null : inferPartitionValueType(value);
      const prev = types.get(name);
      types.set(name, prev === undefined ? t : widerPartitionType(prev, t));
    }
  }
  const out = new Map<string, DataType>();
  for (const [name, t] of types) out.set(name, t ?? StringType());
  return out;
}

/** Spark's partition value type inference (timestamps are left as strings here). */
export function inferPartitionValueType(raw: string): DataType {
  if (/^[+-]?\d+$/.test(raw)) {
    const v = BigInt(raw);
    if (v >= -2147483648n && v <= 2147483647n) return IntegerType();
    if (v >= -9223372036854775808n && v <= 9223372036854775807n) return LongType();
    const digits = raw.replace(/^[+-]?0*/, "").length;
    if (digits <= 38) return DecimalType(Math.max(digits, 1), 0);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(raw) || /^[+-]?(NaN|Infinity)$/.test(raw)) return DoubleType();
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (d !== null) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const date = new Date(Date.UTC(y, m - 1, day));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === day) return DateType();
  }
  return StringType();
}

/** The wider of two partition types (null: only nulls seen); incompatible types widen to string. */
function widerPartitionType(a: DataType | null, b: DataType | null): DataType | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.typeName === b.typeName && a.typeName !== "decimal") return a;
  const rank = (t: DataType): number =>
    t.typeName === "integer" ? 0 : t.typeName === "long" ? 1 : t.typeName === "decimal" ? 2 : t.typeName === "double" ? 3 : -1;
  const ra = rank(a);
  const rb = rank(b);
  if (ra < 0 || rb < 0) return StringType();
  if (ra === 3 || rb === 3) return DoubleType();
  if (ra === 2 || rb === 2) {
    const digits = (t: DataType): number => (t.typeName === "decimal" ? t.precision : t.typeName === "long" ? 20 : 10);
    return DecimalType(Math.min(38, Math.max(digits(a), digits(b))), 0);
  }
  return LongType();
}

/** The Spark schema in the footer of a Parquet file, read with ranged gets. */
async function readFooterSchema(storage: Storage, key: string, url: string): Promise<StructType> {
  try {
    const md = await readParquetMetadata(await parquetSourceFromStorage(storage, key), { path: url });
    return sparkSchemaOf(parquetSchema(md));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SourceError(`parquet source: cannot read the schema of ${url}: ${reason}`, { path: url, cause });
  }
}
