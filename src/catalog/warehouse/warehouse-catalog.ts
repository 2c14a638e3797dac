/**
 * The session catalog's persistent part: databases and tables kept as small JSON documents under
 * the warehouse folder (`spark.sql.warehouse.dir`, default `./spark-warehouse` as in Spark), so a
 * table created by one job is there for the next. Data lives where Spark puts it: a managed table
 * of database `default` at `<warehouse>/<table>`, of database `db` at `<warehouse>/db.db/<table>`;
 * an external table (CREATE TABLE … LOCATION) where it says.
 *
 * Layout of the metadata (a folder Spark's and sluice's file listings skip, as it starts with `_`):
 *   `<warehouse>/_sluice_catalog/<db>/_database.json` (every database but `default`)
 *   `<warehouse>/_sluice_catalog/<db>/<table>.json`   ({@link WarehouseTableJson})
 * Names are stored lower-cased (Spark's catalog is case-insensitive). Creation is a put-if-absent,
 * so two jobs creating the same table cannot both succeed.
 *
 * Pluggable: the session resolves names through this catalog unless the Glue Data Catalog is
 * configured (`runtime/catalog-table.ts`).
 */
import { AlreadyExistsError, AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, resolveLocation } from "../../storage/resolve.js";
import { fileUrlOf } from "../../storage/resolve.js";
import { schemaFromJson, schemaToJson } from "../../types/json-schema.js";
import type { StructType } from "../../types/data-types.js";
import { createIcebergTable } from "../../tables/iceberg/table-writer.js";
import { saveDeltaTable } from "../../tables/delta/batch-write.js";

/** Table formats the warehouse catalog stores. */
export type WarehouseFormat = "parquet" | "delta" | "iceberg" | "json" | "csv" | "text";

export const WAREHOUSE_FORMATS: readonly WarehouseFormat[] = ["parquet", "delta", "iceberg", "json", "csv", "text"];

/** Formats whose tables keep their own metadata (a log), so their folder needs no marker. */
export function isTableFormat(f: WarehouseFormat): f is "delta" | "iceberg" {
  return f === "delta" || f === "iceberg";
}

/** A table of the warehouse catalog. */
export interface WarehouseTable {
  readonly database: string;
  readonly name: string;
  readonly format: WarehouseFormat;
  /** Where the data is: a local path or URL. */
  readonly location: string;
  /** Managed tables' data is deleted with the table; external ones' is not. */
  readonly managed: boolean;
  /** Columns, partition columns included (for Delta, the log's schema is authoritative). */
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  /** Reader and writer options (CREATE TABLE … OPTIONS). */
  readonly options: Readonly<Record<string, string>>;
  readonly comment: string | null;
  readonly createdMs: number;
  /** CLUSTERED BY … INTO n BUCKETS as declared (sluice writes unbucketed files). */
  readonly bucketing?: { readonly columns: readonly string[]; readonly sortColumns: readonly string[]; readonly numBuckets: number } | null;
}

/** The JSON document of a table (schema as Spark's schema JSON). */
interface WarehouseTableJson extends Omit<WarehouseTable, "schema"> {
  readonly schema: string;
}

export interface WarehouseDatabase {
  readonly name: string;
  readonly location: string;
  readonly comment: string | null;
}

const META = "_sluice_catalog";

export class WarehouseCatalog {
  private readonly storage: Storage;
  private readonly root: string;
  /** The warehouse as given (a path or URL), for table locations. */
  readonly warehouse: string;

  /** @throws ConfigError when the warehouse location cannot be resolved. */
  constructor(warehouse: string) {
    const { storage, key } = resolveLocation(warehouse);
    this.storage = storage;
    this.root = key;
    this.warehouse = fileUrlOf(storage, key);
  }

  /** Where a managed table's data goes. */
  defaultLocation(database: string, table: string): string {
    const db = database.toLowerCase();
    return `${this.warehouse.replace(/\/$/, "")}/${db === "default" ? "" : `${db}.db/`}${table.toLowerCase()}`;
  }

  async database(name: string): Promise<WarehouseDatabase | null> {
    const db = name.toLowerCase();
    if (db === "default") return { name: "default", location: this.warehouse, comment: "default database" };
    const json = await this.read(`${db}/_database.json`);
    return json === null ? null : (JSON.parse(json) as WarehouseDatabase);
  }

  /** @throws AnalysisError when it exists (unless `ifNotExists`). */
  async createDatabase(name: string, ifNotExists: boolean, comment: string | null, location: string | null): Promise<void> {
    const db = name.toLowerCase();
    if (db === "default" || (await this.database(db)) !== null) {
      if (ifNotExists) return;
      throw new AnalysisError(`analysis: database '${db}' already exists`);
    }
    const doc: WarehouseDatabase = { name: db, location: location ?? `${this.warehouse.replace(/\/$/, "")}/${db}.db`, comment };
    await this.write(`${db}/_database.json`, JSON.stringify(doc), !ifNotExists);
  }

  async listDatabases(): Promise<string[]> {
    const objects = await this.storage.list(folderPrefix(this.key("")));
    const names = new Set(["default"]);
    for (const o of objects) {
      const m = /([^/]+)\/_database\.json$/.exec(o.path);
      if (m !== null) names.add(m[1]);
    }
    return [...names].sort();
  }

  /** @throws AnalysisError when the database does not exist, or holds tables and not `cascade`. */
  async dropDatabase(name: string, ifExists: boolean, cascade: boolean): Promise<void> {
    const db = name.toLowerCase();
    if (db === "default") throw new AnalysisError("analysis: the default database cannot be dropped");
    if ((await this.database(db)) === null) {
      if (ifExists) return;
      throw new AnalysisError(`analysis: database '${db}' not found`);
    }
    const tables = await this.listTables(db);
    if (tables.length > 0 && !cascade) throw new AnalysisError(`analysis: database '${db}' is not empty (${tables.join(", ")}); use DROP DATABASE … CASCADE`);
    for (const t of tables) await this.dropTable(db, t);
    await this.storage.delete(this.key(`${db}/_database.json`));
  }

  async table(database: string, name: string): Promise<WarehouseTable | null> {
    const json = await this.read(`${database.toLowerCase()}/${name.toLowerCase()}.json`);
    if (json === null) return null;
    const doc = JSON.parse(json) as WarehouseTableJson;
    const schema = schemaFromJson(doc.schema);
    if (schema.typeName !== "struct") throw new AnalysisError(`catalog: the record of table ${database}.${name} holds a ${schema.typeName} schema, not a struct`);
    return { ...doc, schema };
  }

  async listTables(database: string): Promise<string[]> {
    const db = database.toLowerCase();
    const objects = await this.storage.list(folderPrefix(this.key(db)));
    return objects.map((o) => /([^/]+)\.json$/.exec(o.path)?.[1] ?? "").filter((n) => n !== "" && n !== "_database").sort();
  }

  /**
   * Records a new table. @throws AnalysisError when the database does not exist or the table
   * does (put-if-absent: a concurrent creator loses).
   */
  async createTable(t: WarehouseTable): Promise<void> {
    if ((await this.database(t.database)) === null) throw new AnalysisError(`analysis: database '${t.database}' not found`);
    try {
      await this.write(`${t.database}/${t.name}.json`, encode(t), true);
    } catch (e) {
      if (e instanceof AlreadyExistsError) throw new AnalysisError(`analysis: table ${t.database}.${t.name} already exists`);
      throw e;
    }
    if (!isTableFormat(t.format)) await markTableFolder(t.location, `${t.database}.${t.name}`);
  }

  /** Replaces a table's record (ALTER TABLE). */
  async replaceTable(t: WarehouseTable): Promise<void> {
    await this.write(`${t.database}/${t.name}.json`, encode(t), false);
  }

  /** Forgets a table; a managed table's data is deleted too. Returns the dropped table, or null. */
  async dropTable(database: string, name: string): Promise<WarehouseTable | null> {
    const t = await this.table(database, name);
    if (t === null) return null;
    await this.storage.delete(this.key(`${t.database}/${t.name}.json`));
    if (t.managed) {
      const { storage, key } = resolveLocation(t.location);
      for (const o of await storage.list(folderPrefix(key))) await storage.delete(o.path);
    }
    return t;
  }

  private key(rel: string): string {
    return `${folderPrefix(this.root)}${META}/${rel}`;
  }

  private async read(rel: string): Promise<string | null> {
    const k = this.key(rel);
    if ((await this.storage.head(k)) === null) return null;
    return new TextDecoder().decode(await this.storage.get(k));
  }

  private async write(rel: string, text: string, ifNotExists: boolean): Promise<void> {
    await this.storage.put(this.key(rel), new TextEncoder().encode(text), { ifNotExists });
  }
}

/**
 * Makes a file table's folder exist before its first write, as Spark creates it, so reading the
 * new (empty) table finds it: a hidden marker object (`_sluice_table`, skipped by every file
 * listing as names starting with `_` are), which an object store needs since it has no folders.
 */
export async function markTableFolder(location: string, name: string): Promise<void> {
  const { storage, key } = resolveLocation(location);
  const marker = `${folderPrefix(key)}_sluice_table`;
  if ((await storage.head(marker)) === null) await storage.put(marker, new TextEncoder().encode(JSON.stringify({ table: name })));
}

function encode(t: WarehouseTable): string {
  const doc: WarehouseTableJson = { ...t, schema: schemaToJson(t.schema) };
  return JSON.stringify(doc, null, 1);
}

/**
 * Runs one catalog operation for the blocking-call worker (DataFrame builders are synchronous):
 * `op` is a method name of {@link WarehouseCatalog}, `args` its arguments.
 */
export async function warehouseTask(warehouse: string, op: string, args: readonly unknown[]): Promise<unknown> {
  const c = new WarehouseCatalog(warehouse);
  switch (op) {
    case "table":
      return c.table(args[0] as string, args[1] as string);
    case "database":
      return c.database(args[0] as string);
    case "listTables":
      return c.listTables(args[0] as string);
    case "listDatabases":
      return c.listDatabases();
    case "createDatabase":
      return c.createDatabase(args[0] as string, args[1] as boolean, args[2] as string | null, args[3] as string | null);
    case "dropDatabase":
      return c.dropDatabase(args[0] as string, args[1] as boolean, args[2] as boolean);
    case "createTable":
      return c.createTable(args[0] as WarehouseTable);
    case "replaceTable":
      return c.replaceTable(args[0] as WarehouseTable);
    case "dropTable":
      return c.dropTable(args[0] as string, args[1] as string);
    case "createDeltaLog":
      return createDeltaLog(args[0] as string, args[1] as StructType, args[2] as string[], args[3] as Record<string, string>, args[4] as Record<string, string>);
    case "createIcebergMetadata":
      return createIcebergMetadata(args[0] as string, args[1] as StructType, args[2] as string[], args[3] as Record<string, string>);
    default:
      throw new AnalysisError(`catalog: unknown warehouse operation '${op}'`);
  }
}

/** Commits an empty Delta table (version 0: protocol and metadata) at `location`, unless one is there. */
export async function createDeltaLog(
  location: string,
  schema: StructType,
  partitionBy: readonly string[],
  properties: Readonly<Record<string, string>>,
  sessionConf: Readonly<Record<string, string>>,
): Promise<void> {
  await saveDeltaTable({
    mode: "ignore",
    options: { path: location, ...properties },
    partitionBy,
    schema,
    data: async function* () {},
    sessionConf,
    keepNullability: true,
  });
}

/** Commits an empty Iceberg table (its first metadata file, no snapshot) at `location`, unless one is there. */
export async function createIcebergMetadata(location: string, schema: StructType, partitionBy: readonly string[], properties: Readonly<Record<string, string>>): Promise<void> {
  const { storage, key } = resolveLocation(location);
  await createIcebergTable(storage, key, schema, { partitionBy, properties });
}
