/**
 * `sluice query "SQL"`: runs SQL in DuckDB over sluice's tables. ``delta.`PATH` `` reads a Delta
 * table's latest snapshot (the log replayed by sluice, so no DuckDB extension is needed);
 * ``parquet.`PATH` ``, ``json.`PATH` `` and ``csv.`PATH` `` read files (a file sink's folder: the
 * files its `_spark_metadata` log lists). DuckDB (`@duckdb/node-api`) is an optional dependency,
 * loaded only by this command.
 */
import { AnalysisError, ConfigError, InternalError } from "../errors.js";
import { checkReadable } from "../tables/delta/protocol-check.js";
import { numberOption, parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";
import { openDeltaSnapshot } from "./delta-location.js";
import { formatResult, RESULT_FORMATS } from "./result-format.js";
import type { ColumnKind, JsonValue, ResultColumn, ResultFormat } from "./result-format.js";
import { deltaRelation, fileRelation, icebergRelation, quoteString, rewriteTableReferences } from "./table-references.js";
import type { Relation, TableReference } from "./table-references.js";
import { StagedFiles } from "./staged-files.js";

type DuckDB = typeof import("@duckdb/node-api");
type DuckDBConnection = import("@duckdb/node-api").DuckDBConnection;

/** Help text of `sluice query`. */
export const QUERY_HELP = `Usage: sluice query "SQL" [--format table|csv|json] [--truncate N] [--unsafe]

Runs SQL in DuckDB over tables named by path, as in Spark SQL:
  delta.\`PATH\`     a Delta table at its latest version (partition columns included)
  parquet.\`PATH\`   Parquet files: a file, a glob, or a folder (every *.parquet below it)
  json.\`PATH\`      JSON / NDJSON files (a folder: every *.json below it)
  csv.\`PATH\`       CSV files with a header (a folder: every *.csv below it)
PATH is a local path, a file: URL or an s3:// URL (its files are downloaded through sluice, with
the S3 settings of the environment, into a temporary folder removed afterwards). A folder written
by a streaming file sink (it holds _spark_metadata/) means exactly the files its log lists, as
Spark reads it: files of batches that never committed are left out. The rest of the statement is
DuckDB SQL; with several statements, the last one's result is printed.

The query is locked to the tables it names: DuckDB may open exactly their files and nothing else
(no other file, e.g. read_csv('/etc/passwd'), no network, no extension), its settings cannot be
changed, and ATTACH, DETACH, COPY, EXPORT DATABASE, INSTALL, LOAD and SET are refused. --unsafe
lifts the lock: the statement then runs with DuckDB's full file and network access.

Options:
  --format F     table (as df.show(), default), csv (with a header row) or json (one object per line)
  --truncate N   table format: cut cells longer than N characters (default 20; 0 = never)
  --unsafe       run without the lock (only for SQL you trust)
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
  const parsed = parseArgs(args, { format: "string", truncate: "string", unsafe: "boolean" }, "query", QUERY_HELP);
  if (parsed.positionals.length !== 1) {
    throw new UsageError(`query: expected one SQL statement in quotes, got ${parsed.positionals.length === 0 ? "none" : `${parsed.positionals.length} arguments`}`, QUERY_HELP);
  }
  const format = parsed.strings.get("format") ?? "table";
  if (!isResultFormat(format)) throw new UsageError(`query: --format must be one of ${RESULT_FORMATS.join(", ")}, got '${format}'`, QUERY_HELP);
  const truncate = numberOption(parsed, "truncate", 20, { min: 0, integer: true }, "query", QUERY_HELP);
  const result = await runQuery(parsed.positionals[0], { unsafe: parsed.flags.has("unsafe") });
  io.out(formatResult(result.columns, result.rows, format, { truncate }));
  return 0;
}

/** Options of {@link runQuery}. */
export interface QueryOptions {
  /** Lift the lock: DuckDB may then read and write any file, use the network, attach and install. */
  readonly unsafe?: boolean;
}

/**
 * Runs `sql` (table references rewritten, see the module comment) in a fresh in-memory DuckDB whose
 * time zone is UTC, and returns the last statement's result.
 *
 * Unless `options.unsafe`, DuckDB is locked to the tables the statement names before any statement
 * runs: external access off (no other file, no network, no extension loading or installing) except
 * for exactly the files and folders of those tables (`allowed_paths`, `allowed_directories`), the
 * configuration locked, and ATTACH/DETACH, COPY, EXPORT, INSTALL/LOAD and SET refused.
 * Tables outside the local file system are read from local copies, removed afterwards.
 * @throws ConfigError when `@duckdb/node-api` is not installed;
 *   AnalysisError when a Delta path is not a table, DuckDB rejects the statement, or the lock
 *   refuses it (the message names what was refused and `--unsafe`).
 */
export async function runQuery(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
  const duckdb = await loadDuckDB();
  const staged = new StagedFiles();
  try {
    return await runWithDuckDB(duckdb, sql, staged, options);
  } finally {
    staged.dispose();
  }
}

async function runWithDuckDB(duckdb: DuckDB, sql: string, staged: StagedFiles, options: QueryOptions): Promise<QueryResult> {
  const files = new Set<string>();
  const directories = new Set<string>();
  const rewritten = await rewriteTableReferences(sql, async (ref) => {
    const r = await relationOf(ref, staged);
    for (const f of r.files) files.add(f);
    for (const d of r.directories) directories.add(d);
    return r.sql;
  });
  const locked = options.unsafe !== true;
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    // Spark timestamps are instants shown in the session zone: show them in UTC (needs ICU; without it DuckDB already uses UTC).
    await conn.run("SET TimeZone = 'UTC'").catch(() => undefined);
    if (locked) await lock(conn, [...files], [...directories]);
    let extracted;
    try {
      extracted = await conn.extractStatements(rewritten);
    } catch (cause) {
      throw duckdbError(cause, locked);
    }
    if (extracted.count === 0) throw new AnalysisError("query: no SQL statement given");
    let columns: ResultColumn[] = [];
    let rows: JsonValue[][] = [];
    for (let i = 0; i < extracted.count; i++) {
      let stmt;
      try {
        stmt = await extracted.prepare(i);
      } catch (cause) {
        throw duckdbError(cause, locked);
      }
      if (locked) refuseUnlocked(duckdb, stmt.statementType, i, extracted.count);
      try {
        const reader = await stmt.runAndReadAll();
        const names = reader.columnNames();
        const types = reader.columnTypes();
        columns = names.map((name, c) => ({ name, kind: columnKind(duckdb, types[c].typeId) }));
        rows = reader.getRowsJson() as JsonValue[][];
      } catch (cause) {
        throw duckdbError(cause, locked);
      }
    }
    return { columns, rows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** What the lock adds to every refusal. */
const LOCK_HINT = "sluice query reads only the tables the statement names (delta.`…`, parquet.`…`, json.`…`, csv.`…`); run with --unsafe to lift the lock";

/**
 * Locks the connection's database: only `files` and the folders `directories` may be opened, no
 * network, no extension installed or loaded (the built-in Parquet and JSON readers need none),
 * and no setting changed afterwards (so the lock cannot be undone by the statement).
 */
async function lock(conn: DuckDBConnection, files: readonly string[], directories: readonly string[]): Promise<void> {
  const list = (xs: readonly string[]) => `[${xs.map(quoteString).join(", ")}]`;
  const settings = [
    `SET allowed_paths = ${list(files)}`,
    `SET allowed_directories = ${list(directories)}`,
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
  ];
  for (const statement of settings) {
    try {
      await conn.run(statement);
    } catch (cause) {
      throw new InternalError(`query: cannot lock DuckDB (${statement.slice(0, 60)}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
}

/**
 * Refuses statements that reach beyond the named tables even inside their folders: writing files
 * (COPY … TO, EXPORT DATABASE), other databases (ATTACH, DETACH, COPY FROM DATABASE), extensions
 * (INSTALL, LOAD, UPDATE EXTENSIONS) and settings (SET, RESET).
 */
function refuseUnlocked(duckdb: DuckDB, type: number, index: number, count: number): void {
  const T = duckdb.StatementType;
  const refused: Readonly<Partial<Record<number, string>>> = {
    [T.ATTACH]: "ATTACH is",
    [T.DETACH]: "DETACH is",
    [T.COPY]: "COPY is",
    [T.COPY_DATABASE]: "COPY FROM DATABASE is",
    [T.EXPORT]: "EXPORT DATABASE is",
    [T.LOAD]: "INSTALL and LOAD are",
    [T.EXTENSION]: "extension statements are",
    [T.UPDATE_EXTENSIONS]: "UPDATE EXTENSIONS is",
    [T.SET]: "SET, RESET and PRAGMA settings are",
  };
  const what = refused[type];
  if (what === undefined) return;
  const which = count === 1 ? "" : ` (statement ${index + 1} of ${count})`;
  throw new AnalysisError(`query: ${what} not allowed${which}; ${LOCK_HINT}`);
}

async function relationOf(ref: TableReference, staged: StagedFiles): Promise<Relation> {
  switch (ref.format) {
    case "delta": {
      const { location, snapshot } = await openDeltaSnapshot(ref.path);
      checkReadable(snapshot.protocol, snapshot.metadata, location.url);
      return deltaRelation(location, snapshot, staged);
    }
    case "parquet":
    case "json":
    case "csv":
      return fileRelation(ref.format, ref.path, staged);
    case "iceberg":
      return icebergRelation(ref.path, staged);
  }
}

async function loadDuckDB(): Promise<DuckDB> {
  try {
    return await import("@duckdb/node-api");
  } catch (cause) {
    throw new ConfigError("query: needs @duckdb/node-api (npm install @duckdb/node-api)", { cause });
  }
}

/**
 * DuckDB's message (its first line is the summary: `Binder Error: …`) as an AnalysisError; under
 * the lock, a refused file or setting says so and names `--unsafe`.
 */
function duckdbError(cause: unknown, locked: boolean): AnalysisError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (locked && /^Permission Error|disabled (by|through) configuration|configuration has been locked/.test(message)) {
    return new AnalysisError(`query: refused by the lock: ${message.split("\n")[0]}; ${LOCK_HINT}`, { cause });
  }
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
