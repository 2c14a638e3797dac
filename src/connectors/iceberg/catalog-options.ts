/**
 * The catalog options of Iceberg reads and writes: `catalog` (`glue`), `database`, `table`. With
 * them the table's current metadata is the Glue table's `metadata_location`, and commits swap it
 * (`catalog/glue/glue-iceberg.ts`); without them the table is a file-system table.
 */
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import { enumOption } from "../../options.js";
import { GlueCatalog, glueSettingsFrom } from "../../catalog/glue/glue-catalog.js";
import { GlueIcebergCatalog } from "../../catalog/glue/glue-iceberg.js";
import type { IcebergCatalogOps } from "../../tables/iceberg/catalog-ops.js";

const GLUE_NAME = z.string().regex(/^[A-Za-z0-9_]{1,255}$/, "must be a Glue name (letters, digits, '_')");

/** The option shapes, for a connector's `validateOptions`. */
export const CATALOG_OPTIONS = {
  catalog: enumOption(["glue"] as const),
  database: GLUE_NAME,
  table: GLUE_NAME,
};

/**
 * The table's catalog from `catalog`, `database` and `table`: Glue when `catalog` is `glue` (both
 * names required), else file-system tables. @throws ConfigError for an incomplete set.
 */
export function icebergCatalogOf(
  what: string,
  o: { readonly catalog?: "glue"; readonly database?: string; readonly table?: string },
  sessionConf: Readonly<Record<string, string>>,
): { readonly ops: IcebergCatalogOps | null; readonly glue: GlueCatalog | null } {
  if (o.catalog === undefined) {
    const stray = o.database !== undefined ? "database" : o.table !== undefined ? "table" : null;
    if (stray !== null) throw new ConfigError(`${what}: option '${stray}' names a catalog table; set option 'catalog' to "glue" as well`, { option: stray });
    return { ops: null, glue: null };
  }
  for (const name of ["database", "table"] as const) {
    if (o[name] === undefined) throw new ConfigError(`${what}: option '${name}' is required with 'catalog'`, { option: name });
  }
  const glue = new GlueCatalog(glueSettingsFrom(sessionConf));
  return { ops: new GlueIcebergCatalog(glue, (o.database ?? "").toLowerCase(), (o.table ?? "").toLowerCase()), glue };
}

