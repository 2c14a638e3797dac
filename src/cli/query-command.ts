/**
 * `sluice query "SQL"`: runs SQL in DuckDB over sluice's tables. ``delta.`PATH` `` reads a Delta
 * table's latest snapshot (the log replayed by sluice, so no DuckDB extension is needed);
 * ``parquet.`PATH` ``, ``json.`PATH` `` and ``csv.`PATH` `` read files (a file sink's folder: the
 * files its `_spark_metadata` log lists). DuckDB (`@duckdb/node-api`) is an optional dependency,
 * loaded only by this command.
 */
import { AnalysisError, ConfigError } from "../errors.js";
import { checkReadable } from "../tables/delta/protocol-check.js";
import { numberOption, parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";
import { openDeltaSnapshot } from "./delta-location.js";
import { formatResult, RESULT_FORMATS } from "./result-format.js";
import type { ColumnKind, JsonValue, ResultColumn, ResultFormat } from "./result-format.js";
import { deltaRelationSql, fileRelationSql, rewriteTableReferences } from "./table-references.js";
import type { TableReference } from "./table-references.js";

type DuckDB = typeof import("@duckdb/node-api");

/** Help text of `sluice query`. */
export const QUERY_HELP = `Usage: sluice query "SQL" [--format table|csv|json] [--truncate N]

Runs SQL in DuckDB over tables named by path, as in Spark SQL:
  delta.\`PATH\`     a Delta table at its latest version (partition columns included)
  parquet.\`PATH\`   Parquet files: a file, a glob, or a folder (every *.parquet below it)
  json.\`PATH\`      JSON / NDJSON files (a folder: every *.json below it)
  csv.\`PATH\`       CSV files with a header (a folder: every *.csv below it)
PATH is a local path or a file: URL. A folder written by a streaming file sink (it holds
_spark_metadata/) means exactly the files its log lists, as Spark reads it: files of batches that
never committed are left out. The rest of the statement is DuckDB SQL; with several statements,
the last one's result is printed.

Options:
  --format F     table (as df.show(), default), csv (with a header row) or json (one object per line)
  --truncate N   table format: cut cells longer than N characters (default 20; 0 = never)
  --verbose      print stack traces and causes on errors

Needs the optional package @duckdb/node-api (npm install @duckdb/node-api).

Example (single quotes, so that the shell leaves the back-quotes alone):
  sluice query 'SELECT user_id, count(*) AS n FROM delta.\`./lake/silver/booking\` GROUP BY 1 ORDER BY n DESC LIMIT 10'
`;

/** A query's result: columns and rows as JSON values. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly JsonValue[])[];
}

/** Runs `sluice query` with the arguments after `query`; resolves to the exit code. */
export async function queryCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { format: "string", truncate: "string" }, "query", QUERY_HELP);
  if (parsed.positionals.length !== 1) {
    throw new UsageError(`query: expected one SQL statement in quotes, got ${parsed.positionals.length === 0 ? "none" : `${parsed.positionals.length} arguments`}`, QUERY_HELP);
  }
  const format = parsed.strings.get("format") ?? "table";
  if (!isResultFormat(format)) throw new UsageError(`query: --format must be one of ${RESULT_FORMATS.join(", ")}, got '${format}'`, QUERY_HELP);
  const truncate = numberOption(parsed, "truncate", 20, { min: 0, integer: true }, "query", QUERY_HELP);
  const result = await runQuery(parsed.positionals[0]);
  io.out(formatResult(result.columns, result.rows, format, { truncate }));
  return 0;
}

/**
 * Runs `sql` (table references rewritten, see the module comment) in a fresh in-memory DuckDB whose
 * time zone is UTC, and returns the last statement's result.
 * @throws ConfigError when `@duckdb/node-api` is not installed or a path is not local;
 *   AnalysisError when a Delta path is not a table or DuckDB rejects the statement.
 */
export async function runQuery(sql: string): Promise<QueryResult> {
  const duckdb = await loadDuckDB();
  const rewritten = await rewriteTableReferences(sql, relationOf);
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    // Spark timestamps are instants shown in the session zone: show them in UTC (needs ICU; without it DuckDB already uses UTC).
    await conn.run("SET TimeZone = 'UTC'").catch(() => undefined);
    let extracted;
    try {
      extracted = await conn.extractStatements(rewritten);
    } catch (cause) {
      throw duckdbError(cause);
    }
    if (extracted.count === 0) throw new AnalysisError("query: no SQL statement given");
    let columns: ResultColumn[] = [];
    let rows: JsonValue[][] = [];
    for (let i = 0; i < extracted.count; i++) {
      try {
        const stmt = await extracted.prepare(i);
        const reader = await stmt.runAndReadAll();
        const names = reader.columnNames();
        const types = reader.columnTypes();
        columns = names.map((name, c) => ({ name, kind: columnKind(duckdb, types[c].typeId) }));
        rows = reader.getRowsJson() as JsonValue[][];
      } catch (cause) {
        throw duckdbError(cause);
      }
    }
    return { columns, rows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function relationOf(ref: TableReference): Promise<string> {
  switch (ref.format) {
    case "delta": {
      const { location, snapshot } = await openDeltaSnapshot(ref.path);
      checkReadable(snapshot.protocol, snapshot.metadata, location.url);
      return deltaRelationSql(location, snapshot);
    }
    case "parquet":
    case "json":
    case "csv":
      return fileRelationSql(ref.format, ref.path);
    case "iceberg":
      throw new ConfigError(`query: iceberg tables are not supported yet (iceberg.\`${ref.path}\`)`);
  }
}

async function loadDuckDB(): Promise<DuckDB> {
  try {
    return await import("@duckdb/node-api");
  } catch (cause) {
    throw new ConfigError("query: needs @duckdb/node-api (npm install @duckdb/node-api)", { cause });
  }
}

/** DuckDB's message (its first line is the summary: `Binder Error: …`) as an AnalysisError. */
function duckdbError(cause: unknown): AnalysisError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new AnalysisError(`query: ${message}`, { cause });
}

function columnKind(duckdb: DuckDB, typeId: number): ColumnKind {
  const T = duckdb.DuckDBTypeId;
  switch (typeId) {
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
    case T.BIGINT:
    case T.HUGEINT:
    case T.UTINYINT:
    case T.USMALLINT:
    case T.UINTEGER:
    case T.UBIGINT:
    case T.UHUGEINT:
      return "integer";
    case T.DECIMAL:
      return "decimal";
    case T.FLOAT:
    case T.DOUBLE:
      return "double";
    case T.BOOLEAN:
      return "boolean";
    case T.TIMESTAMP_TZ:
      return "timestamptz";
    case T.LIST:
    case T.ARRAY:
      return "list";
    case T.STRUCT:
      return "struct";
    case T.MAP:
      return "map";
    default:
      return "other";
  }
}

function isResultFormat(s: string): s is ResultFormat {
  return (RESULT_FORMATS as readonly string[]).includes(s);
}
