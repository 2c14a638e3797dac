/**
 * `sluice demo`: the seed's pipeline end to end on the local disk. Generates booking events (with
 * re-delivered duplicates, events without an id and malformed lines) as NDJSON files in the Bronze
 * landing folder, then runs the two jobs of the Glue walkthrough with an `availableNow` trigger
 * through the public API: Bronze → Silver (from_json, filter, dropDuplicates, Delta append) and
 * Silver → Gold (Delta stream, groupBy(user_id).count(), Delta complete). Every run lands a new
 * set of events with new ids, so the counts grow exactly once per run.
 */
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { SparkSession } from "../api/session.js";
import { col, from_json } from "../api/functions.js";
import { batchToRows } from "../columnar/values.js";
import { resolveLocation } from "../storage/resolve.js";
import { loadSnapshot } from "../tables/delta/snapshot.js";
import { readDeltaTable } from "../tables/delta/table-reader.js";
import type { StreamingQuery } from "../runtime/streaming-query.js";
import type { DataFrame } from "../api/dataframe.js";
import { numberOption, parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";
import { BOOKING_EVENT_DDL, writeBookingEvents } from "./demo-events.js";
import type { BookingEventsTruth } from "./demo-events.js";
import { formatResult } from "./result-format.js";
import type { JsonValue } from "./result-format.js";
import { formatCount } from "./table-describe.js";

/** The lake folder used when `--lake` is not given (relative to the working directory). */
export const DEFAULT_DEMO_LAKE = "sluice-demo-lake";

/** Events generated per run when `--events` is not given. */
export const DEFAULT_DEMO_EVENTS = 20_000;

/** Help text of `sluice demo`. */
export const DEMO_HELP = `Usage: sluice demo [--lake DIR] [--events N] [--kafka BOOTSTRAP [--topic T]]

Runs the Bronze -> Silver -> Gold pipeline of the Glue streaming walkthrough on the local disk,
with no service needed:
  1. writes N generated booking events as NDJSON files to DIR/bronze/booking/ (about 5% re-delivered
     duplicates, 1% without an event_id and 0.5% malformed lines); each run adds new files and new events
  2. Bronze -> Silver: text -> from_json(schema) -> filter(event_id is not null)
     -> dropDuplicates(["event_id"]) -> Delta append at DIR/silver/booking/
     (checkpoint DIR/_checkpoints/bronze_to_silver/)
  3. Silver -> Gold: readStream.format("delta") of Silver -> groupBy("user_id").count()
     -> Delta, complete mode, at DIR/gold/booking_summary/ (checkpoint DIR/_checkpoints/silver_to_gold/)
With --kafka, the events of step 1 are also produced to the Kafka topic T (default
booking_events) at BOOTSTRAP with the Kafka sink, and Bronze -> Silver reads them from Kafka
(startingOffsets earliest; checkpoint DIR/_checkpoints/bronze_to_silver_kafka/) as the seed's job
does: CAST(value AS STRING) -> from_json -> ... The Kafka connector needs Node.js 22.22+ or 24.6+.
Both jobs use trigger({ availableNow: true }): they process what is there and stop. Then the
command prints a summary and the top 10 users of the Gold table. Run it again to see the counts
grow: every event is counted exactly once.

Options:
  --lake DIR     the lake folder (default ./${DEFAULT_DEMO_LAKE})
  --events N     events to generate in this run (default ${DEFAULT_DEMO_EVENTS})
  --kafka B      read Bronze from Kafka at bootstrap servers B (host:port,...)
  --topic T      the Kafka topic (default booking_events)
  --verbose      print stack traces and causes on errors
`;

/** Users the generated events are spread over: few enough that the Gold counts say something. */
const DEMO_USERS = 1_000;

/** Where `--kafka` sends Bronze: bootstrap servers and topic. */
export interface DemoKafka {
  readonly bootstrap: string;
  readonly topic: string;
}

/** What one demo run did. */
export interface DemoReport {
  /** Absolute lake folder. */
  readonly lake: string;
  /** 1 for the first run on this lake, then 2, 3 … */
  readonly run: number;
  readonly generated: BookingEventsTruth;
  /** Lines the Silver job read in this run. */
  readonly linesRead: number;
  readonly silverRowsBefore: number;
  readonly silverRowsAfter: number;
  readonly silverVersion: number;
  readonly goldVersion: number;
  /** Gold rows (users). */
  readonly goldRows: number;
  /** The top 10 Gold rows by count (then user id). */
  readonly top: readonly { readonly user_id: string; readonly count: bigint }[];
}

/** Runs `sluice demo` with the arguments after `demo`; resolves to the exit code. */
export async function demoCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { lake: "string", events: "string", kafka: "string", topic: "string" }, "demo", DEMO_HELP);
  if (parsed.positionals.length > 0) throw new UsageError(`demo: unexpected argument '${parsed.positionals[0]}'`, DEMO_HELP);
  const events = numberOption(parsed, "events", DEFAULT_DEMO_EVENTS, { min: 1, max: 10_000_000, integer: true }, "demo", DEMO_HELP);
  const lake = resolve(parsed.strings.get("lake") ?? DEFAULT_DEMO_LAKE);
  const bootstrap = parsed.strings.get("kafka");
  const topic = parsed.strings.get("topic");
  if (topic !== undefined && bootstrap === undefined) throw new UsageError("demo: --topic needs --kafka", DEMO_HELP);
  await runDemo(lake, events, io.out, bootstrap === undefined ? null : { bootstrap, topic: topic ?? "booking_events" });
  return 0;
}

/**
 * One demo run on the lake folder `lake` (created if missing) with `events` new events; `log`
 * receives the progress lines and the summary.
 */
export async function runDemo(lake: string, events: number, log: (s: string) => void, kafka: DemoKafka | null = null): Promise<DemoReport> {
  const started = Date.now();
  const bronze = join(lake, "bronze", "booking");
  const silver = join(lake, "silver", "booking");
  const gold = join(lake, "gold", "booking_summary");
  const run = (await lastRun(bronze)) + 1;
  log(`sluice demo: lake ${lake} (run ${run})\n`);

  const generated = await writeBookingEvents(bronze, {
    events,
    files: Math.max(1, Math.min(8, Math.ceil(events / 5_000))),
    seed: 42 + run,
    filePrefix: `booking-r${String(run).padStart(4, "0")}-`,
    idPrefix: `e${run}-`,
    users: DEMO_USERS,
  });
  log(
    `  bronze  wrote ${formatCount(events)} events to bronze/booking/ in ${generated.files.length} file${generated.files.length === 1 ? "" : "s"}: ` +
      `${formatCount(generated.validDistinct)} new, ${formatCount(generated.duplicateLines)} re-delivered duplicates, ` +
      `${formatCount(generated.missingIdLines)} without event_id, ${formatCount(generated.malformedLines)} malformed\n`,
  );

  const silverRowsBefore = await tableRows(silver);
  const spark = SparkSession.builder.appName("sluice-demo").getOrCreate();
  try {
    let raw: DataFrame;
    if (kafka === null) {
      raw = spark.readStream.format("text").load(bronze);
    } else {
      // This run's lines go to the topic through the Kafka sink, as a producing service would send them.
      const lines: { value: string }[] = [];
      for (const f of generated.files) for (const line of (await readFile(f, "utf8")).split("\n")) if (line !== "") lines.push({ value: line });
      await spark.createDataFrame(lines, "value STRING").write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", kafka.topic).save();
      log(`  kafka   produced ${formatCount(lines.length)} messages to topic ${kafka.topic} at ${kafka.bootstrap}\n`);
      raw = spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("subscribe", kafka.topic).option("startingOffsets", "earliest").load();
    }
    const bronzeToSilver = raw
      .selectExpr("CAST(value AS STRING)")
      .select(from_json(col("value"), BOOKING_EVENT_DDL).alias("data"))
      .select("data.*")
      .filter(col("event_id").isNotNull())
      .dropDuplicates(["event_id"])
      .writeStream.format("delta")
      .queryName("bronze_to_silver")
      .option("path", silver)
      .option("checkpointLocation", join(lake, "_checkpoints", kafka === null ? "bronze_to_silver" : "bronze_to_silver_kafka"))
      .outputMode("append")
      .trigger({ availableNow: true })
      .start();
    await bronzeToSilver.awaitTermination();
    const linesRead = inputRows(bronzeToSilver);
    const silverSnapshot = await snapshotOf(silver);
    const silverRowsAfter = silverSnapshot.rows;
    const added = silverRowsAfter - silverRowsBefore;
    log(
      `  silver  read ${formatCount(linesRead)} lines, appended ${formatCount(added)} rows, dropped ${formatCount(linesRead - added)} ` +
        `(duplicates, malformed lines, missing event_id); silver/booking/ has ${formatCount(silverRowsAfter)} rows (version ${silverSnapshot.version})\n`,
    );

    const silverToGold = spark.readStream
      .format("delta")
      .load(silver)
      .groupBy("user_id")
      .count()
      .writeStream.format("delta")
      .queryName("silver_to_gold")
      .option("path", gold)
      .option("checkpointLocation", join(lake, "_checkpoints", "silver_to_gold"))
      .outputMode("complete")
      .trigger({ availableNow: true })
      .start();
    await silverToGold.awaitTermination();
    const goldContent = await readGold(gold);
    log(`  gold    gold/booking_summary/ has ${formatCount(goldContent.rows.length)} users (version ${goldContent.version})\n`);

    const top = goldContent.rows.slice(0, 10);
    log(`\nTop 10 users by events (gold/booking_summary):\n`);
    log(
      formatResult(
        [
          { name: "user_id", kind: "other" },
          { name: "count", kind: "integer" },
        ],
        top.map((r): JsonValue[] => [r.user_id, r.count.toString()]),
        "table",
      ),
    );
    log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Run it again to land more events, or query the tables:\n`);
    // Single quotes: a shell would run back-quoted text inside double quotes.
    log(`  npx sluice query 'SELECT event_type, count(*) AS events FROM delta.\`${shown(silver)}\` GROUP BY event_type ORDER BY events DESC'\n`);
    log(`  npx sluice query 'SELECT * FROM delta.\`${shown(gold)}\` ORDER BY count DESC LIMIT 5'\n`);
    log(`  npx sluice table history ${shown(silver)}\n`);
    return {
      lake,
      run,
      generated,
      linesRead,
      silverRowsBefore,
      silverRowsAfter,
      silverVersion: silverSnapshot.version,
      goldVersion: goldContent.version,
      goldRows: goldContent.rows.length,
      top,
    };
  } finally {
    await spark.stop();
  }
}

/** `path` relative to the working directory when it is below it (`./lake/silver`), else absolute. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) || /['\s]/.test(rel) ? path : `./${rel}`;
}

/** The highest run number among the landing files (`booking-r0001-00000.json` …), 0 when none. */
async function lastRun(bronze: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(bronze);
  } catch {
    return 0;
  }
  let max = 0;
  for (const n of names) {
    const m = /^booking-r(\d+)-\d+\.json$/.exec(n);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Rows read by a finished query over all its batches. */
function inputRows(q: StreamingQuery): number {
  let n = 0;
  for (const p of q.recentProgress) n += p.numInputRows;
  return n;
}

/** Rows of the Delta table at `path` (0 when there is none yet). */
async function tableRows(path: string): Promise<number> {
  try {
    return (await snapshotOf(path)).rows;
  } catch {
    return 0;
  }
}

/** The latest version of the table at `path` and its row count (from file statistics, else by reading it). */
async function snapshotOf(path: string): Promise<{ readonly version: number; readonly rows: number }> {
  const { storage, key } = resolveLocation(path);
  const snapshot = await loadSnapshot(storage, key);
  let rows = 0;
  for (const f of snapshot.files) {
    const n = recordCount(f.stats);
    if (n === null) {
      const content = await readDeltaTable(storage, key, { version: snapshot.version });
      return { version: snapshot.version, rows: content.batches.reduce((s, b) => s + b.numRows, 0) };
    }
    rows += n;
  }
  return { version: snapshot.version, rows };
}

/** `numRecords` of a file's stats JSON, or null when absent or unreadable. */
function recordCount(stats: string | undefined): number | null {
  if (stats === undefined) return null;
  try {
    const v: unknown = JSON.parse(stats);
    return typeof v === "object" && v !== null && "numRecords" in v && typeof v.numRecords === "number" ? v.numRecords : null;
  } catch {
    return null;
  }
}

/** The Gold table's rows sorted by count (descending) then user id. */
async function readGold(path: string): Promise<{ readonly version: number; readonly rows: { user_id: string; count: bigint }[] }> {
  const { storage, key } = resolveLocation(path);
  const content = await readDeltaTable(storage, key);
  const rows: { user_id: string; count: bigint }[] = [];
  for (const b of content.batches) {
    for (const r of batchToRows(b)) {
      const count = typeof r.count === "bigint" ? r.count : BigInt(Number(r.count ?? 0));
      rows.push({ user_id: String(r.user_id), count });
    }
  }
  rows.sort((a, b) => (a.count !== b.count ? (a.count > b.count ? -1 : 1) : a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
  return { version: content.version, rows };
}
