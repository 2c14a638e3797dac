/**
 * The `sluice` command line. Exit codes: 0 success, 1 the job or a query failed, 2 usage error.
 * Errors print one line naming the subsystem, what went wrong and where; `--verbose` adds the
 * stack trace and causes.
 */
import { resolve as resolvePath } from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SluiceError } from "../errors.js";
import { UsageError, wantsHelp } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";
import type { ProgressMode } from "./run-monitor.js";
import type { MetricsEndpoint, QueryMetrics } from "./metrics-server.js";
import type { DashboardEndpoint, DashboardState } from "./ui-server.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const VERSION = "0.1.0";

const MAIN_HELP = `sluice ${VERSION}: Spark Structured Streaming's programming model for Node.js

Usage:
  sluice run [--conf K=V] JOB.ts [-- args] run a job file (TypeScript runs directly)
  sluice demo [--lake DIR] [--events N]   generate booking events and run Bronze -> Silver -> Gold
  sluice query "SQL" [--format F]         run SQL over tables: delta.\`PATH\`, parquet.\`PATH\` ...
  sluice table describe|history|optimize|vacuum PATH
                                          inspect and maintain a Delta table
  sluice checkpoint show DIR [--json]     what a streaming query's checkpoint says
  sluice quarantine show|replay PATH      the rows expectOrQuarantine refused, by error; replay them
  sluice checkpoint import-spark SRC DST  resume a Spark/Glue Kafka query's checkpoint in sluice
  sluice --help                           show this help
  sluice --version                        show the version

Options:
  --verbose    print stack traces and causes on errors

Exit codes: 0 ok, 1 query failed, 2 usage error.
Run 'sluice COMMAND --help' for a command's help.
`;

const RUN_HELP = `Usage: sluice run [--conf KEY=VALUE]... JOB.ts|JOB.js [-- args...]

Runs a job file. The file imports the API from "sluice" (resolved to this installation, wherever
the file lives), builds its queries and usually awaits query.awaitTermination(). Arguments after
'--' are in process.argv.slice(2) inside the job. Paths are best passed in environment variables.

The command ends when the job's top-level code has finished and every query it started has
stopped. SIGINT/SIGTERM stop the queries gracefully (after the batch in flight).

Options:
  --conf KEY=VALUE   a session setting, as spark-submit's --conf (repeatable): set before the job
                     runs, so the job's own SparkSession.builder.config(...) calls still win.
                     E.g. --conf sluice.s3.endpoint=http://127.0.0.1:9000
  --progress MODE    what to show while queries run, on stderr: live (a status block per query,
                     redrawn in place; the default on a terminal), lines (one line per batch; the
                     default otherwise), json (each StreamingQueryProgress as a JSON line, on
                     stdout) or quiet. Every mode but json and quiet ends with a summary.
  --quiet            the same as --progress quiet
  --metrics-port N   serve Prometheus metrics of the job's queries at http://127.0.0.1:N/metrics
                     (0 picks a free port, printed on stderr)
  --metrics-host H   the address to serve them on instead of 127.0.0.1 (loopback)
  --ui               serve a web dashboard of the job's queries on 127.0.0.1 (its address is
                     printed on stderr): rates, rows, batch durations, state, watermark, batches
  --ui-port N        the dashboard's port (default 4040, as Spark UI; 0 picks a free one)
  --verbose          print stack traces and causes on errors

Environment:
  SLUICE_LOG_LEVEL   the structured log's level on stderr: trace, debug, info (each query's
                     start, batches and stop), warn (the default), error or silent. JSON lines
                     off a terminal; credentials in logged options are redacted.
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => a !== "--verbose");
  // `sluice query … | head` closes the pipe early: the rest of the output is dropped, not an error.
  if (process.stdout.listenerCount("error") === 0) process.stdout.on("error", ignoreClosedPipe);
  const out = (s: string) => void process.stdout.write(s);
  const err = (s: string) => void process.stderr.write(s);
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    out(MAIN_HELP);
    return args.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (args[0] === "--version" || args[0] === "-v") {
    out(`${VERSION}\n`);
    return EXIT_OK;
  }
  const [command, ...rest] = args;
  const io: CliIO = { out, err, verbose };
  // Each command's module (and the engine behind it) loads only when that command runs, so
  // `--version` and `--help` start in the time Node itself takes.
  switch (command) {
    case "run":
      return run(rest, verbose, out, err);
    case "demo": {
      const m = await import("./demo-command.js");
      return subcommand("demo", rest, m.DEMO_HELP, m.demoCommand, io);
    }
    case "query": {
      const m = await import("./query-command.js");
      return subcommand("query", rest, m.QUERY_HELP, m.queryCommand, io);
    }
    case "checkpoint": {
      const m = await import("./checkpoint-command.js");
      return subcommand("checkpoint", rest, m.CHECKPOINT_HELP, m.checkpointCommand, io);
    }
    case "quarantine": {
      const m = await import("./quarantine-command.js");
      return subcommand("quarantine", rest, m.QUARANTINE_HELP, m.quarantineCommand, io);
    }
    case "table": {
      const m = await import("./table-command.js");
      return subcommand(["describe", "history", "optimize", "vacuum"].includes(rest[0] ?? "") ? `table ${rest[0]}` : "table", rest, m.TABLE_HELP, m.tableCommand, io);
    }
    default:
      err(`sluice: unknown command '${command}'; run 'sluice --help'\n`);
      return EXIT_USAGE;
  }
}

/**
 * Runs one command: `--help` prints `help` (exit 0); a {@link UsageError} prints its line and the
 * help on stderr (exit 2); any other error prints one line `sluice COMMAND: …` (exit 1).
 */
async function subcommand(
  name: string,
  args: readonly string[],
  help: string,
  command: (args: readonly string[], io: CliIO) => Promise<number>,
  io: CliIO,
): Promise<number> {
  if (wantsHelp(args)) {
    io.out(help);
    return EXIT_OK;
  }
  try {
    return await command(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sluice ${e.message}\n\n${e.help}`);
      return EXIT_USAGE;
    }
    io.err(formatCommandError(name, e, io.verbose));
    return EXIT_FAILED;
  }
}

/**
 * One line for an error that ended a command (`sluice query: … [SLUICE_…]`), or with `verbose`
 * the stack and causes. A message that already starts with the command's name is not prefixed twice.
 */
export function formatCommandError(command: string, e: unknown, verbose: boolean): string {
  const message = e instanceof Error ? e.message : String(e);
  const [first, ...more] = message.split("\n");
  const text = first.startsWith(`${command}: `) ? first.slice(command.length + 2) : first;
  let s = `sluice ${command}: ${e instanceof SluiceError ? `${text} [${e.code}]` : e instanceof Error ? `${e.name}: ${text}` : text}\n`;
  if (!verbose) return s;
  if (more.length > 0) s += `${more.join("\n")}\n`;
  if (e instanceof Error) s += `${e.stack ?? ""}\n`;
  let c: unknown = e instanceof Error ? e.cause : undefined;
  while (c !== undefined && c !== null) {
    s += `caused by: ${c instanceof Error ? (c.stack ?? c.message) : String(c)}\n`;
    c = c instanceof Error ? c.cause : undefined;
  }
  return s;
}

async function run(
  args: readonly string[],
  verbose: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    out(RUN_HELP);
    return EXIT_OK;
  }
  const sep = args.indexOf("--");
  const jobArgs = sep < 0 ? [] : args.slice(sep + 1);
  const own: string[] = [];
  const conf: Record<string, string> = {};
  const before = sep < 0 ? args : args.slice(0, sep);
  let progress: ProgressMode | null = null;
  let metricsPort: number | null = null;
  let metricsHost = "127.0.0.1";
  let uiPort: number | null = null;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    // The value of option `flag` (`--flag value` or `--flag=value`): undefined when it has none,
    // null when `a` is another argument.
    const valueOf = (flag: string): string | undefined | null => (a === flag ? before[++i] : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : null);
    const usage = (message: string): number => {
      err(`sluice run: ${message}\n`);
      return EXIT_USAGE;
    };
    const shown = (v: string | undefined) => (v === undefined ? "nothing" : JSON.stringify(v));
    if (a === "--quiet") {
      progress = "quiet";
      continue;
    }
    if (a === "--ui") {
      uiPort ??= 4040;
      continue;
    }
    const mode = valueOf("--progress");
    if (mode !== null) {
      if (mode !== "live" && mode !== "lines" && mode !== "json" && mode !== "quiet") return usage(`--progress takes live, lines, json or quiet, got ${shown(mode)}`);
      progress = mode;
      continue;
    }
    const badPort = (flag: string, v: string | undefined) => usage(`${flag} takes a port number from 0 to 65535, got ${shown(v)}`);
    const mp = valueOf("--metrics-port");
    if (mp !== null) {
      metricsPort = portNumber(mp);
      if (metricsPort === null) return badPort("--metrics-port", mp);
      continue;
    }
    const up = valueOf("--ui-port");
    if (up !== null) {
      uiPort = portNumber(up);
      if (uiPort === null) return badPort("--ui-port", up);
      continue;
    }
    const host = valueOf("--metrics-host");
    if (host !== null) {
      if (host === undefined || host === "") return usage("--metrics-host takes an address");
      metricsHost = host;
      continue;
    }
    const setting = valueOf("--conf");
    if (setting === null) {
      own.push(a);
      continue;
    }
    const eq = setting === undefined ? -1 : setting.indexOf("=");
    // The text is not echoed: a mistyped --conf may hold a secret.
    if (setting === undefined || eq <= 0) return usage(`--conf takes KEY=VALUE, got ${setting === undefined ? "nothing" : "an argument without '='"}`);
    conf[setting.slice(0, eq)] = setting.slice(eq + 1);
  }
  if (own.length !== 1) {
    err(`sluice run: expected one job file, got ${own.length === 0 ? "none" : own.join(" ")}; usage: sluice run JOB.ts [-- args...]\n`);
    return EXIT_USAGE;
  }
  const file = resolvePath(own[0]);
  if (!existsSync(file)) {
    err(`sluice run: job file not found: ${file}\n`);
    return EXIT_USAGE;
  }
  if (!/\.(ts|mts|js|mjs)$/.test(file)) {
    err(`sluice run: job file must be .ts, .mts, .js or .mjs, got ${file}\n`);
    return EXIT_USAGE;
  }
  process.argv = [process.argv[0], file, ...jobArgs];
  const { SparkSession } = await import("../api/session.js");
  const { RunMonitor } = await import("./run-monitor.js");
  // A terminal that reports no size (a bare pty) cannot hold a block redrawn in place.
  const terminal = process.stderr.isTTY && process.stderr.rows > 0 && process.stderr.columns > 0;
  const monitor = await RunMonitor.create(progress ?? (terminal ? "live" : "lines"), { out, err, terminal: process.stderr });
  let endpoint: MetricsEndpoint | null = null;
  let metrics: QueryMetrics | null = null;
  if (metricsPort !== null) {
    const { QueryMetrics, serveMetrics } = await import("./metrics-server.js");
    metrics = await QueryMetrics.create();
    try {
      endpoint = await serveMetrics(metrics, metricsPort, metricsHost);
    } catch (e) {
      err(formatError(e, verbose));
      return EXIT_USAGE;
    }
    if (monitor.mode !== "quiet") err(`sluice: metrics at ${endpoint.url}\n`);
  }
  let dashboard: DashboardEndpoint | null = null;
  let dashboardState: DashboardState | null = null;
  if (uiPort !== null) {
    const { DashboardState, serveDashboard } = await import("./ui-server.js");
    dashboardState = new DashboardState();
    try {
      dashboard = await serveDashboard(dashboardState, uiPort);
    } catch (e) {
      await endpoint?.close();
      err(formatError(e, verbose));
      return EXIT_USAGE;
    }
    if (monitor.mode !== "quiet") err(`sluice: dashboard at ${dashboard.url}\n`);
  }
  const unhook = SparkSession.onActivated((s) => {
    monitor.attach(s);
    metrics?.attach(s);
    dashboardState?.attach(s);
  });
  let stopping = false;
  const stopAll = (signal: string) => {
    if (stopping) process.exit(EXIT_FAILED);
    stopping = true;
    err(`sluice: ${signal} received, stopping queries after the batch in flight (again to force)\n`);
    const session = SparkSession.getActiveSession();
    void (session === null ? Promise.resolve() : session.stop()).then(() => {
      monitor.finish();
      process.exit(EXIT_OK);
    });
  };
  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGTERM", () => stopAll("SIGTERM"));
  try {
    if (Object.keys(conf).length > 0) {
      const builder = SparkSession.builder;
      for (const [k, v] of Object.entries(conf)) builder.config(k, v);
      builder.getOrCreate();
    }
    await import(pathToFileURL(file).href);
    // Like a Spark driver that awaits its queries: finish when every query has stopped.
    const session = SparkSession.getActiveSession();
    if (session !== null) {
      for (const q of session.streams.active) await q.awaitTermination();
    }
    return EXIT_OK;
  } catch (e) {
    monitor.finish(false);
    err(formatError(e, verbose));
    return EXIT_FAILED;
  } finally {
    unhook();
    monitor.finish();
    await endpoint?.close();
    await dashboard?.close();
  }
}

/** `v` as a TCP port (0 picks a free one), or null. */
function portNumber(v: string | undefined): number | null {
  const n = Number(v);
  return v === undefined || v === "" || !Number.isInteger(n) || n < 0 || n > 65535 ? null : n;
}

function ignoreClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
  throw e;
}

/** One line (or, with verbose, the stack and causes) for an error that ended the job. */
export function formatError(e: unknown, verbose: boolean): string {
  if (e instanceof SluiceError) {
    // One line: a parse error's caret excerpt (lines 2–3 of its message) is shown with --verbose.
    const [first, ...more] = e.message.split("\n");
    let s = `sluice: ${first} [${e.code}]\n`;
    if (verbose) {
      if (more.length > 0) s += `${more.join("\n")}\n`;
      s += `${e.stack ?? ""}\n`;
      let c: unknown = e.cause;
      while (c !== undefined && c !== null) {
        s += `caused by: ${c instanceof Error ? (c.stack ?? c.message) : String(c)}\n`;
        c = c instanceof Error ? c.cause : undefined;
      }
    }
    return s;
  }
  if (e instanceof Error) {
    return verbose ? `sluice: job failed: ${e.stack ?? e.message}\n` : `sluice: job failed: ${e.name}: ${e.message} (--verbose for the stack)\n`;
  }
  return `sluice: job failed: ${String(e)}\n`;
}
