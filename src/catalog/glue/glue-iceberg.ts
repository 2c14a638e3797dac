/**
 * Iceberg tables in the AWS Glue Data Catalog, as Iceberg's `GlueCatalog` keeps them and Athena
 * reads them: the Glue table has `table_type=ICEBERG`, `metadata_location` (the current metadata
 * file) and `previous_metadata_location`, the table's location and its columns.
 *
 * A commit writes `metadata/<NNNNN>-<uuid>.metadata.json`, then swaps `metadata_location` from
 * the base's file to it with `UpdateTable` carrying the `VersionId` of the same `GetTable` that
 * showed the base as current (Glue's optimistic lock; a first commit is a `CreateTable`). A swap
 * that loses (another `metadata_location`, ConcurrentModificationException, the table created
 * meanwhile) deletes its metadata file and reports the conflict, and the writer retries on the
 * new metadata.
 */
import { randomUUID } from "node:crypto";
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { keyOfUrl } from "../../storage/url.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import type { IcebergCatalogOps, NextMetadata } from "../../tables/iceberg/catalog-ops.js";
import { catalogMetadataName, currentSchema, metadataVersionOf, readMetadataFile } from "../../tables/iceberg/metadata.js";
import type { IcebergField, MetadataFile, TableMetadata } from "../../tables/iceberg/metadata.js";
import { locationOf } from "../../tables/iceberg/table-reader.js";
import { sparkTypeOf } from "../../tables/iceberg/types.js";
import type { GlueCatalog, GlueTableInput } from "./glue-catalog.js";
import { hiveType } from "./glue-catalog.js";

/** Table parameters Iceberg's GlueCatalog owns. */
const ICEBERG_PARAMETERS = ["table_type", "metadata_location", "previous_metadata_location"];

/** The Iceberg table `database.table` of a Glue catalog. */
export class GlueIcebergCatalog implements IcebergCatalogOps {
  readonly description: string;

  constructor(
    private readonly glue: GlueCatalog,
    private readonly database: string,
    private readonly table: string,
  ) {
    this.description = `glue:${database}.${table}`;
  }

  /** The metadata location Glue records, or null when there is no such table. @throws AnalysisError for a table that is not Iceberg. */
  async metadataLocation(): Promise<{ location: string; versionId: string | null; parameters: Readonly<Record<string, string>> } | null> {
    const t = await this.glue.getTable(this.database, this.table);
    if (t === null) return null;
    const location = t.tableParameters.metadata_location;
    if ((t.tableParameters.table_type ?? "").toUpperCase() !== "ICEBERG" || location === undefined || location === "") {
      throw new AnalysisError(`glue: ${this.database}.${this.table} is not an Iceberg table (table_type=${t.tableParameters.table_type ?? "unset"}, no metadata_location)`);
    }
    return { location, versionId: t.versionId, parameters: t.tableParameters };
  }

  async load(storage: Storage, _tableKey: string): Promise<MetadataFile | null> {
    const current = await this.metadataLocation();
    if (current === null) return null;
    const key = keyOfUrl(storage, current.location);
    if (key === null) throw new AnalysisError(`glue: ${this.database}.${this.table} keeps its metadata at ${current.location}, outside ${storage.root}`);
    return { key, version: metadataVersionOf(key.slice(key.lastIndexOf("/") + 1)) ?? 0, metadata: await readMetadataFile(storage, key) };
  }

  async isCurrent(_storage: Storage, tableKey: string, known: MetadataFile): Promise<boolean> {
    const current = await this.metadataLocation();
    return current !== null && current.location === locationOf(known.metadata, tableKey, known.key);
  }

  async commit(storage: Storage, tableKey: string, base: MetadataFile | null, next: NextMetadata): Promise<{ key: string; version: number } | null> {
    const version = (base?.version ?? 0) + 1;
    const key = `${folderPrefix(tableKey)}metadata/${catalogMetadataName(version, randomUUID())}`;
    await storage.put(key, encodeUtf8(next.text), { ifNotExists: true });
    const location = locationOf(next.metadata, tableKey, key);
    let swapped: boolean;
    if (base === null) {
      swapped = await this.glue.createTableFrom(this.database, this.tableInput(next.metadata, location, null, {}));
    } else {
      const current = await this.metadataLocation();
      const baseLocation = locationOf(base.metadata, tableKey, base.key);
      swapped =
        current !== null &&
        current.location === baseLocation &&
        (await this.glue.updateTableFrom(this.database, this.tableInput(next.metadata, location, baseLocation, current.parameters), current.versionId));
    }
    if (!swapped) {
      // A swap whose answer was lost and was retried is refused by its own success: Glue then
      // names this very file. Only a file known not to be current may go (a failure to ask
      // fails the commit; a restarted query learns from the table what was committed).
      const now = await this.metadataLocation();
      if (now?.location === location) return { key, version };
      await storage.delete(key).catch(() => undefined);
      return null;
    }
    return { key, version };
  }

  /**
   * Points the Glue table at `current` (a file-system table registered for Athena): creates it, or
   * updates its `metadata_location` (the old one becomes `previous_metadata_location`).
   * @returns what was done.
   */
  async register(tableKey: string, current: MetadataFile): Promise<"created" | "updated" | "unchanged"> {
    const location = locationOf(current.metadata, tableKey, current.key);
    for (let attempt = 0; attempt <= this.glue.settings.maxConflictRetries; attempt++) {
      const t = await this.glue.getTable(this.database, this.table);
      if (t === null) {
        if (await this.glue.createTableFrom(this.database, this.tableInput(current.metadata, location, null, {}))) return "created";
        continue;
      }
      const previous = t.tableParameters.metadata_location ?? null;
      if (previous === location) return "unchanged";
      if (await this.glue.updateTableFrom(this.database, this.tableInput(current.metadata, location, previous, t.tableParameters), t.versionId)) return "updated";
    }
    throw new AnalysisError(`glue: ${this.database}.${this.table} kept changing while registering it; try again`);
  }

  /** The Glue table: Iceberg's parameters, others' kept; the location; the current schema's columns. */
  private tableInput(m: TableMetadata, metadataLocation: string, previous: string | null, existing: Readonly<Record<string, string>>): GlueTableInput {
    const kept = Object.fromEntries(Object.entries(existing).filter(([k]) => !ICEBERG_PARAMETERS.includes(k)));
    const schema = currentSchema(m);
    return {
      Name: this.table,
      TableType: "EXTERNAL_TABLE",
      Parameters: {
        ...kept,
        EXTERNAL: "TRUE",
        table_type: "ICEBERG",
        metadata_location: metadataLocation,
        ...(previous === null ? {} : { previous_metadata_location: previous }),
      },
      StorageDescriptor: {
        Location: m.location,
        Columns: schema.fields.map((f) => column(f)),
      },
    };
  }
}

/** A column as Iceberg's GlueCatalog describes it: the Hive type, and the field id. */
function column(f: IcebergField): { Name: string; Type: string; Parameters: Record<string, string> } {
  return {
    Name: f.name,
    Type: hiveType(sparkTypeOf(f.type, f.name)),
    Parameters: { "iceberg.field.id": String(f.id), "iceberg.field.optional": String(!f.required), "iceberg.field.current": "true" },
  };
}
