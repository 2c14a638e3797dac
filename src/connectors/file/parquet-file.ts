/**
 * One Parquet data file → columns of the file source's data schema:
 * - columns are matched by name (exactly, else case-insensitively when unambiguous, as Spark's
 *   default `spark.sql.caseSensitive=false`), in the schema's order; only matched columns are read;
 * - a schema column the file lacks reads as nulls;
 * - a matched column must have the schema's type, nullability flags aside; no casts are made
 *   (Spark's vectorized reader widens a few types; here a mismatch is a {@link SourceError} naming
 *   the file, the column and both types);
 * - row groups larger than `maxRows` are cut into slices of at most `maxRows` rows.
 */
import type { DataType, StructField, StructType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { nullVector } from "../../columnar/build.js";
import { slice } from "../../columnar/ops.js";
import { NotFoundError, SluiceError, SourceError } from "../../errors.js";
import { readParquetBatches, readParquetMetadata, readParquetSchema } from "../../formats/parquet/parquet-reader.js";
import type { ParquetSource } from "../../formats/parquet/parquet-reader.js";
import { simpleString } from "../../types/print-schema.js";
import type { Storage } from "../../storage/storage.js";
import { markCorruptFile } from "./line-chunks.js";

/** Columns of one slice of a Parquet file, one per field of the data schema asked for. */
export interface ParquetSlice {
  readonly columns: Vector[];
  readonly numRows: number;
}

/**
 * Reads `storage`'s `key` (`size` bytes; `url` names it in errors) as slices of at most `maxRows`
 * rows with one column per field of `schema`. A file that cannot be read or decoded is a
 * {@link SourceError} marked as a corrupt file (`ignoreCorruptFiles` skips it); a vanished file is a
 * {@link NotFoundError}; a column whose type differs from the schema's is a (non-corrupt) SourceError.
 * With `read` (lower-case field names), the other fields are not read and come back as nulls.
 */
export async function* readParquetFile(
  storage: Storage,
  key: string,
  url: string,
  size: number,
  schema: StructType,
  maxRows: number,
  read: ReadonlySet<string> | null = null,
): AsyncGenerator<ParquetSlice> {
  const source = footerCachingSource(storage, key, url, size);
  const fileSchema = await reader(url, () => readParquetSchema(source, { path: url }));
  const plan = matchColumns(schema, fileSchema, url, read);
  const columns = [...new Set(plan.filter((c): c is string => c !== null))];
  if (columns.length === 0) {
    // Nothing to decode: the rows are still there (every column null).
    const md = await reader(url, () => readParquetMetadata(source, { path: url }));
    let left = Number(md.num_rows);
    while (left > 0) {
      const n = Math.min(left, maxRows);
      yield { columns: schema.fields.map((f) => nullVector(f.dataType, n)), numRows: n };
      left -= n;
    }
    return;
  }
  const batches = readParquetBatches(source, { columns, path: url });
  try {
    for (;;) {
      const next = await reader(url, () => batches.next());
      if (next.done === true) return;
      const b = next.value;
      const byName = new Map<string, Vector>();
      columns.forEach((c, i) => byName.set(c, b.columns[i]));
      for (let start = 0; start < b.numRows; start += maxRows) {
        const end = Math.min(b.numRows, start + maxRows);
        const n = end - start;
        const out = schema.fields.map((f, i) => {
          const name = plan[i];
          const v = name === null ? undefined : byName.get(name);
          return v === undefined ? nullVector(f.dataType, n) : withType(slice(v, start, end), f.dataType);
        });
        yield { columns: out, numRows: n };
      }
    }
  } finally {
    await batches.return(undefined);
  }
}

/**
 * For each field of `schema`, the name of the file column it reads (null: not in the file).
 * Throws {@link SourceError} for an ambiguous case-insensitive match or a type mismatch.
 */
export function matchColumns(schema: StructType, fileSchema: StructType, url: string, read: ReadonlySet<string> | null = null): (string | null)[] {
  const exact = new Map<string, StructField>();
  const folded = new Map<string, StructField[]>();
  for (const f of fileSchema.fields) {
    exact.set(f.name, f);
    const k = f.name.toLowerCase();
    const list = folded.get(k);
    if (list === undefined) folded.set(k, [f]);
    else list.push(f);
  }
  return schema.fields.map((want) => {
    if (read !== null && !read.has(want.name.toLowerCase())) return null;
    let got = exact.get(want.name);
    if (got === undefined) {
      const candidates = folded.get(want.name.toLowerCase()) ?? [];
      if (candidates.length > 1) {
        throw new SourceError(
          `parquet source: column '${want.name}' matches several columns of ${url} (${candidates.map((c) => `'${c.name}'`).join(", ")}) ignoring case`,
          { path: url },
        );
      }
      got = candidates[0];
    }
    if (got === undefined) return null;
    if (!sameTypeIgnoringNullability(got.dataType, want.dataType)) {
      throw new SourceError(
        `parquet source: column '${want.name}' of ${url} is ${simpleString(got.dataType)} in the file but ${simpleString(want.dataType)} in the schema`,
        { path: url },
      );
    }
    return got.name;
  });
}

/** Structural type equality ignoring `nullable`, `containsNull` and `valueContainsNull`. */
export function sameTypeIgnoringNullability(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  if (a.typeName === "decimal" && b.typeName === "decimal") return a.precision === b.precision && a.scale === b.scale;
  if (a.typeName === "array" && b.typeName === "array") return sameTypeIgnoringNullability(a.elementType, b.elementType);
  if (a.typeName === "map" && b.typeName === "map") {
    return sameTypeIgnoringNullability(a.keyType, b.keyType) && sameTypeIgnoringNullability(a.valueType, b.valueType);
  }
  if (a.typeName === "struct" && b.typeName === "struct") {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => f.name === b.fields[i].name && sameTypeIgnoringNullability(f.dataType, b.fields[i].dataType))
    );
  }
  return true;
}

/** `v` relabelled with `type` (same shape, nullability flags may differ), children included; no data is copied. */
function withType(v: Vector, type: DataType): Vector {
  if (v.type === type) return v;
  switch (v.kind) {
    case "struct":
      if (type.typeName !== "struct") return v;
      return { ...v, type, children: v.children.map((c, i) => withType(c, type.fields[i].dataType)) };
    case "list":
      if (type.typeName !== "array") return v;
      return { ...v, type, child: withType(v.child, type.elementType) };
    case "map":
      if (type.typeName !== "map") return v;
      return { ...v, type, keys: withType(v.keys, type.keyType), items: withType(v.items, type.valueType) };
    case "decimal":
      return type.typeName === "decimal" ? { ...v, type } : v;
    default:
      return { ...v, type };
  }
}

/** Runs a reader call; its SourceErrors are corrupt-file errors, other failures are wrapped as one. */
async function reader<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof NotFoundError) throw cause;
    if (cause instanceof SourceError) throw markCorruptFile(cause);
    const reason = cause instanceof Error ? cause.message : String(cause);
    const retryable = cause instanceof SluiceError ? cause.retryable : false;
    throw markCorruptFile(new SourceError(`parquet source: cannot read ${url}: ${reason}`, { path: url, cause, retryable }));
  }
}

/**
 * A ranged-read source over `key` that serves repeated reads of the file's tail (the footer, read
 * once for the schema and again by the batch reader) from memory.
 */
function footerCachingSource(storage: Storage, key: string, url: string, size: number): ParquetSource {
  const tail = new Map<number, Promise<Uint8Array>>();
  const get = async (start: number, end: number): Promise<Uint8Array> => {
    try {
      return await storage.get(key, { start, end });
    } catch (cause) {
      if (cause instanceof NotFoundError || cause instanceof SourceError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      const retryable = cause instanceof SluiceError ? cause.retryable : false;
      throw markCorruptFile(new SourceError(`parquet source: cannot read ${url}: ${reason}`, { path: url, cause, retryable }));
    }
  };
  return {
    byteLength: size,
    read(start: number, end: number): Promise<Uint8Array> {
      if (end !== size) return get(start, end);
      let p = tail.get(start);
      if (p === undefined) {
        p = get(start, end);
        tail.set(start, p);
      }
      return p;
    },
  };
}
