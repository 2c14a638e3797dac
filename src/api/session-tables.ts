/**
 * The session's tables: the warehouse catalog (`spark.sql.warehouse.dir`, default
 * `./spark-warehouse`) seen through the current database (`USE db`), and path tables
 * (``delta.`/data/t` ``). DataFrames are built synchronously, so catalog reads run in the
 * blocking-call worker (`runtime/warehouse-client.ts`).
 *
 * Statements that only change the catalog (CREATE / DROP / ALTER TABLE, databases) take effect at
 * once. When earlier statements that move data are still running (`spark.sql` starts INSERT,
 * MERGE … at once and returns; see `SparkSession.sql`), a catalog change waits its turn behind them
 * instead, and this session sees its effect at once through `overlay`.
 */
import { AnalysisError } from "../errors.js";
import { WarehouseCatalog, type WarehouseTable } from "../catalog/warehouse/warehouse-catalog.js";
import { WarehouseClient } from "../runtime/warehouse-client.js";
import type { DataFrame } from "./dataframe.js";
import { isFileSourceOption } from "../connectors/file/options.js";
import type { FileFormat } from "../connectors/file/options.js";
import { isFileSinkOption } from "../connectors/file/file-sink.js";
import type { SparkSession } from "./session.js";

/** Formats a path table may name (``delta.`/path` ``). */
const PATH_FORMATS = new Set(["delta", "iceberg", "parquet", "json", "csv", "text"]);

/** Does a parsed name denote a path table, ``fmt.`path` `` (a known format, then something with a path separator)? */
export function isPathTable(parts: readonly string[]): boolean {
  return parts.length === 2 && PATH_FORMATS.has(parts[0].toLowerCase()) && /[/\\:]/.test(parts[1]);
}

/** A table name resolved: a path table, or a table of the warehouse catalog. */
export type TableTargetRef =
  | { readonly kind: "path"; readonly format: string; readonly location: string; readonly display: string }
  | { readonly kind: "warehouse"; readonly table: WarehouseTable; readonly display: string };

export class SessionTables {
  /** The database unqualified names refer to. */
  currentDatabase = "default";
  /** Tables this session created (a record) or dropped (null) whose change may still be queued. */
  private readonly overlay = new Map<string, WarehouseTable | null>();

  constructor(private readonly session: SparkSession) {}

  /** The warehouse location (`spark.sql.warehouse.dir`). */
  get warehouse(): string {
    return this.session.conf.get("spark.sql.warehouse.dir") ?? "spark-warehouse";
  }

  client(): WarehouseClient {
    return new WarehouseClient(this.warehouse);
  }

  /** An async handle on the same catalog, for changes queued behind running statements. */
  catalog(): WarehouseCatalog {
    return new WarehouseCatalog(this.warehouse);
  }

  /** `[db, t]` / `[t]` → database and table, lower-cased. @throws AnalysisError for longer names. */
  qualify(parts: readonly string[]): { database: string; name: string } {
    if (parts.length === 1) return { database: this.currentDatabase, name: parts[0].toLowerCase() };
    if (parts.length === 2) return { database: parts[0].toLowerCase(), name: parts[1].toLowerCase() };
    if (parts.length === 3 && parts[0].toLowerCase() === "spark_catalog") return { database: parts[1].toLowerCase(), name: parts[2].toLowerCase() };
    throw new AnalysisError(`analysis: ${parts.join(".")} is not a table name (database.table or table)`);
  }

  /** The warehouse table, or null (the overlay first, then the catalog). */
  lookup(database: string, name: string): WarehouseTable | null {
    const k = this.key(database, name);
    if (this.overlay.has(k)) return this.overlay.get(k) ?? null;
    return this.client().table(database, name);
  }

  /** Records this session's change to a table (null: dropped) for lookups until it persists. */
  remember(database: string, name: string, t: WarehouseTable | null): void {
    this.overlay.set(this.key(database, name), t);
  }

  /** A path table (``fmt.`path` ``) or a warehouse table by name; null when neither. */
  resolve(parts: readonly string[]): TableTargetRef | null {
    if (isPathTable(parts)) {
      return { kind: "path", format: parts[0].toLowerCase(), location: parts[1], display: `${parts[0].toLowerCase()}.\`${parts[1]}\`` };
    }
    const { database, name } = this.qualify(parts);
    const t = this.lookup(database, name);
    return t === null ? null : { kind: "warehouse", table: t, display: `spark_catalog.${database}.${name}` };
  }

  /** The rows of a table as a DataFrame. */
  read(ref: TableTargetRef): DataFrame {
    if (ref.kind === "path") return this.session.read.format(ref.format).load(ref.location);
    const t = ref.table;
    // Table formats know their own schema (and Iceberg's may have evolved since the catalog's record).
    if (t.format === "delta" || t.format === "iceberg") return this.session.read.format(t.format).load(t.location);
    return this.session.read.format(t.format).options(storedOptions(t, "read")).schema(t.schema).load(t.location);
  }

  private key(database: string, name: string): string {
    return `${this.warehouse}|${database.toLowerCase()}.${name.toLowerCase()}`;
  }
}

/**
 * The options of file table `t` its reader or writer takes. Spark hands a table's stored options
 * (`CREATE TABLE … OPTIONS (…)`) to its source and sink, which ignore the names they do not know
 * (`OPTIONS (password …)` is kept for the catalog); sluice's readers and writers refuse unknown
 * names given to them directly, so the others are left here. Other formats get them all.
 */
export function storedOptions(t: WarehouseTable, use: "read" | "write"): Record<string, string> {
  const format = t.format;
  if (!isFileFormat(format)) return { ...t.options };
  const takes = (k: string) => (use === "read" ? isFileSourceOption(format, k) : format !== "text" && isFileSinkOption(format, k));
  return Object.fromEntries(Object.entries(t.options).filter(([k]) => takes(k)));
}

function isFileFormat(f: string): f is FileFormat {
  return f === "text" || f === "json" || f === "csv" || f === "parquet";
}
