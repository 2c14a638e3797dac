/**
 * The AWS Glue Data Catalog, through `@aws-sdk/client-glue` (an optional dependency, imported on
 * first use): the few calls sluice makes to keep a table registered as Athena expects it, and to
 * find a table's location and format by name.
 *
 * - Delta tables: `table_type=DELTA` (Athena's native Delta reader reads the schema and the files
 *   from the log), `spark.sql.sources.provider=delta`, the location, and the columns (for tools
 *   that list them).
 * - Parquet / JSON / CSV folders: Hive tables with the columns, the partition keys, the location,
 *   the format's input/output classes and SerDe, and one catalog partition per partition folder.
 *
 * Updates are optimistic: `UpdateTable` carries the `VersionId` the change was computed from; when
 * another writer changed the table in between, Glue answers ConcurrentModificationException and
 * the change is computed again from the new version.
 */
import type { GlueClient } from "@aws-sdk/client-glue";
import { ConfigError, SinkError, suggestion } from "../../errors.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { catalogString } from "../../types/print-schema.js";
import { escapePathName, partitionValuesOf } from "../../tables/files/partition-path.js";

type Sdk = typeof import("@aws-sdk/client-glue");

/** The formats a catalog table can describe. */
export type CatalogTableFormat = "delta" | "parquet" | "json" | "csv";

/** The formats sluice reads catalog tables in: those it registers, and Iceberg (`table_type=ICEBERG`). */
export type CatalogReadFormat = CatalogTableFormat | "iceberg";

/** Every {@link CatalogTableFormat}. */
export const CATALOG_TABLE_FORMATS: readonly CatalogTableFormat[] = ["delta", "parquet", "json", "csv"];

/** A table as sluice registers it. */
export interface CatalogTableSpec {
  readonly database: string;
  readonly table: string;
  /** `s3://bucket/prefix` (as Athena wants it; other URLs are registered as given). */
  readonly location: string;
  readonly format: CatalogTableFormat;
  /** Every column, partition columns included. */
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  /** CSV tables: how the files are written (OpenCSVSerde's parameters, and a header to skip). */
  readonly csv?: { readonly separator: string; readonly quote: string; readonly escape: string; readonly header: boolean };
}

/** What the catalog says of a table. */
export interface CatalogTable {
  readonly database: string;
  readonly table: string;
  readonly location: string | null;
  /** Delta or Iceberg when `table_type`/the provider say so, else the format of the SerDe or `classification`, else null. */
  readonly format: CatalogReadFormat | null;
  /**
   * The table's parameters over its storage descriptor's (where streaming tables keep theirs)
   * over its SerDe's (a CSV table's separator and quote), for reading.
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** The table's own parameters, as they are (what an update keeps). */
  readonly tableParameters: Readonly<Record<string, string>>;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly partitionKeys: readonly { readonly name: string; readonly type: string }[];
  readonly versionId: string | null;
  /** The SerDe's class name, or null. */
  readonly serde: string | null;
}

/** A table as Glue's CreateTable and UpdateTable take it. */
export interface GlueTableInput {
  readonly Name: string;
  readonly TableType?: string;
  readonly Parameters?: Record<string, string>;
  readonly PartitionKeys?: { Name: string; Type: string }[];
  readonly StorageDescriptor?: {
    readonly Location?: string;
    readonly Columns?: { Name: string; Type: string; Parameters?: Record<string, string> }[];
    readonly InputFormat?: string;
    readonly OutputFormat?: string;
    readonly SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> };
  };
}

/** Connection settings of the Glue client. */
export interface GlueSettings {
  readonly endpoint: string | null;
  readonly region: string;
  /** The catalog (account) id, or null for the caller's account. */
  readonly catalogId: string | null;
  /** Times a conflicting update is computed again before giving up. */
  readonly maxConflictRetries: number;
}

const GLUE_KEYS = ["sluice.glue.endpoint", "sluice.glue.region", "sluice.glue.catalogId", "sluice.glue.maxConflictRetries"];

/**
 * Glue settings from the session (`sluice.glue.endpoint`, `.region`, `.catalogId`,
 * `.maxConflictRetries`) and the environment (`AWS_ENDPOINT_URL_GLUE`, else `AWS_ENDPOINT_URL`;
 * `AWS_REGION`, else `AWS_DEFAULT_REGION`, else us-east-1); `catalogId` (a call's `catalog_id`)
 * over `sluice.glue.catalogId`. Credentials: the AWS default chain.
 */
export function glueSettingsFrom(conf: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env, catalogId: string | null = null): GlueSettings {
  for (const k of Object.keys(conf)) {
    if (k.startsWith("sluice.glue.") && !GLUE_KEYS.includes(k)) throw new ConfigError(`glue: unknown setting '${k}'${suggestion(k, GLUE_KEYS)}`, { option: k });
  }
  const text = (v: string | undefined): string | null => (v === undefined || v.trim() === "" ? null : v.trim());
  const retries = text(conf["sluice.glue.maxConflictRetries"]) ?? "10";
  if (!/^\d+$/.test(retries)) throw new ConfigError(`glue: setting 'sluice.glue.maxConflictRetries' must be a non-negative integer, got ${JSON.stringify(retries)}`, { option: "sluice.glue.maxConflictRetries" });
  return {
    endpoint: text(conf["sluice.glue.endpoint"]) ?? text(env.AWS_ENDPOINT_URL_GLUE) ?? text(env.AWS_ENDPOINT_URL),
    region: text(conf["sluice.glue.region"]) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION) ?? "us-east-1",
    catalogId: catalogId ?? text(conf["sluice.glue.catalogId"]),
    maxConflictRetries: Number(retries),
  };
}

/** A Hive column type for a Spark type (Spark's `catalogString`; NullType as string). */
export function hiveType(t: DataType): string {
  return t.typeName === "null" ? "string" : catalogString(t);
}

const HIVE_FORMATS: Record<Exclude<CatalogTableFormat, "delta">, { input: string; output: string; serde: string; params?: Record<string, string> }> = {
  parquet: {
    input: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    output: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  },
  json: {
    input: "org.apache.hadoop.mapred.TextInputFormat",
    output: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serde: "org.openx.data.jsonserde.JsonSerDe",
  },
  csv: {
    input: "org.apache.hadoop.mapred.TextInputFormat",
    output: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serde: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
    params: { separatorChar: ",", quoteChar: '"', escapeChar: "\\" },
  },
};

/** The Glue Data Catalog of one account and region. */
export class GlueCatalog {
  private client: Promise<{ sdk: Sdk; client: GlueClient }> | null = null;

  constructor(readonly settings: GlueSettings) {}

  /** The table `database.table`, or null when the catalog has no such table (or database). */
  async getTable(database: string, table: string): Promise<CatalogTable | null> {
    const { sdk, client } = await this.connect();
    try {
      const r = await client.send(new sdk.GetTableCommand({ ...this.catalog(), DatabaseName: database, Name: table }));
      const t = r.Table;
      if (t === undefined) return null;
      const sd = t.StorageDescriptor;
      // Streaming tables (Kafka, Kinesis) keep their connection settings in the storage
      // descriptor's parameters; the table's own parameters win where both have a key.
      const parameters = { ...(sd?.SerdeInfo?.Parameters ?? {}), ...(sd?.Parameters ?? {}), ...(t.Parameters ?? {}) };
      return {
        database,
        table,
        location: sd?.Location ?? null,
        format: formatOf(parameters, sd?.SerdeInfo?.SerializationLibrary, sd?.InputFormat),
        parameters,
        tableParameters: t.Parameters ?? {},
        columns: (sd?.Columns ?? []).map((c) => ({ name: c.Name ?? "", type: c.Type ?? "" })),
        partitionKeys: (t.PartitionKeys ?? []).map((c) => ({ name: c.Name ?? "", type: c.Type ?? "" })),
        versionId: t.VersionId ?? null,
        serde: sd?.SerdeInfo?.SerializationLibrary ?? null,
      };
    } catch (e) {
      if (errorName(e) === "EntityNotFoundException") return null;
      throw this.failure(`get table ${database}.${table}`, e);
    }
  }

  /**
   * The properties of the Glue connection `name` (`KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_SSL_ENABLED`, …).
   * @throws SinkError when there is no such connection or Glue fails.
   */
  async getConnectionProperties(name: string): Promise<Readonly<Record<string, string>>> {
    const { sdk, client } = await this.connect();
    try {
      const r = await client.send(new sdk.GetConnectionCommand({ ...this.catalog(), Name: name }));
      return r.Connection?.ConnectionProperties ?? {};
    } catch (e) {
      throw this.failure(`get connection ${name}`, e);
    }
  }

  /**
   * Makes the catalog describe `spec`: creates the database and the table when missing, and
   * updates the table when its location, columns, partition keys or format differ (with Glue's
   * `VersionId`, computed again on a concurrent change). Parameters set by others are kept.
   * @returns what was done.
   */
  async ensureTable(spec: CatalogTableSpec): Promise<"created" | "updated" | "unchanged"> {
    const { sdk, client } = await this.connect();
    for (let attempt = 0; ; attempt++) {
      const current = await this.getTable(spec.database, spec.table);
      const input = tableInput(spec, current?.tableParameters ?? {});
      try {
        if (current === null) {
          await this.ensureDatabase(spec.database);
          await client.send(new sdk.CreateTableCommand({ ...this.catalog(), DatabaseName: spec.database, TableInput: input }));
          return "created";
        }
        if (sameTable(current, spec)) return "unchanged";
        await client.send(
          new sdk.UpdateTableCommand({
            ...this.catalog(),
            DatabaseName: spec.database,
            TableInput: input,
            ...(current.versionId === null ? {} : { VersionId: current.versionId }),
          }),
        );
        return "updated";
      } catch (e) {
        const name = errorName(e);
        // Someone else created or changed the table meanwhile: compute the change again from what is there now.
        if ((name === "ConcurrentModificationException" || name === "AlreadyExistsException") && attempt < this.settings.maxConflictRetries) {
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50 * (attempt + 1))));
          continue;
        }
        throw this.failure(`register table ${spec.database}.${spec.table}`, e);
      }
    }
  }

  /**
   * Adds the partitions `values` (one array of values per partition, in the order of the partition
   * columns; null as Hive's `__HIVE_DEFAULT_PARTITION__`) of a Hive table; partitions already in the
   * catalog are left alone. Returns how many were added.
   */
  async addPartitions(spec: CatalogTableSpec, values: readonly (readonly (string | null)[])[]): Promise<number> {
    if (values.length === 0 || spec.partitionColumns.length === 0) return 0;
    const { sdk, client } = await this.connect();
    let added = 0;
    for (let i = 0; i < values.length; i += 100) {
      const chunk = values.slice(i, i + 100);
      const inputs = chunk.map((vs) => {
        const strings = vs.map((v) => v ?? "__HIVE_DEFAULT_PARTITION__");
        const folder = spec.partitionColumns.map((c, k) => `${escapePathName(c)}=${escapePathName(strings[k] ?? "")}`).join("/");
        return { Values: strings, StorageDescriptor: storageDescriptor(spec, `${spec.location.replace(/\/+$/, "")}/${folder}/`) };
      });
      let r: import("@aws-sdk/client-glue").BatchCreatePartitionCommandOutput;
      try {
        r = await client.send(new sdk.BatchCreatePartitionCommand({ ...this.catalog(), DatabaseName: spec.database, TableName: spec.table, PartitionInputList: inputs }));
      } catch (e) {
        throw this.failure(`add partitions to ${spec.database}.${spec.table}`, e);
      }
      const errors = (r.Errors ?? []).filter((x) => x.ErrorDetail?.ErrorCode !== "AlreadyExistsException");
      if (errors.length > 0) {
        const d = errors[0].ErrorDetail;
        throw new SinkError(`glue: adding partitions to ${spec.database}.${spec.table} failed: ${d?.ErrorCode ?? "error"}: ${d?.ErrorMessage ?? ""}`);
      }
      added += chunk.length - (r.Errors?.length ?? 0);
    }
    return added;
  }

  /**
   * Creates `database.table` (and the database when missing) from a Glue `TableInput`.
   * @returns false when the table exists already (another writer created it first).
   */
  async createTableFrom(database: string, input: GlueTableInput): Promise<boolean> {
    const { sdk, client } = await this.connect();
    await this.ensureDatabase(database);
    try {
      await client.send(new sdk.CreateTableCommand({ ...this.catalog(), DatabaseName: database, TableInput: input }));
      return true;
    } catch (e) {
      if (errorName(e) === "AlreadyExistsException") return false;
      throw this.failure(`create table ${database}.${input.Name}`, e);
    }
  }

  /**
   * Replaces `database.<input.Name>` with `input` if its `VersionId` is still `versionId` (Glue's
   * optimistic lock). @returns false when another writer changed the table since
   * (ConcurrentModificationException).
   */
  async updateTableFrom(database: string, input: GlueTableInput, versionId: string | null): Promise<boolean> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.UpdateTableCommand({ ...this.catalog(), DatabaseName: database, TableInput: input, ...(versionId === null ? {} : { VersionId: versionId }) }));
      return true;
    } catch (e) {
      if (errorName(e) === "ConcurrentModificationException") return false;
      throw this.failure(`update table ${database}.${input.Name}`, e);
    }
  }

  /** Closes the client's connections (the catalog can be used again: a new client is made). */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c !== null) (await c.catch(() => null))?.client.destroy();
  }

  private async ensureDatabase(database: string): Promise<void> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.CreateDatabaseCommand({ ...this.catalog(), DatabaseInput: { Name: database } }));
    } catch (e) {
      if (errorName(e) !== "AlreadyExistsException") throw this.failure(`create database ${database}`, e);
    }
  }

  private catalog(): { CatalogId?: string } {
    return this.settings.catalogId === null ? {} : { CatalogId: this.settings.catalogId };
  }

  private failure(what: string, e: unknown): SinkError {
    const where = this.settings.endpoint ?? `AWS (${this.settings.region})`;
    return new SinkError(`glue: ${what} failed: ${errorName(e)}: ${e instanceof Error ? e.message.split("\n", 1)[0] : String(e)} (endpoint ${where})`, { cause: e });
  }

  private connect(): Promise<{ sdk: Sdk; client: GlueClient }> {
    this.client ??= (async () => {
      let sdk: Sdk;
      try {
        sdk = await import("@aws-sdk/client-glue");
      } catch (cause) {
        throw new ConfigError(`glue: the Glue Data Catalog needs the package @aws-sdk/client-glue (an optional dependency of sluice): npm install @aws-sdk/client-glue`, { cause });
      }
      const s = this.settings;
      const client = new sdk.GlueClient({
        region: s.region,
        ...(s.endpoint === null ? {} : { endpoint: s.endpoint }),
        // The SDK's standard retries (5xx, throttling, timeouts), and a bound on each request.
        maxAttempts: 5,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
      });
      return { sdk, client };
    })();
    return this.client;
  }
}

function errorName(e: unknown): string {
  return typeof e === "object" && e !== null && "name" in e && typeof e.name === "string" ? e.name : "Error";
}

function formatOf(parameters: Readonly<Record<string, string>>, serde: string | undefined, input: string | undefined): CatalogReadFormat | null {
  const lower = (v: string | undefined): string => (v ?? "").toLowerCase();
  if (lower(parameters.table_type) === "iceberg") return "iceberg";
  if (lower(parameters.table_type) === "delta" || lower(parameters["spark.sql.sources.provider"]) === "delta") return "delta";
  const classification = lower(parameters.classification);
  if (classification === "parquet" || classification === "json" || classification === "csv") return classification;
  const s = lower(serde) + " " + lower(input);
  if (s.includes("parquet")) return "parquet";
  if (s.includes("json")) return "json";
  if (s.includes("csv") || s.includes("lazysimpleserde")) return "csv";
  return null;
}

function dataColumns(spec: CatalogTableSpec): { Name: string; Type: string }[] {
  const parts = new Set(spec.partitionColumns);
  return spec.schema.fields.filter((f) => spec.format === "delta" || !parts.has(f.name)).map((f) => ({ Name: f.name, Type: hiveType(f.dataType) }));
}

function partitionKeys(spec: CatalogTableSpec): { Name: string; Type: string }[] {
  if (spec.format === "delta") return [];
  return spec.partitionColumns.map((c) => {
    const f = spec.schema.fields.find((x) => x.name === c);
    return { Name: c, Type: f === undefined ? "string" : hiveType(f.dataType) };
  });
}

/** Table parameters that say what format a table is: replaced, never kept, when sluice registers it. */
const FORMAT_PARAMETERS = ["table_type", "spark.sql.sources.provider", "classification", "metadata_location", "previous_metadata_location", "skip.header.line.count"];

function tableInput(spec: CatalogTableSpec, existing: Readonly<Record<string, string>>) {
  const own: Record<string, string> =
    spec.format === "delta"
      ? { table_type: "DELTA", "spark.sql.sources.provider": "delta", classification: "delta", EXTERNAL: "TRUE" }
      : { classification: spec.format, EXTERNAL: "TRUE" };
  if (spec.csv?.header === true) own["skip.header.line.count"] = "1";
  // Others' parameters (comments, Lake Formation tags) stay; those naming a format are sluice's to set.
  const kept = Object.fromEntries(Object.entries(existing).filter(([k]) => !FORMAT_PARAMETERS.includes(k)));
  return {
    Name: spec.table,
    TableType: "EXTERNAL_TABLE",
    Parameters: { ...kept, ...own },
    PartitionKeys: partitionKeys(spec),
    StorageDescriptor: storageDescriptor(spec, spec.location),
  };
}

/** The storage descriptor of the table (or of one of its partitions, at `location`). */
function storageDescriptor(spec: CatalogTableSpec, location: string) {
  const hive = spec.format === "delta" ? HIVE_FORMATS.parquet : HIVE_FORMATS[spec.format];
  const params =
    spec.format === "csv" && spec.csv !== undefined ? { separatorChar: spec.csv.separator, quoteChar: spec.csv.quote, escapeChar: spec.csv.escape } : hive.params;
  return {
    Location: location,
    Columns: dataColumns(spec),
    InputFormat: hive.input,
    OutputFormat: hive.output,
    SerdeInfo: { SerializationLibrary: hive.serde, ...(params === undefined ? {} : { Parameters: params }) },
  };
}

/**
 * Reader options for a CSV catalog table from its parameters (SerDe's, descriptor's and table's, as
 * `CatalogTable.parameters` merges them): the separator (`separatorChar`, `field.delim`, a
 * crawler's `delimiter`; LazySimpleSerDe's default is \u0001), quote, escape, and a header line.
 */
export function csvReadOptions(t: CatalogTable): Record<string, string> {
  const p = t.parameters;
  const out: Record<string, string> = {};
  const lazy = (t.serde ?? "").toLowerCase().includes("lazysimpleserde");
  const sep = p.separatorChar ?? p["field.delim"] ?? p.delimiter ?? (lazy ? "\u0001" : undefined);
  if (sep !== undefined) out.sep = sep;
  if (p.quoteChar !== undefined) out.quote = p.quoteChar;
  if (p.escapeChar !== undefined) out.escape = p.escapeChar;
  if (p["skip.header.line.count"] === "1") out.header = "true";
  return out;
}

function sameTable(current: CatalogTable, spec: CatalogTableSpec): boolean {
  const cols = dataColumns(spec);
  const keys = partitionKeys(spec);
  const same = (a: readonly { name: string; type: string }[], b: readonly { Name: string; Type: string }[]): boolean =>
    a.length === b.length && a.every((x, i) => x.name === b[i].Name && x.type === b[i].Type);
  const csvSame =
    spec.csv === undefined ||
    (current.parameters.separatorChar === spec.csv.separator &&
      current.parameters.quoteChar === spec.csv.quote &&
      current.parameters.escapeChar === spec.csv.escape &&
      (current.tableParameters["skip.header.line.count"] === "1") === spec.csv.header);
  const stale = spec.format !== "delta" && current.tableParameters.table_type !== undefined;
  return current.location === spec.location && current.format === spec.format && same(current.columns, cols) && same(current.partitionKeys, keys) && csvSame && !stale;
}

/**
 * The distinct partitions of data files given by key, for a table whose folder is `folderKey`:
 * each file's partition values (`partitionValuesOf`) in the order of `partitionColumns`, null
 * where a file has no folder for a column. Files outside the folder are skipped.
 */
export function partitionsOfFiles(folderKey: string, fileKeys: Iterable<string>, partitionColumns: readonly string[]): (string | null)[][] {
  const prefix = folderKey === "" ? "" : folderKey + "/";
  const out = new Map<string, (string | null)[]>();
  for (const key of fileKeys) {
    if (!key.startsWith(prefix)) continue;
    const found = partitionValuesOf(folderKey, key);
    const values = partitionColumns.map((c) => found.get(c) ?? null);
    out.set(JSON.stringify(values), values);
  }
  return [...out.values()];
}

/** The partition columns of a folder's data file `key` (its `column=value` folders below `folderKey`), in order. */
export function partitionColumnsOf(folderKey: string, key: string): string[] {
  return [...partitionValuesOf(folderKey, key).keys()];
}
