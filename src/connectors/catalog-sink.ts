/**
 * Keeping a sink's table registered in a data catalog (the AWS Glue Data Catalog) as batches
 * commit, so that Athena and other engines find it by name:
 *
 *   .writeStream.format("delta").option("path", "s3://lake/gold/summary")
 *     .option("catalog", "glue").option("database", "lake").option("table", "booking_summary")
 *
 * After each batch the sink committed, the table is made to describe the sink's output (created,
 * or updated when the schema changed; see `GlueCatalog.ensureTable`). For Parquet, JSON and CSV
 * file sinks the partition folders of the files the batch committed (as the sink reports them, so
 * no log is read per batch) become catalog partitions; at the first batch of a run, every live
 * file's partitions (from the sink's `_spark_metadata` log) are checked, so partitions a crash kept
 * from being registered are added then. Delta tables need no
 * catalog partitions (engines read them from the log).
 *
 * Registration follows the commit: a failure to register fails the batch, which the query runs
 * again after a restart; the sink skips the already committed data and registration is retried.
 */
import { ConfigError } from "../errors.js";
import { CATALOG_TABLE_FORMATS, GlueCatalog, glueSettingsFrom, partitionsOfFiles } from "../catalog/glue/glue-catalog.js";
import type { CatalogTableFormat, CatalogTableSpec } from "../catalog/glue/glue-catalog.js";
import type { StructType } from "../types/data-types.js";
import { resolveLocation } from "../storage/resolve.js";
import { keyOfUrl } from "../storage/url.js";
import type { Storage } from "../storage/storage.js";
import { readSinkLogFiles } from "../tables/parquet-log/sink-log.js";
import type { Options } from "./registry.js";
import type { CommittedFile, SinkBatch, StreamSink } from "./sink.js";
import { resolveFileSinkOptions } from "./file/file-sink.js";
import { CSV_WRITE_DEFAULTS } from "../formats/csv/csv-writer.js";

/** The catalog options of a sink: which catalog, and the table's name there. */
export interface CatalogTarget {
  readonly catalog: "glue";
  /** The sink's format, one a catalog table can describe. */
  readonly format: CatalogTableFormat;
  readonly database: string;
  readonly table: string;
}

const CATALOG_OPTIONS = new Set(["catalog", "database", "table"]);

/**
 * Takes the catalog options (`catalog`, `database`, `table`; names case-insensitive) out of a
 * sink's options. `catalog` must be `glue` and needs both others; `database`/`table` without it
 * are an error too, since no other sink reads them.
 * @throws ConfigError naming the option.
 */
export function splitCatalogOptions(format: string, options: Options): { target: CatalogTarget | null; rest: Options } {
  const rest: Record<string, string> = {};
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (CATALOG_OPTIONS.has(k.toLowerCase())) picked[k.toLowerCase()] = v;
    else rest[k] = v;
  }
  // Iceberg tables are committed through the catalog itself: the sink takes these options.
  if (Object.keys(picked).length === 0 || format.toLowerCase() === "iceberg") return { target: null, rest: options };
  const catalog = picked.catalog;
  if (catalog === undefined) {
    const name = Object.keys(picked)[0];
    throw new ConfigError(`${format} sink: option '${name}' names a catalog table; set option 'catalog' to "glue" as well`, { option: name });
  }
  if (catalog.toLowerCase() !== "glue") throw new ConfigError(`${format} sink: option 'catalog' must be "glue", got ${JSON.stringify(catalog)}`, { option: "catalog" });
  const tableFormat = CATALOG_TABLE_FORMATS.find((f) => f === format);
  if (tableFormat === undefined) {
    throw new ConfigError(`${format} sink: option 'catalog' is supported for the delta, iceberg, parquet, json and csv sinks, not ${format}`, { option: "catalog" });
  }
  for (const name of ["database", "table"] as const) {
    const v = picked[name];
    if (v === undefined || !/^[A-Za-z0-9_]{1,255}$/.test(v)) {
      throw new ConfigError(`${format} sink: option '${name}' is required with 'catalog' and must be a Glue name (letters, digits, '_'), got ${JSON.stringify(v ?? null)}`, {
        option: name,
      });
    }
  }
  return { target: { catalog: "glue", format: tableFormat, database: picked.database.toLowerCase(), table: picked.table.toLowerCase() }, rest };
}

/** What {@link CatalogRegisteringSink} registers. */
export interface CatalogRegistration {
  readonly target: CatalogTarget;
  /** The sink's `path`. */
  readonly path: string;
  readonly schema: StructType;
  readonly partitionBy: readonly string[];
  readonly sessionConf: Readonly<Record<string, string>>;
  /** The sink's own options (a CSV sink's separator, quote, escape and header go into the table). */
  readonly sinkOptions: Options;
}

/** A sink that registers its table in the catalog after each committed batch (see the module comment). */
export class CatalogRegisteringSink implements StreamSink {
  readonly description: string;
  private readonly catalog: GlueCatalog;
  private readonly spec: CatalogTableSpec;
  private readonly storage: Storage;
  private readonly key: string;
  private registered = false;
  /** Partition folders known to be in the catalog (this run). */
  private readonly partitions = new Set<string>();

  constructor(
    private readonly inner: StreamSink,
    r: CatalogRegistration,
  ) {
    this.description = `${inner.description} → glue:${r.target.database}.${r.target.table}`;
    this.catalog = new GlueCatalog(glueSettingsFrom(r.sessionConf));
    const { storage, key } = resolveLocation(r.path);
    this.storage = storage;
    this.key = key;
    const location = storage.root.startsWith("s3://") ? `${storage.root}/${key}` : r.path;
    this.spec = {
      database: r.target.database,
      table: r.target.table,
      location,
      format: r.target.format,
      schema: r.schema,
      partitionColumns: r.partitionBy,
      ...(r.target.format === "csv" ? { csv: csvSerde(r) } : {}),
    };
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number; metrics?: Readonly<Record<string, string>>; files?: readonly CommittedFile[] }> {
    const result = await this.inner.addBatch(batch);
    const metrics: Record<string, string> = { ...(result.metrics ?? {}) };
    if (!this.registered) {
      const what = await this.catalog.ensureTable(this.spec);
      if (what !== "unchanged") metrics.catalogTable = what;
    }
    if (this.spec.format !== "delta" && this.spec.partitionColumns.length > 0) {
      const fresh = await this.newPartitions(result.files ?? []);
      const added = await this.catalog.addPartitions(this.spec, fresh.map((p) => p.values));
      for (const p of fresh) this.partitions.add(p.id);
      if (added > 0) metrics.catalogPartitionsAdded = String(added);
    }
    this.registered = true;
    return { ...result, metrics };
  }

  async stop(): Promise<void> {
    await this.inner.stop?.();
    await this.catalog.close();
  }

  /**
   * Partitions not registered yet: of the files the batch committed, and at a run's first batch of
   * every live file in the sink's log (a crash may have kept earlier batches' from the catalog).
   */
  private async newPartitions(committed: readonly CommittedFile[]): Promise<{ id: string; values: (string | null)[] }[]> {
    const keys = this.registered
      ? committed.map((f) => f.key)
      : (await readSinkLogFiles(this.storage, this.key)).map((f) => keyOfUrl(this.storage, f.url)).filter((k): k is string => k !== null);
    return partitionsOfFiles(this.key, keys, this.spec.partitionColumns)
      .map((values) => ({ id: JSON.stringify(values), values }))
      .filter((p) => !this.partitions.has(p.id));
  }

}

/** A CSV sink's format as the catalog's SerDe describes it: the sink's own resolved settings. */
function csvSerde(r: CatalogRegistration): { separator: string; quote: string; escape: string; header: boolean } {
  const csv = resolveFileSinkOptions("csv", r.sinkOptions, r.schema, r.partitionBy).csv ?? CSV_WRITE_DEFAULTS;
  return { separator: csv.sep, quote: csv.quote, escape: csv.escape, header: csv.header };
}
