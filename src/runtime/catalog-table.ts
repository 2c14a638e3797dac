/**
 * Tables by name in the data catalog the session configures, for `spark.table("db.t")`,
 * `spark.read.table` and `spark.readStream.table`: the AWS Glue Data Catalog when
 * `sluice.catalog` is `glue`, or when the session sets Hive's metastore client to Glue's, as EMR
 * and Glue jobs do (`spark.hadoop.hive.metastore.client.factory.class` =
 * `com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory`).
 *
 * `DataFrame` builders are synchronous, as in Spark, so the lookup runs in the blocking-call worker.
 */
import { AnalysisError, ConfigError } from "../errors.js";
import { csvReadOptions, GlueCatalog, glueSettingsFrom } from "../catalog/glue/glue-catalog.js";
import type { CatalogReadFormat, CatalogTable } from "../catalog/glue/glue-catalog.js";
import { blockingCall } from "./blocking-call.js";

/** Where a catalog table's data is and how to read it. */
export interface CatalogTableRef {
  readonly database: string;
  readonly table: string;
  /** The table's folder; for Iceberg, its current metadata file (`metadata_location`). */
  readonly location: string;
  readonly format: CatalogReadFormat;
  /** Spark DDL of the columns (partition keys last), for formats whose files carry no schema (JSON, CSV). */
  readonly schemaDdl: string;
  /** Reader options the table's SerDe parameters imply (CSV separator, header). */
  readonly options: Readonly<Record<string, string>>;
}

const GLUE_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory";

/** Whether the session's configuration names the Glue Data Catalog as its catalog. */
export function glueCatalogConfigured(conf: Readonly<Record<string, string>>): boolean {
  const sluice = conf["sluice.catalog"];
  if (sluice !== undefined) {
    if (sluice.toLowerCase() === "glue") return true;
    if (sluice.toLowerCase() === "none" || sluice === "") return false;
    throw new ConfigError(`session: setting 'sluice.catalog' must be "glue" or "none", got ${JSON.stringify(sluice)}`, { option: "sluice.catalog" });
  }
  return (conf["spark.hadoop.hive.metastore.client.factory.class"] ?? conf["hive.metastore.client.factory.class"]) === GLUE_FACTORY;
}

/** `db.table`, `` `db`.`table` `` or `table` (in `default`), lower-cased as Glue stores names. */
export function parseTableName(name: string): { database: string; table: string } {
  const parts = name.split(".").map((p) => p.trim().replace(/^`(.*)`$/, "$1"));
  if (parts.length > 2 || parts.some((p) => !/^[A-Za-z0-9_]+$/.test(p))) {
    throw new AnalysisError(`table: ${JSON.stringify(name)} is not a table name (database.table or table)`);
  }
  return parts.length === 2 ? { database: parts[0].toLowerCase(), table: parts[1].toLowerCase() } : { database: "default", table: parts[0].toLowerCase() };
}

/**
 * Looks `name` up in the Glue Data Catalog (blocking the caller; see the module comment).
 * @throws AnalysisError when there is no such table, or it has no location or a format sluice cannot read.
 */
export function lookupCatalogTable(name: string, conf: Readonly<Record<string, string>>): CatalogTableRef {
  const { database, table } = parseTableName(name);
  return tableReadSpec(describeCatalogTable(database, table, conf, null, false).table);
}

/**
 * How to read a catalog table stored as files (Delta, Iceberg, Parquet, JSON, CSV): its location, format,
 * columns and CSV reader options.
 * @throws AnalysisError when it has no location or a format sluice does not read.
 */
export function tableReadSpec(t: CatalogTable): CatalogTableRef {
  const full = `${t.database}.${t.table}`;
  if (t.location === null || t.location === "") throw new AnalysisError(`table: ${full} in the Glue Data Catalog has no location`);
  if (t.format === null) {
    throw new AnalysisError(`table: ${full} in the Glue Data Catalog has a format sluice does not read (classification ${JSON.stringify(t.parameters.classification ?? null)})`);
  }
  const options = t.format === "csv" ? csvReadOptions(t) : {};
  // An Iceberg table is read at the metadata file the catalog names current.
  const location = t.format === "iceberg" ? (t.tableParameters.metadata_location ?? t.location) : t.location;
  return { database: t.database, table: t.table, location, format: t.format, schemaDdl: catalogColumnsDdl(t) ?? "", options };
}

/**
 * A catalog table's columns (partition keys last) as Spark DDL, or null when it has none;
 * `varchar(n)`/`char(n)` read as strings, as Spark reads them.
 */
export function catalogColumnsDdl(t: CatalogTable): string | null {
  const cols = [...t.columns, ...t.partitionKeys];
  if (cols.length === 0) return null;
  return cols.map((c) => `\`${c.name}\` ${c.type.replace(/\b(?:var)?char\(\d+\)/gi, "string")}`).join(", ");
}

/** A catalog table as the Glue Data Catalog describes it, with its Glue connection's properties. */
export interface CatalogTableDescription {
  readonly table: CatalogTable;
  /** The properties of the connection the table's `connectionName` names, or null. */
  readonly connection: Readonly<Record<string, string>> | null;
}

/**
 * Everything the Glue Data Catalog says of `database.table` (blocking the caller), and the
 * properties of the Glue connection it names (unless `withConnection` is false): streaming tables
 * (Kafka, Kinesis) say how to connect there.
 * @throws AnalysisError when there is no such table.
 */
export function describeCatalogTable(
  database: string,
  table: string,
  conf: Readonly<Record<string, string>>,
  catalogId: string | null = null,
  withConnection = true,
): CatalogTableDescription {
  return blockingCall("describeCatalogTable", { database: database.toLowerCase(), table: table.toLowerCase(), conf: { ...conf }, catalogId, withConnection });
}

/** The blocking-call task behind {@link describeCatalogTable}. */
export async function describeCatalogTableTask(req: {
  database: string;
  table: string;
  conf: Record<string, string>;
  catalogId: string | null;
  withConnection: boolean;
}): Promise<CatalogTableDescription> {
  const catalog = new GlueCatalog(glueSettingsFrom(req.conf, process.env, req.catalogId));
  try {
    const t = await catalog.getTable(req.database, req.table);
    if (t === null) throw new AnalysisError(`table: ${req.database}.${req.table} is not in the Glue Data Catalog`);
    const name = t.parameters.connectionName;
    const connection = !req.withConnection || name === undefined || name === "" ? null : await catalog.getConnectionProperties(name);
    return { table: t, connection };
  } finally {
    await catalog.close();
  }
}
