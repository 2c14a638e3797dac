/**
 * `sluice table describe|history|optimize|vacuum PATH`: inspecting and maintaining a Delta table.
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

Options:
  --verbose    print stack traces and causes on errors

Exit codes: 0 ok, 1 the table could not be read or changed, 2 usage error.
`;

const SUBCOMMANDS = ["describe", "history", "optimize", "vacuum"] as const;

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
    case undefined:
      throw new UsageError("table: missing subcommand; expected one of describe, history, optimize, vacuum", TABLE_HELP);
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
