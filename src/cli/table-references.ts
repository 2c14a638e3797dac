/**
 * Spark's path-based table references in SQL (``delta.`/data/silver` ``, ``parquet.`…` ``,
 * ``json.`…` ``) found outside string literals, quoted identifiers and comments, and replaced by
 * DuckDB relations. A Delta table becomes the union of its live Parquet files at the latest
 * snapshot (the log replayed by sluice), one `read_parquet` per partition with the partition
 * columns added as typed constants.
 */
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";
import type { DataType, StructType } from "../types/data-types.js";
import { LocalStorage } from "../storage/local.js";
import { folderPrefix, resolveLocation } from "../storage/resolve.js";
import type { Storage } from "../storage/storage.js";
import { parsePartitionValue } from "../tables/delta/partition-values.js";
import { hasSinkLog, readSinkLogFiles } from "../tables/parquet-log/sink-log.js";
import type { DeltaFile, DeltaSnapshot } from "../tables/delta/snapshot.js";
import type { DeltaLocation } from "./delta-location.js";
import type { StagedFiles } from "./staged-files.js";
import { listDataFiles } from "../connectors/file/listing.js";
import type { Batch } from "../columnar/batch.js";
import { writeParquet } from "../formats/parquet/parquet-writer.js";
import { openIcebergTable, planScan, readScanTask, readSchema, selectSnapshot } from "../tables/iceberg/table-reader.js";
import { sparkSchemaOf } from "../tables/iceberg/types.js";

/** The table formats a reference can name. */
export type ReferenceFormat = "delta" | "parquet" | "json" | "csv" | "iceberg";

/** One ``format.`path` `` in a SQL text. */
export interface TableReference {
  readonly format: ReferenceFormat;
  /** The path between the back-quotes, with doubled back-quotes unescaped. */
  readonly path: string;
  /** Offset of the format name in the SQL text. */
  readonly start: number;
  /** Offset just past the closing back-quote. */
  readonly end: number;
}

/**
 * A DuckDB relation for one reference, and the local paths it reads: what `sluice query`'s lock
 * lets DuckDB open.
 */
export interface Relation {
  readonly sql: string;
  /** Files read by their exact path. */
  readonly files: readonly string[];
  /** Folders read by a glob (every file below them), each ending in `/`. */
  readonly directories: readonly string[];
}

const FORMATS: ReadonlySet<string> = new Set(["delta", "parquet", "json", "csv", "iceberg"]);

/**
 * Every ``format.`path` `` in `sql`, in order. The format name is case-insensitive and must not be
 * part of a longer name (`x.delta.`p`` is not a reference). Text inside `'…'` strings, `"…"`
 * identifiers, `-- …` and `/* … *\/` comments is skipped.
 * @throws ConfigError for an unterminated back-quoted path.
 */
export function findTableReferences(sql: string): TableReference[] {
  const refs: TableReference[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      i = skipQuoted(sql, i, c);
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === "`") {
      i = skipQuoted(sql, i, "`");
      continue;
    }
    if (isIdentStart(c) && (i === 0 || !isIdentPart(sql[i - 1]))) {
      let j = i;
      while (j < n && isIdentPart(sql[j])) j++;
      const word = sql.slice(i, j).toLowerCase();
      const prev = previousNonSpace(sql, i);
      if (FORMATS.has(word) && sql[j] === "." && sql[j + 1] === "`" && prev !== ".") {
        const close = closingBackquote(sql, j + 1);
        if (close < 0) throw new ConfigError(`query: unterminated back-quoted path after ${sql.slice(i, j + 1)} at offset ${i}`);
        const path = sql.slice(j + 2, close).replaceAll("``", "`");
        refs.push({ format: word as ReferenceFormat, path, start: i, end: close + 1 });
        i = close + 1;
        continue;
      }
      i = j;
      continue;
    }
    i++;
  }
  return refs;
}

/**
 * `sql` with every table reference replaced by `(relation)` as `relationOf` returns it. Each
 * distinct (format, path) is resolved once.
 */
export async function rewriteTableReferences(sql: string, relationOf: (ref: TableReference) => Promise<string>): Promise<string> {
  const refs = findTableReferences(sql);
  const cache = new Map<string, string>();
  let out = "";
  let at = 0;
  for (const ref of refs) {
    const key = `${ref.format}\u0000${ref.path}`;
    let rel = cache.get(key);
    if (rel === undefined) {
      rel = await relationOf(ref);
      cache.set(key, rel);
    }
    out += `${sql.slice(at, ref.start)}(${rel})`;
    at = ref.end;
  }
  return out + sql.slice(at);
}

/**
 * A DuckDB `SELECT` over the live files of a Delta snapshot (and those files), columns in table-schema order with
 * their Delta types: one `read_parquet([...])` per distinct partition, partition columns as typed
 * constants, combined with `UNION ALL BY NAME`; a table without files gives an empty relation with
 * the right columns and types.
 * Files of a table outside the local file system are downloaded first (`staged`).
 * @throws SourceError when a partition value does not parse as its column's type.
 */
export async function deltaRelation(location: DeltaLocation, snapshot: DeltaSnapshot, staged: StagedFiles): Promise<Relation> {
  const schema = snapshot.metadata.schema;
  const partitionColumns = new Set(snapshot.metadata.partitionColumns.map((c) => c.toLowerCase()));
  if (snapshot.files.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.dataType)}) AS ${quoteIdent(f.name)}`);
    return { sql: `SELECT ${cols.join(", ")} WHERE false`, files: [], directories: [] };
  }
  const groups = new Map<string, { values: Readonly<Record<string, string | null>>; files: string[] }>();
  const paths = await stagedFilePaths(location, snapshot.files, staged);
  snapshot.files.forEach((file, i) => {
    const values = file.partitionValues;
    const key = JSON.stringify(snapshot.metadata.partitionColumns.map((c) => partitionValue(values, c)));
    let g = groups.get(key);
    if (g === undefined) {
      g = { values, files: [] };
      groups.set(key, g);
    }
    g.files.push(paths[i]);
  });
  const selects: string[] = [];
  for (const g of groups.values()) {
    const cols = schema.fields.map((f) =>
      partitionColumns.has(f.name.toLowerCase())
        ? `${partitionConstant(f.dataType, partitionValue(g.values, f.name), f.name)} AS ${quoteIdent(f.name)}`
        : `${quoteIdent(f.name)}`,
    );
    selects.push(`SELECT ${cols.join(", ")} FROM read_parquet([${g.files.map(quoteString).join(", ")}], hive_partitioning = false)`);
  }
  return { sql: selects.join(" UNION ALL BY NAME "), files: [...groups.values()].flatMap((g) => g.files), directories: [] };
}

/**
 * A DuckDB relation for an Iceberg table (its current snapshot): sluice reads it (deletes applied,
 * columns matched by field id) and hands DuckDB the rows as one staged Parquet file, since
 * DuckDB's iceberg extension cannot be installed here and would not apply every delete kind.
 * A table without rows gives an empty relation with the right columns and types.
 */
export async function icebergRelation(path: string, staged: StagedFiles): Promise<Relation> {
  const { storage, key } = resolveLocation(path);
  const table = await openIcebergTable(storage, key);
  const m = table.current.metadata;
  const snapshot = selectSnapshot(m);
  const iceSchema = readSchema(m, {}, snapshot);
  const schema = sparkSchemaOf(iceSchema);
  const batches: Batch[] = [];
  for (const task of await planScan(table, snapshot)) for await (const b of readScanTask(table, iceSchema, task)) batches.push(b);
  if (batches.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.dataType)}) AS ${quoteIdent(f.name)}`);
    return { sql: `SELECT ${cols.join(", ")} WHERE false`, files: [], directories: [] };
  }
  const file = await staged.writeFile(`iceberg-${randomUUID()}.parquet`, await writeParquet(schema, batches));
  return { sql: `SELECT * FROM read_parquet(${quoteString(file)})`, files: [file], directories: [] };
}

/**
 * A DuckDB relation for a `parquet`, `json` or `csv` reference: a file, a glob, or a folder. A
 * folder written by a streaming file sink (it holds `_spark_metadata/`) means exactly the files its
 * log lists, as Spark's reader (`MetadataLogFileIndex`) and `spark.read` see it: files of batches
 * that never committed (left by a crash) are not read. Any other folder means every `*.parquet` /
 * `*.json` / `*.csv` file below it, Hive partition folders as columns. A glob never consults the
 * log, as in Spark.
 * Objects outside the local file system are downloaded first (`staged`).
 * @throws ConfigError when a sink folder has no committed file yet (there is no schema to read), or
 *   a remote path has a glob; CorruptCheckpointError for a damaged log.
 */
export async function fileRelation(format: "parquet" | "json" | "csv", path: string, staged: StagedFiles): Promise<Relation> {
  const { storage, key } = resolveLocation(path);
  const reader = format === "parquet" ? "read_parquet" : format === "json" ? "read_json_auto" : "read_csv_auto";
  if (!(storage instanceof LocalStorage)) return remoteFileRelation(format, path, reader, storage, key, staged);
  const local = storage;
  const file = join(local.rootPath, key);
  if (!isDirectory(file)) {
    const glob = globBase(file);
    return { sql: `SELECT * FROM ${reader}(${quoteString(file)})`, files: glob === null ? [file] : [], directories: glob === null ? [] : [glob] };
  }
  if (await hasSinkLog(local, key)) {
    const files = await sinkLogPaths(format, path, local, key, staged);
    return { sql: `SELECT * FROM ${reader}([${files.map(quoteString).join(", ")}])`, files, directories: [] };
  }
  return { sql: `SELECT * FROM ${reader}(${quoteString(join(file, "**", `*.${format}`))})`, files: [], directories: [folderOf(file)] };
}

/**
 * {@link fileRelation} for a path in a remote storage (`s3://`): its objects are downloaded
 * through sluice (see `StagedFiles`); a folder's `*.<format>` objects keep their folders, so Hive
 * partition folders stay columns.
 */
async function remoteFileRelation(format: "parquet" | "json" | "csv", path: string, reader: string, storage: Storage, key: string, staged: StagedFiles): Promise<Relation> {
  if (/[*?[{]/.test(key)) throw new ConfigError(`query: ${format}.\`${path}\`: globs are supported in local paths only; name a folder or a file`);
  if (key !== "" && (await storage.head(key)) !== null) {
    const file = await staged.pathOf(storage, key);
    return { sql: `SELECT * FROM ${reader}(${quoteString(file)})`, files: [file], directories: [] };
  }
  if (await hasSinkLog(storage, key)) {
    const files = await sinkLogPaths(format, path, storage, key, staged);
    return { sql: `SELECT * FROM ${reader}([${files.map(quoteString).join(", ")}])`, files, directories: [] };
  }
  const keys = (await listDataFiles({ storage, key, patterns: [], display: path }, extensionFilter(format))).map((f) => f.key);
  if (keys.length === 0) throw new ConfigError(`query: ${format}.\`${path}\` holds no *.${format} file`);
  const files = await staged.pathsOf(storage, keys);
  const folder = staged.folderOf(storage, key);
  return { sql: `SELECT * FROM ${reader}(${quoteString(join(folder, "**", `*.${format}`))})`, files, directories: [folderOf(folder)] };
}

/** Local paths of the live files a file sink's `_spark_metadata` log lists (downloaded when remote). */
async function sinkLogPaths(format: string, path: string, storage: Storage, key: string, staged: StagedFiles): Promise<string[]> {
  const listed = await readSinkLogFiles(storage, key);
  if (listed.length === 0) {
    throw new ConfigError(`query: ${format}.\`${path}\` is the output of a streaming file sink with no committed batch yet (its _spark_metadata log lists no file)`);
  }
  const out: string[] = [];
  for (const f of listed) out.push(await staged.pathOf(f.storage, f.key));
  return out;
}

/** The folder before the first glob segment of `path` (ending in `/`), or null when it has no glob. */
function globBase(path: string): string | null {
  const parts = path.split("/");
  const g = parts.findIndex((p) => /[*?[{]/.test(p));
  return g < 0 ? null : folderOf(parts.slice(0, g).join("/"));
}

function folderOf(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

/** The DuckDB type of a Spark type (timestamps are instants: `TIMESTAMPTZ`). */
export function duckdbType(t: DataType): string {
  switch (t.typeName) {
    case "string":
      return "VARCHAR";
    case "long":
      return "BIGINT";
    case "integer":
      return "INTEGER";
    case "short":
      return "SMALLINT";
    case "byte":
      return "TINYINT";
    case "double":
      return "DOUBLE";
    case "float":
      return "FLOAT";
    case "boolean":
      return "BOOLEAN";
    case "binary":
      return "BLOB";
    case "date":
      return "DATE";
    case "timestamp":
      return "TIMESTAMPTZ";
    case "timestamp_ntz":
      return "TIMESTAMP";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "null":
      return "INTEGER";
    case "yearmonthinterval":
    case "daytimeinterval":
    case "interval":
      return "INTERVAL";
    case "array":
      return `${duckdbType(t.elementType)}[]`;
    case "map":
      return `MAP(${duckdbType(t.keyType)}, ${duckdbType(t.valueType)})`;
    case "struct":
      return structType(t);
  }
}

/** A SQL string literal. */
export function quoteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A SQL quoted identifier. */
export function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function structType(t: StructType): string {
  return `STRUCT(${t.fields.map((f) => `${quoteIdent(f.name)} ${duckdbType(f.dataType)}`).join(", ")})`;
}

/** A typed constant for a serialized partition value (validated as sluice's reader parses it). */
function partitionConstant(type: DataType, raw: string | null, column: string): string {
  const value = parsePartitionValue(type, raw, column);
  if (value === null || raw === null) return `CAST(NULL AS ${duckdbType(type)})`;
  if (type.typeName === "timestamp" && typeof value === "bigint") return `make_timestamptz(${value.toString()}::BIGINT)`;
  if (type.typeName === "boolean") return value === true ? "true" : "false";
  return `CAST(${quoteString(raw)} AS ${duckdbType(type)})`;
}

function partitionValue(values: Readonly<Record<string, string | null>>, column: string): string | null {
  const v = values[column];
  if (v !== undefined) return v;
  const lower = column.toLowerCase();
  for (const [k, x] of Object.entries(values)) if (k.toLowerCase() === lower) return x;
  return null;
}

/** The local file path of a live file (relative paths are under the table root). */
/** Local paths of the data files of a Delta table (downloaded when the table is not local). */
async function stagedFilePaths(location: DeltaLocation, files: readonly DeltaFile[], staged: StagedFiles): Promise<string[]> {
  const out = new Array<string>(files.length);
  const remote: { index: number; key: string }[] = [];
  files.forEach((file, i) => {
    if (/^file:/i.test(file.rawPath)) {
      out[i] = fileURLToPath(new URL(file.rawPath));
      return;
    }
    let storage = location.storage;
    let key: string;
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file.rawPath)) {
      // An absolute URL (a shallow clone, or a table whose files live elsewhere): resolved as any path.
      const r = resolveLocation(file.rawPath);
      storage = r.storage;
      key = r.key;
      if (storage !== location.storage) {
        throw new ConfigError(`query: file ${file.rawPath} of the Delta table at ${location.url} is not in the table's storage`);
      }
    } else {
      key = file.path.startsWith("/") ? file.path.replace(/^\/+/, "") : folderPrefix(location.key) + file.path;
    }
    if (storage instanceof LocalStorage) out[i] = join(storage.rootPath, key);
    else remote.push({ index: i, key });
  });
  const local = await staged.pathsOf(location.storage, remote.map((r) => r.key));
  remote.forEach((r, j) => (out[r.index] = local[j]));
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function skipQuoted(sql: string, i: number, q: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === q) {
      if (sql[j + 1] === q) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

function closingBackquote(sql: string, open: number): number {
  let j = open + 1;
  while (j < sql.length) {
    if (sql[j] === "`") {
      if (sql[j + 1] === "`") {
        j += 2;
        continue;
      }
      return j;
    }
    j++;
  }
  return -1;
}

function previousNonSpace(sql: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && /\s/.test(sql[j])) j--;
  return j < 0 ? "" : sql[j];
}

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

function isIdentPart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

/** A file-name filter for `listDataFiles`: names ending in `.<format>`. */
export function extensionFilter(format: string): RegExp {
  return new RegExp(`\\.${format}$`);
}
