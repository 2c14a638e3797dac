/**
 * Where an Iceberg table's current metadata is recorded, and how a commit swaps it: the catalog.
 * Writers go through this interface so a commit is atomic in whichever catalog owns the table.
 *
 * - {@link hadoopCatalog} (file-system tables, the default): versions are
 *   `metadata/v<N>.metadata.json`, each written put-if-absent, so exactly one writer gets each
 *   N; `metadata/version-hint.text` then names the newest (a hint: readers also look further).
 * - The AWS Glue Data Catalog (`catalog/glue/glue-iceberg.ts`) keeps `metadata_location` in the
 *   table's parameters and swaps it with Glue's `VersionId` as the optimistic lock.
 */
import { AlreadyExistsError, NotFoundError } from "../../errors.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { loadCurrentMetadata } from "./metadata.js";
import type { MetadataFile, TableMetadata } from "./metadata.js";

/** A table's catalog, as writers use it. */
export interface IcebergCatalogOps {
  /** For messages: `hadoop`, `glue:db.table`. */
  readonly description: string;
  /** The table's current metadata, or null when there is no such table yet. */
  load(storage: Storage, tableKey: string): Promise<MetadataFile | null>;
  /** Whether `known` (what this writer committed last) is still the current metadata: a cheap check. */
  isCurrent(storage: Storage, tableKey: string, known: MetadataFile): Promise<boolean>;
  /**
   * Writes `next.text` (the document of `next.metadata`) as the metadata version following `base`
   * (null: the table's first) and makes it current, atomically. Returns its key and version, or
   * null when another commit made a version current first (the caller re-reads and retries).
   */
  commit(storage: Storage, tableKey: string, base: MetadataFile | null, next: NextMetadata): Promise<{ readonly key: string; readonly version: number } | null>;
}

/** The metadata a commit makes current. */
export interface NextMetadata {
  readonly text: string;
  readonly metadata: TableMetadata;
}

/** File-system tables: put-if-absent `v<N>.metadata.json` and `version-hint.text` (Iceberg's HadoopTableOperations). */
export const hadoopCatalog: IcebergCatalogOps = {
  description: "hadoop",
  async load(storage, tableKey) {
    try {
      return await loadCurrentMetadata(storage, tableKey);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  },
  async isCurrent(storage, tableKey, known) {
    return !(await storage.exists(`${folderPrefix(tableKey)}metadata/v${known.version + 1}.metadata.json`));
  },
  async commit(storage, tableKey, base, next) {
    const dir = `${folderPrefix(tableKey)}metadata/`;
    const version = (base?.version ?? 0) + 1;
    const key = `${dir}v${version}.metadata.json`;
    const bytes = encodeUtf8(next.text);
    try {
      await storage.put(key, bytes, { ifNotExists: true });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      // A put whose answer was lost and was sent again finds its own file: that is a win. The
      // text names this commit's snapshot id and manifest list, so no other commit's is equal.
      if (!sameBytes(await storage.get(key), bytes)) return null;
    }
    // A hint only, written in the background: readers look past it for newer versions, so one
    // that lags (out of order, or lost with the process) costs a probe, and a failed write must
    // not fail the commit. Awaiting it cost a durable write per commit (~4 ms locally).
    void storage.put(`${dir}version-hint.text`, encodeUtf8(String(version))).catch(() => undefined);
    return { key, version };
  },
};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
