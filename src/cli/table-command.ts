/**
 * `sluice table describe|history|optimize|vacuum|register PATH`: inspecting and maintaining a Delta
 * table, and registering a table in the Glue Data Catalog; for Iceberg tables (a `metadata/`
 * folder of `*.metadata.json` and no `_delta_log/`) `describe`, `history`, `snapshots`,
 * `expire-snapshots`, `remove-orphan-files`, `rewrite-data-files` and `register`.
 */
import { parseExpression } from "../sql/parser.js";
import { readHistory } from "../tables/delta/history.js";
import type { HistoryEntry } from "../tables/delta/history.js";
import { optimizeTable } from "../tables/delta/optimize.js";
import { vacuumTable } from "../tables/delta/vacuum.js";
import type { VacuumResult } from "../tables/delta/vacuum.js";
import { ConfigError } from "../errors.js";
import { numberOption, parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";
import { openDeltaLocation, openDeltaSnapshot } from "./delta-location.js";
import { formatResult } from "./result-format.js";
import { formatBytes, formatCount, formatTableDetail, tableDetail } from "./table-describe.js";
import { CATALOG_TABLE_FORMATS, GlueCatalog, glueSettingsFrom, partitionColumnsOf, partitionsOfFiles } from "../catalog/glue/glue-catalog.js";
import type { CatalogTableFormat, CatalogTableSpec } from "../catalog/glue/glue-catalog.js";
import { resolveLocation } from "../storage/resolve.js";
import { fileUrlOf } from "../storage/url.js";
import type { Storage } from "../storage/storage.js";
import { hasDeltaLog } from "../tables/delta/table-check.js";
import { hasSinkLog, readSinkLogFiles } from "../tables/parquet-log/sink-log.js";
import { listDataFiles } from "../connectors/file/listing.js";
import { extensionFilter } from "./table-references.js";
import { SparkSession } from "../api/session.js";
import { toDisplayUrl } from "../storage/url.js";
import { schemaToJson } from "../types/json-schema.js";
import { treeString } from "../types/print-schema.js";
import { GlueIcebergCatalog } from "../catalog/glue/glue-iceberg.js";
import { hadoopCatalog } from "../tables/iceberg/catalog-ops.js";
import { metadataVersionOf } from "../tables/iceberg/metadata.js";
import type { MetadataFile, TableMetadata } from "../tables/iceberg/metadata.js";
import { expireSnapshots, icebergHistory, icebergSnapshots, icebergTableDetail, removeOrphanFiles, rewriteDataFiles } from "../tables/iceberg/maintenance.js";
import type { IcebergTableDetail } from "../tables/iceberg/maintenance.js";

/** Help text of `sluice table`. */
export const TABLE_HELP = `Usage: sluice table SUBCOMMAND PATH [options]

Inspects and maintains a Delta or Iceberg table. PATH is a local path, a file: URL, an s3:// URL (with the
S3 settings of the environment: AWS_ENDPOINT_URL_S3, AWS_REGION, the AWS credential chain) or a
memory:// URL.

Subcommands:
  describe PATH [--json]                 format, location, id, version, protocol, partition columns,
                                         files, size, configuration and the schema tree
  history PATH [--limit N] [--json]      the commits, newest first, as Spark's DESCRIBE HISTORY:
                                         version, timestamp, operation, parameters, metrics
  optimize PATH [--where PREDICATE]      compacts small files (bin-packing) in one commit;
                                         --where limits it to partitions, e.g. "day = '2024-01-01'"
  vacuum PATH [--retain HOURS] [--dry-run] [--no-retention-check]
                                         deletes files no longer referenced by the table and older
                                         than the retention (default: the table's
                                         delta.deletedFileRetentionDuration, 168 hours); --dry-run
                                         lists them; a retention below the table's is refused unless
                                         --no-retention-check (Spark's retentionDurationCheck)

  register PATH --database DB --table NAME [--format delta|iceberg|parquet|json|csv]
                                         registers the table (or updates its entry) in the AWS
                                         Glue Data Catalog, as a streaming sink with option
                                         catalog=glue does: Delta as table_type=DELTA, Iceberg as
                                         table_type=ICEBERG at its current metadata file, file
                                         folders as Hive tables with their partitions. The format
                                         is detected (a _delta_log/ means delta, a metadata/ of
                                         *.metadata.json iceberg, else parquet).

Iceberg tables (describe, history and register detect them too):
  snapshots PATH [--json]                the snapshots, oldest first: committed_at, snapshot_id,
                                         parent_id, operation, summary
  expire-snapshots PATH [--older-than TIME] [--retain-last N] [--dry-run]
                                         drops snapshots committed before TIME (default 5 days
                                         ago; never the current one nor the N newest, default 1)
                                         and deletes the files only they reached
  remove-orphan-files PATH [--older-than TIME] [--dry-run]
                                         deletes files under the table no snapshot reaches, last
                                         modified before TIME (default 3 days ago)
  rewrite-data-files PATH [--target-file-size BYTES]
                                         compacts each partition's data files (deletes applied)
                                         into files of the target size, as one replace snapshot

TIME is an ISO 8601 timestamp (2024-03-07T10:00:00Z) or milliseconds since the epoch.

Options:
  --verbose    print stack traces and causes on errors

Glue is reached with the environment's settings (AWS_ENDPOINT_URL_GLUE or AWS_ENDPOINT_URL,
AWS_REGION, the AWS credential chain).

Exit codes: 0 ok, 1 the table could not be read or changed, 2 usage error.
`;

const SUBCOMMANDS = ["describe", "history", "optimize", "vacuum", "register", "snapshots", "expire-snapshots", "remove-orphan-files", "rewrite-data-files"] as const;

/** Runs `sluice table` with the arguments after `table`; resolves to the exit code. */
export async function tableCommand(args: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "describe":
      return describe(rest, io);
    case "history":
      return history(rest, io);
    case "optimize":
      return optimize(rest, io);
    case "vacuum":
      return vacuum(rest, io);
    case "register":
      return register(rest, io);
    case "snapshots":
      return snapshots(rest, io);
    case "expire-snapshots":
      return expire(rest, io);
    case "remove-orphan-files":
      return orphans(rest, io);
    case "rewrite-data-files":
      return rewrite(rest, io);
    case undefined:
      throw new UsageError(`table: missing subcommand; expected one of ${SUBCOMMANDS.join(", ")}`, TABLE_HELP);
    default:
      throw new UsageError(`table: unknown subcommand '${sub}'; expected one of ${SUBCOMMANDS.join(", ")}`, TABLE_HELP);
  }
}

async function describe(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean" }, "table describe", TABLE_HELP);
  const path = onePath(parsed.positionals, "describe");
  const iceberg = await icebergTableAt(path);
  if (iceberg !== null) {
    const d = await icebergTableDetail(iceberg.storage, iceberg.key);
    io.out(parsed.flags.has("json") ? `${JSON.stringify({ ...d, schema: JSON.parse(schemaToJson(d.schema)) as unknown }, null, 2)}\n` : formatIcebergDetail(d));
    return 0;
  }
  const { location, snapshot } = await openDeltaSnapshot(path);
  const detail = await tableDetail(location, snapshot);
  io.out(parsed.flags.has("json") ? `${JSON.stringify(detail, null, 2)}\n` : formatTableDetail(detail, snapshot));
  return 0;
}

async function history(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean", limit: "string" }, "table history", TABLE_HELP);
  const path = onePath(parsed.positionals, "history");
  const limit = parsed.strings.has("limit") ? numberOption(parsed, "limit", 0, { min: 1, integer: true }, "table history", TABLE_HELP) : undefined;
  const iceberg = await icebergTableAt(path);
  if (iceberg !== null) {
    const rows = icebergHistory(await icebergMetadata(iceberg)).reverse().slice(0, limit);
    if (parsed.flags.has("json")) io.out(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      io.out(
        formatResult(
          [
            { name: "made_current_at", kind: "other" },
            { name: "snapshot_id", kind: "other" },
            { name: "parent_id", kind: "other" },
            { name: "is_current_ancestor", kind: "other" },
          ],
          rows.map((r) => [r.madeCurrentAt, r.snapshotId, r.parentId ?? "NULL", String(r.isCurrentAncestor)]),
          "table",
          { truncate: 0 },
        ),
      );
    }
    return 0;
  }
  const location = await openDeltaLocation(path);
  const entries = await readHistory(location.storage, location.key, limit);
  if (parsed.flags.has("json")) {
    io.out(`${JSON.stringify(entries.map((e) => ({ ...e, timestamp: new Date(e.timestamp).toISOString() })), null, 2)}\n`);
    return 0;
  }
  io.out(
    formatResult(
      [
        { name: "version", kind: "integer" },
        { name: "timestamp", kind: "other" },
        { name: "operation", kind: "other" },
        { name: "operationParameters", kind: "other" },
        { name: "operationMetrics", kind: "other" },
      ],
      entries.map((e) => [String(e.version), new Date(e.timestamp).toISOString(), e.operation, parametersText(e), metricsText(e)]),
      "table",
      { truncate: 0 },
    ),
  );
  return 0;
}

async function optimize(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { where: "string" }, "table optimize", TABLE_HELP);
  const path = onePath(parsed.positionals, "optimize");
  if ((await icebergTableAt(path)) !== null) throw new UsageError(`table optimize: ${path} is an Iceberg table; compact it with 'sluice table rewrite-data-files'`, TABLE_HELP);
  const where = parsed.strings.get("where");
  const predicate = where === undefined ? undefined : parseExpression(where);
  const location = await openDeltaLocation(path);
  const { version, metrics } = await optimizeTable(location.storage, location.key, { where: predicate === undefined ? [] : [predicate] });
  if (version === null) {
    io.out(`optimize: nothing to compact in ${location.url} (${formatCount(metrics.totalConsideredFiles)} files considered, none to pack together)\n`);
    return 0;
  }
  io.out(
    `optimize: compacted ${formatCount(metrics.numFilesRemoved)} files (${formatBytes(metrics.filesRemoved.totalSize)}) into ` +
      `${formatCount(metrics.numFilesAdded)} (${formatBytes(metrics.filesAdded.totalSize)}) in ${formatCount(metrics.partitionsOptimized)} ` +
      `partition${metrics.partitionsOptimized === 1 ? "" : "s"}; committed version ${version} of ${location.url}\n`,
  );
  return 0;
}

async function vacuum(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { retain: "string", "dry-run": "boolean", "no-retention-check": "boolean" }, "table vacuum", TABLE_HELP);
  const path = onePath(parsed.positionals, "vacuum");
  const retentionHours = parsed.strings.has("retain") ? numberOption(parsed, "retain", 0, { min: 0, integer: false }, "table vacuum", TABLE_HELP) : undefined;
  const dryRun = parsed.flags.has("dry-run");
  if ((await icebergTableAt(path)) !== null) {
    throw new UsageError(`table vacuum: ${path} is an Iceberg table; use 'sluice table expire-snapshots' and 'sluice table remove-orphan-files'`, TABLE_HELP);
  }
  const location = await openDeltaLocation(path);
  const retentionCheck = !parsed.flags.has("no-retention-check");
  let result: VacuumResult;
  try {
    result = await vacuumTable(location.storage, location.key, { retentionHours, dryRun, retentionCheck });
  } catch (e) {
    // Spark's refusal names a session setting; on the command line the switch is a flag.
    if (e instanceof ConfigError && retentionCheck && /retention period/.test(e.message)) {
      throw new ConfigError(`${e.message.split("\n")[0]} Pass --no-retention-check to vacuum anyway.`, { cause: e, path: location.url });
    }
    throw e;
  }
  const before = new Date(result.deleteBeforeTimestamp).toISOString();
  const prefix = location.key === "" ? "" : `${location.key}/`;
  const n = result.files.length;
  if (dryRun) {
    io.out(`vacuum (dry run): would delete ${formatCount(n)} file${n === 1 ? "" : "s"} (${formatBytes(result.bytes)}) unreferenced and older than ${before} in ${location.url}\n`);
    for (const f of result.files) io.out(`  ${f.startsWith(prefix) ? f.slice(prefix.length) : f}\n`);
    return 0;
  }
  const versions = result.startVersion === null ? "" : `; versions ${result.startVersion} (VACUUM START) and ${result.endVersion ?? "?"} (VACUUM END)`;
  io.out(`vacuum: deleted ${formatCount(n)} file${n === 1 ? "" : "s"} (${formatBytes(result.bytes)}) unreferenced and older than ${before} in ${location.url}${versions}\n`);
  return 0;
}

async function register(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { database: "string", table: "string", format: "string" }, "table register", TABLE_HELP);
  const path = onePath(parsed.positionals, "register");
  const database = parsed.strings.get("database");
  const table = parsed.strings.get("table");
  if (database === undefined || table === undefined) throw new UsageError("table register: --database and --table are required", TABLE_HELP);
  const given = parsed.strings.get("format");
  const iceberg = given === undefined || given.toLowerCase() === "iceberg" ? await icebergTableAt(path) : null;
  if (given?.toLowerCase() === "iceberg" && iceberg === null) throw new ConfigError(`table register: no Iceberg table at ${path}`, { path });
  if (iceberg !== null) {
    const catalog = new GlueCatalog(glueSettingsFrom({}));
    try {
      const current = await icebergMetadataFile(iceberg);
      const what = await new GlueIcebergCatalog(catalog, database.toLowerCase(), table.toLowerCase()).register(iceberg.key, current);
      io.out(`register: iceberg table ${database.toLowerCase()}.${table.toLowerCase()} at ${current.metadata.location} ${what} in the Glue Data Catalog (metadata_location ${toDisplayUrl(iceberg.storage, current.key)})\n`);
    } finally {
      await catalog.close();
    }
    return 0;
  }
  const format = given === undefined ? undefined : CATALOG_TABLE_FORMATS.find((f) => f === given.toLowerCase());
  if (given !== undefined && format === undefined) throw new UsageError(`table register: --format must be one of delta, iceberg, ${CATALOG_TABLE_FORMATS.filter((f) => f !== "delta").join(", ")}, got '${given}'`, TABLE_HELP);
  const { storage, key } = resolveLocation(path);
  const spec = await catalogSpec(path, storage, key, format, database, table);
  const catalog = new GlueCatalog(glueSettingsFrom({}));
  let what: string;
  let added: number;
  try {
    what = await catalog.ensureTable(spec.table);
    added = await catalog.addPartitions(spec.table, spec.partitions);
  } finally {
    await catalog.close();
  }
  const partitions = spec.table.partitionColumns.length === 0 || spec.table.format === "delta" ? "" : `; ${formatCount(added)} new partition${added === 1 ? "" : "s"} of ${formatCount(spec.partitions.length)}`;
  io.out(`register: ${spec.table.format} table ${spec.table.database}.${spec.table.table} at ${spec.table.location} ${what} in the Glue Data Catalog${partitions}\n`);
  return 0;
}

/** What to register for the table at `path`: its schema, partition columns and (file folders) partitions. */
async function catalogSpec(
  path: string,
  storage: Storage,
  key: string,
  format: CatalogTableFormat | undefined,
  database: string,
  table: string,
): Promise<{ table: CatalogTableSpec; partitions: (string | null)[][] }> {
  const names = { database: database.toLowerCase(), table: table.toLowerCase(), location: fileUrlOf(storage, key) };
  const isDelta = await hasDeltaLog(storage, key);
  if (format === "delta" || (format === undefined && isDelta)) {
    const { snapshot } = await openDeltaSnapshot(path);
    return { table: { ...names, format: "delta", schema: snapshot.metadata.schema, partitionColumns: snapshot.metadata.partitionColumns }, partitions: [] };
  }
  const fileFormat = format ?? "parquet";
  const files = (await hasSinkLog(storage, key))
    ? (await readSinkLogFiles(storage, key)).filter((f) => f.storage === storage).map((f) => f.key)
    : (await listDataFiles({ storage, key, patterns: [], display: path }, extensionFilter(fileFormat))).map((f) => f.key);
  if (files.length === 0) throw new ConfigError(`table register: ${path} holds no ${fileFormat} file to take the schema from`, { path });
  const partitionColumns = partitionColumnsOf(key, files[0]);
  const spark = SparkSession.builder.getOrCreate();
  const reader = spark.read.format(fileFormat);
  const schema = reader.load(path).schema;
  return { table: { ...names, format: fileFormat, schema, partitionColumns }, partitions: partitionsOfFiles(key, files, partitionColumns) };
}

/** Metrics worth a glance, in this order; all metrics when none of these is there. */
const SUMMARY_METRICS = [
  "numOutputRows",
  "numFiles",
  "numOutputBytes",
  "numAddedFiles",
  "numRemovedFiles",
  "numAddedBytes",
  "numRemovedBytes",
  "numFilesToDelete",
  "sizeOfDataToDelete",
  "numDeletedFiles",
  "numTargetRowsInserted",
  "numTargetRowsUpdated",
  "numTargetRowsDeleted",
] as const;

function parametersText(e: HistoryEntry): string {
  return Object.entries(e.operationParameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

function metricsText(e: HistoryEntry): string {
  const m = e.operationMetrics;
  const known = SUMMARY_METRICS.filter((k) => m[k] !== undefined);
  const keys = known.length > 0 ? known : Object.keys(m).sort();
  return keys.map((k) => `${k}=${m[k]}`).join(", ");
}

/** The Iceberg table at `path`, or null when the folder is not one (it has a `_delta_log/`, or no `metadata/*.metadata.json`). */
async function icebergTableAt(path: string): Promise<{ storage: Storage; key: string } | null> {
  const { storage, key } = resolveLocation(path);
  if (await hasDeltaLog(storage, key)) return null;
  const dir = `${key === "" ? "" : `${key}/`}metadata/`;
  const listed = await storage.list(dir).catch(() => []);
  return listed.some((o) => metadataVersionOf(o.path.slice(dir.length)) !== null) ? { storage, key } : null;
}

async function icebergMetadataFile(t: { storage: Storage; key: string }): Promise<MetadataFile> {
  const current = await hadoopCatalog.load(t.storage, t.key);
  if (current === null) throw new ConfigError(`table: no Iceberg table at ${toDisplayUrl(t.storage, t.key)}`);
  return current;
}

async function icebergMetadata(t: { storage: Storage; key: string }): Promise<TableMetadata> {
  return (await icebergMetadataFile(t)).metadata;
}

async function needIceberg(path: string, sub: string): Promise<{ storage: Storage; key: string }> {
  const t = await icebergTableAt(path);
  if (t === null) throw new ConfigError(`table ${sub}: ${path} is not an Iceberg table (no metadata/*.metadata.json)`, { path });
  return t;
}

/** `--older-than`: an ISO 8601 timestamp or ms since the epoch; `fallback` when absent. */
function timeOption(parsed: ReturnType<typeof parseArgs>, sub: string, fallback: number): number {
  const text = parsed.strings.get("older-than");
  if (text === undefined) return fallback;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`table ${sub}: --older-than must be an ISO 8601 timestamp or milliseconds since the epoch, got '${text}'`, TABLE_HELP);
  return ms;
}

async function snapshots(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean" }, "table snapshots", TABLE_HELP);
  const t = await needIceberg(onePath(parsed.positionals, "snapshots"), "snapshots");
  const rows = icebergSnapshots(await icebergMetadata(t));
  if (parsed.flags.has("json")) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  io.out(
    formatResult(
      [
        { name: "committed_at", kind: "other" },
        { name: "snapshot_id", kind: "other" },
        { name: "parent_id", kind: "other" },
        { name: "operation", kind: "other" },
        { name: "summary", kind: "other" },
      ],
      rows.map((r) => [r.committedAt, r.snapshotId, r.parentId ?? "NULL", r.operation, Object.entries(r.summary).map(([k, v]) => `${k}=${v}`).join(", ")]),
      "table",
      { truncate: 0 },
    ),
  );
  return 0;
}

async function expire(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { "older-than": "string", "retain-last": "string", "dry-run": "boolean" }, "table expire-snapshots", TABLE_HELP);
  const t = await needIceberg(onePath(parsed.positionals, "expire-snapshots"), "expire-snapshots");
  const retainLast = parsed.strings.has("retain-last") ? numberOption(parsed, "retain-last", 1, { min: 1, integer: true }, "table expire-snapshots", TABLE_HELP) : 1;
  const dryRun = parsed.flags.has("dry-run");
  const r = await expireSnapshots(t.storage, t.key, { olderThanMs: timeOption(parsed, "expire-snapshots", Date.now() - 5 * 24 * 3600 * 1000), retainLast, dryRun });
  const where = toDisplayUrl(t.storage, t.key);
  const n = r.expired.length;
  io.out(
    dryRun
      ? `expire-snapshots (dry run): would expire ${formatCount(n)} snapshot${n === 1 ? "" : "s"} and delete ${formatCount(r.files.length)} files of ${where}\n`
      : `expire-snapshots: expired ${formatCount(n)} snapshot${n === 1 ? "" : "s"} and deleted ${formatCount(r.files.length)} files of ${where}${r.version === null ? "" : `; metadata version ${r.version}`}\n`,
  );
  if (dryRun) for (const f of r.files) io.out(`  ${f.startsWith(`${t.key}/`) ? f.slice(t.key.length + 1) : f}\n`);
  return 0;
}

async function orphans(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { "older-than": "string", "dry-run": "boolean" }, "table remove-orphan-files", TABLE_HELP);
  const t = await needIceberg(onePath(parsed.positionals, "remove-orphan-files"), "remove-orphan-files");
  const dryRun = parsed.flags.has("dry-run");
  const r = await removeOrphanFiles(t.storage, t.key, { olderThanMs: timeOption(parsed, "remove-orphan-files", Date.now() - 3 * 24 * 3600 * 1000), dryRun });
  const n = r.files.length;
  io.out(`remove-orphan-files${dryRun ? " (dry run): would delete" : ": deleted"} ${formatCount(n)} file${n === 1 ? "" : "s"} (${formatBytes(r.bytes)}) of ${toDisplayUrl(t.storage, t.key)}\n`);
  if (dryRun) for (const f of r.files) io.out(`  ${f.startsWith(`${t.key}/`) ? f.slice(t.key.length + 1) : f}\n`);
  return 0;
}

async function rewrite(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { "target-file-size": "string" }, "table rewrite-data-files", TABLE_HELP);
  const t = await needIceberg(onePath(parsed.positionals, "rewrite-data-files"), "rewrite-data-files");
  const target = parsed.strings.has("target-file-size") ? numberOption(parsed, "target-file-size", 0, { min: 1, integer: true }, "table rewrite-data-files", TABLE_HELP) : undefined;
  const r = await rewriteDataFiles(t.storage, t.key, target === undefined ? {} : { targetFileSize: target });
  const where = toDisplayUrl(t.storage, t.key);
  if (r.version === null) {
    io.out(`rewrite-data-files: nothing to compact in ${where}\n`);
    return 0;
  }
  io.out(
    `rewrite-data-files: rewrote ${formatCount(r.rewrittenFiles)} data files${r.rewrittenDeleteFiles > 0 ? ` and ${formatCount(r.rewrittenDeleteFiles)} delete files` : ""} into ${formatCount(r.addedFiles)}; metadata version ${r.version} of ${where}\n`,
  );
  return 0;
}

/** `describe` of an Iceberg table, as lines. */
function formatIcebergDetail(d: IcebergTableDetail): string {
  const lines = [
    `format             iceberg (v${d.formatVersion})`,
    `location           ${d.location}`,
    `id                 ${d.id}`,
    `metadata file      ${d.metadataFile}`,
    `current snapshot   ${d.currentSnapshotId ?? "none"} (${formatCount(d.numSnapshots)} snapshot${d.numSnapshots === 1 ? "" : "s"}, last sequence number ${d.lastSequenceNumber})`,
    `last updated       ${d.lastUpdated}`,
    `partition spec     ${d.partitionSpec.length === 0 ? "unpartitioned" : d.partitionSpec.join(", ")}`,
    `files              ${formatCount(d.numFiles)} data (${formatBytes(d.sizeInBytes)}, ${formatCount(d.numRecords)} records), ${formatCount(d.numDeleteFiles)} delete`,
    `properties         ${Object.keys(d.properties).length === 0 ? "none" : Object.entries(d.properties).map(([k, v]) => `${k}=${v}`).join(", ")}`,
    "",
    treeString(d.schema).trimEnd(),
  ];
  return `${lines.join("\n")}\n`;
}

function onePath(positionals: readonly string[], sub: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`table ${sub}: expected one table path, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`, TABLE_HELP);
  }
  return positionals[0];
}
