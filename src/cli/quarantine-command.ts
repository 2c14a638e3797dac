/**
 * `sluice quarantine show|replay PATH`: what a query's quarantine table (`quarantinePath`, written
 * by `expectOrQuarantine` rules) holds, and a way back for records that are fixed or were refused
 * by a rule since corrected: `replay` writes them as JSON lines into a landing folder, where the
 * query's file source reads them as new input, and can then delete them from the quarantine table.
 */
import { randomUUID } from "node:crypto";
import { SparkSession } from "../api/session.js";
import type { DataFrame } from "../api/dataframe.js";
import { max } from "../api/functions.js";
import { concatBatches } from "../columnar/ops.js";
import { ConfigError } from "../errors.js";
import { writeJsonLines } from "../formats/json/json-lines-writer.js";
import { collectBatches } from "../runtime/batch-execution.js";
import { QUARANTINE_COLUMNS } from "../runtime/quarantine.js";
import { folderPrefix, resolveLocation } from "../storage/resolve.js";
import { toDisplayUrl } from "../storage/url.js";
import { hasDeltaLog } from "../tables/delta/table-check.js";
import { numberOption, parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";

/** Help text of `sluice quarantine`. */
export const QUARANTINE_HELP = `Usage: sluice quarantine show PATH [--limit N] [--json]
       sluice quarantine replay PATH --to DIR [--where PREDICATE] [--delete]

PATH is a quarantine table: the Delta table a streaming query names with
option("quarantinePath", ...), where its expectOrQuarantine rules send the rows they refuse,
with _error (the rules a row failed), _source (the file it was read from), _batch_id and
_ingested_at before the row's own columns.

show: the rows by error, most frequent first: how many, the batches they came in, and the
first N rows of each (default 3) as JSON.

replay: writes the rows (their own columns, without the four above) as JSON lines into one new
file in DIR, placed atomically, so a query reading DIR as its landing folder (format "json", or
"text" with from_json) takes them as new input: fix the data, or the rule, then replay.
--where keeps the rows a SQL predicate over the table selects (e.g. "_error LIKE '%amount%'");
--delete then removes exactly those rows from the quarantine table. A failure between the two
steps replays rows again on the next replay (at least once), never loses one.

Options:
  --verbose    print stack traces and causes on errors

Exit codes: 0 ok, 1 the table could not be read or written, 2 usage error.
`;

/** Runs `sluice quarantine` with the arguments after `quarantine`; resolves to the exit code. */
export async function quarantineCommand(args: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "show") return show(rest, io);
  if (sub === "replay") return replay(rest, io);
  throw new UsageError(sub === undefined ? "quarantine: missing subcommand; expected show or replay" : `quarantine: unknown subcommand '${sub}'; expected show or replay`, QUARANTINE_HELP);
}

/** The quarantine table at `path` (refused when it is not a Delta table or lacks the columns). */
async function openTable(path: string, command: string): Promise<DataFrame> {
  const at = resolveLocation(path);
  const url = toDisplayUrl(at.storage, folderPrefix(at.key));
  if (!(await hasDeltaLog(at.storage, at.key))) throw new ConfigError(`${command}: ${url} is not a Delta table (no _delta_log); name a query's quarantinePath`, { path: url });
  const df = SparkSession.builder.getOrCreate().read.format("delta").load(path);
  const missing = QUARANTINE_COLUMNS.filter((c) => !df.columns.includes(c));
  if (missing.length > 0) throw new ConfigError(`${command}: ${url} is not a quarantine table: it lacks ${missing.join(", ")}`, { path: url });
  return df;
}

async function show(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { limit: "string", json: "boolean" }, "quarantine show", QUARANTINE_HELP);
  if (parsed.positionals.length !== 1) throw new UsageError(`quarantine show: expected one table path, got ${parsed.positionals.length}`, QUARANTINE_HELP);
  const limit = numberOption(parsed, "limit", 3, { min: 0, integer: true }, "quarantine show", QUARANTINE_HELP);
  const df = await openTable(parsed.positionals[0], "quarantine show");
  const rows = await df.collect();
  const groups = new Map<string, { count: number; batches: Set<string>; samples: Record<string, unknown>[] }>();
  for (const r of rows) {
    const error = String(r._error);
    const g = groups.get(error) ?? { count: 0, batches: new Set<string>(), samples: [] };
    g.count++;
    g.batches.add(String(r._batch_id));
    if (g.samples.length < limit) g.samples.push(Object.fromEntries(Object.entries(r).filter(([k]) => k !== "_error" && k !== "_batch_id" && k !== "_ingested_at")));
    groups.set(error, g);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  const text = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString("base64") : x));
  if (parsed.flags.has("json")) {
    io.out(text({ rows: rows.length, errors: ordered.map(([error, g]) => ({ error, count: g.count, batches: [...g.batches].map(Number).sort((a, b) => a - b), samples: g.samples })) }) + "\n");
    return 0;
  }
  io.out(`${rows.length} quarantined row(s), ${ordered.length} distinct error(s)\n`);
  for (const [error, g] of ordered) {
    const batches = [...g.batches].map(Number).sort((a, b) => a - b);
    io.out(`\n${g.count} × ${error}\n  batches ${batches.length > 6 ? `${batches.slice(0, 3).join(", ")} … ${batches.slice(-2).join(", ")}` : batches.join(", ")}\n`);
    for (const s of g.samples) io.out(`  ${text(s)}\n`);
  }
  return 0;
}

async function replay(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { to: "string", where: "string", delete: "boolean" }, "quarantine replay", QUARANTINE_HELP);
  if (parsed.positionals.length !== 1) throw new UsageError(`quarantine replay: expected one table path, got ${parsed.positionals.length}`, QUARANTINE_HELP);
  const to = parsed.strings.get("to");
  if (to === undefined) throw new UsageError("quarantine replay: --to DIR (the landing folder to write the rows into) is required", QUARANTINE_HELP);
  const path = parsed.positionals[0];
  const where = parsed.strings.get("where");
  let df = await openTable(path, "quarantine replay");
  if (where !== undefined) df = df.filter(where);
  // A running query may quarantine more rows meanwhile: replay (and delete) only the batches
  // committed when the replay started.
  const last = (await df.agg(max("_batch_id").alias("last")).collect())[0]?.last;
  if (typeof last !== "bigint") {
    io.out("no quarantined rows to replay\n");
    return 0;
  }
  const upTo = `_batch_id <= ${last}`;
  const data = df.filter(upTo).drop(...QUARANTINE_COLUMNS);
  const batches = await collectBatches(data.resolved);
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  if (rows === 0) {
    io.out("no quarantined rows to replay\n");
    return 0;
  }
  // One object put: it appears whole, as landing files must (a file source never sees it half written).
  const dest = resolveLocation(to);
  const key = `${folderPrefix(dest.key)}replay-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}.json`;
  await dest.storage.put(key, writeJsonLines(concatBatches(data.schema, batches)));
  io.out(`replayed ${rows} row(s) into ${toDisplayUrl(dest.storage, key)}\n`);
  if (parsed.flags.has("delete")) {
    const spark = SparkSession.builder.getOrCreate();
    const table = `delta.\`${path.replace(/`/g, "``")}\``;
    await spark.sql(`DELETE FROM ${table} WHERE ${upTo}${where === undefined ? "" : ` AND (${where})`}`).collect();
    io.out(`deleted them from ${path}\n`);
  }
  return 0;
}
