/**
 * `sluice table describe|history|optimize|vacuum|register PATH`: inspecting and maintaining a Delta
 * table, and registering a table in the Glue Data Catalog.
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

/** Help text of `sluice table`. */
export const TABLE_HELP = `Usage: sluice table SUBCOMMAND PATH [options]

Inspects and maintains a Delta table. PATH is a local path, a file: URL, an s3:// URL (with the
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

  register PATH --database DB --table NAME [--format delta|parquet|json|csv]
                                         registers the table (or updates its entry) in the AWS
                                         Glue Data Catalog, as a streaming sink with option
                                         catalog=glue does: Delta as table_type=DELTA, file folders
                                         as Hive tables with their partitions. The format is
                                         detected (a _delta_log/ means delta, else parquet).

Options:
  --verbose    print stack traces and causes on errors

Glue is reached with the environment's settings (AWS_ENDPOINT_URL_GLUE or AWS_ENDPOINT_URL,
AWS_REGION, the AWS credential chain).

Exit codes: 0 ok, 1 the table could not be read or changed, 2 usage error.
`;

const SUBCOMMANDS = ["describe", "history", "optimize", "vacuum", "register"] as const;

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
    case undefined:
      throw new UsageError(`table: missing subcommand; expected one of ${SUBCOMMANDS.join(", ")}`, TABLE_HELP);
    default:
      throw new UsageError(`table: unknown subcommand '${sub}'; expected one of ${SUBCOMMANDS.join(", ")}`, TABLE_HELP);
  }
}

async function describe(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean" }, "table describe", TABLE_HELP);
  const path = onePath(parsed.positionals, "describe");
  const { location, snapshot } = await openDeltaSnapshot(path);
  const detail = await tableDetail(location, snapshot);
  io.out(parsed.flags.has("json") ? `${JSON.stringify(detail, null, 2)}\n` : formatTableDetail(detail, snapshot));
  return 0;
}

async function history(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean", limit: "string" }, "table history", TABLE_HELP);
  const path = onePath(parsed.positionals, "history");
  const limit = parsed.strings.has("limit") ? numberOption(parsed, "limit", 0, { min: 1, integer: true }, "table history", TABLE_HELP) : undefined;
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
  const format = given === undefined ? undefined : CATALOG_TABLE_FORMATS.find((f) => f === given.toLowerCase());
  if (given !== undefined && format === undefined) throw new UsageError(`table register: --format must be one of ${CATALOG_TABLE_FORMATS.join(", ")}, got '${given}'`, TABLE_HELP);
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

function onePath(positionals: readonly string[], sub: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`table ${sub}: expected one table path, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`, TABLE_HELP);
  }
  return positionals[0];
}
