/**
 * What `sluice run` shows while a job's queries run (issue 14), from the same events Spark's
 * listeners get (`StreamingQueryListener`) and each query's status:
 * - `live` (the default on a TTY): one status block per query, redrawn in place on stderr
 *   (through `log-update`, not hand-written escape codes) every {@link REFRESH_MS} and at each
 *   event: name and id, batch, trigger, rates, rows, backlog, state rows, watermark, the last
 *   commit and how long the batch in flight has run;
 * - `lines` (the default off a TTY): one line per batch on stderr;
 * - `json`: each `StreamingQueryProgress` as one JSON line on stdout, in Spark's shape;
 * - `quiet`: nothing.
 * Every mode but `quiet` and `json` ends with a summary per query: batches, rows in and out, time,
 * and where the output went. Output goes to stderr so a job's own stdout stays its own.
 *
 * A monitor never fails the job: a rendering error is written once and the monitor goes quiet.
 */
import type { SparkSession } from "../api/session.js";
import type { StreamingQuery } from "../runtime/streaming-query.js";
import type { QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from "../runtime/query-manager.js";
import type { StreamingQueryProgress } from "../runtime/progress.js";

export type ProgressMode = "live" | "lines" | "json" | "quiet";

/** Redraws of the live block per second: enough for a running clock, cheap next to a batch. */
export const REFRESH_MS = 250;

/** Where the monitor writes; `err` is the live block's terminal. */
export interface MonitorOutput {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** The stream the live block redraws (process.stderr). */
  readonly terminal: NodeJS.WriteStream;
}

/** What the monitor knows of one query. */
interface QueryView {
  readonly id: string;
  readonly name: string | null;
  readonly startedMs: number;
  query: StreamingQuery | null;
  batches: number;
  rowsIn: number;
  rowsOut: number;
  last: StreamingQueryProgress | null;
  lastCommitMs: number | null;
  /** When the batch in flight started (status turned active), or null between batches. */
  inFlightSinceMs: number | null;
  /** A batch just committed: the status may still read active until the query's loop moves on. */
  justCommitted: boolean;
  endedMs: number | null;
  error: string | null;
}

export class RunMonitor implements StreamingQueryListener {
  private readonly queries = new Map<string, QueryView>();
  private session: SparkSession | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Live mode's renderer (log-update), null in the other modes. */
  private live: { (text: string): void; done(): void } | null = null;
  private broken = false;
  private finished = false;

  private constructor(
    readonly mode: ProgressMode,
    private readonly output: MonitorOutput,
    private readonly now: () => number,
  ) {}

  /** A monitor in `mode`; live mode loads `log-update` here, so attaching is synchronous. */
  static async create(mode: ProgressMode, output: MonitorOutput, now: () => number = Date.now): Promise<RunMonitor> {
    const m = new RunMonitor(mode, output, now);
    if (mode === "live") {
      const { createLogUpdate } = await import("log-update");
      m.live = createLogUpdate(output.terminal, { showCursor: true });
    }
    return m;
  }

  /** Listens to `session`'s queries (one session: the job's), and in live mode starts redrawing. */
  attach(session: SparkSession): void {
    if (this.session !== null) return;
    this.session = session;
    session.streams.addListener(this);
    if (this.mode !== "live") return;
    this.timer = setInterval(() => this.redraw(), REFRESH_MS);
    this.timer.unref();
  }

  onQueryStarted(e: QueryStartedEvent): void {
    this.queries.set(e.id, {
      id: e.id,
      name: e.name,
      startedMs: this.now(),
      // The manager registers a query before it reports its start, so it is found here.
      query: this.session?.streams.get(e.id) ?? null,
      batches: 0,
      rowsIn: 0,
      rowsOut: 0,
      last: null,
      lastCommitMs: null,
      inFlightSinceMs: null,
      justCommitted: false,
      endedMs: null,
      error: null,
    });
    this.redraw();
  }

  onQueryProgress(e: QueryProgressEvent): void {
    const p = e.progress;
    const v = this.queries.get(p.id);
    if (v === undefined) return;
    v.batches++;
    v.rowsIn += p.numInputRows;
    v.rowsOut += Math.max(0, p.sink.numOutputRows);
    v.last = p;
    v.lastCommitMs = this.now();
    v.inFlightSinceMs = null;
    v.justCommitted = true;
    this.guard(() => {
      if (this.mode === "json") this.output.out(`${JSON.stringify(p)}\n`);
      else if (this.mode === "lines") this.output.err(`${batchLine(p)}\n`);
    });
    this.redraw();
  }

  onQueryTerminated(e: QueryTerminatedEvent): void {
    const v = this.queries.get(e.id);
    if (v === undefined) return;
    v.endedMs = this.now();
    v.error = e.exception;
    v.inFlightSinceMs = null;
    this.redraw();
  }

  /**
   * Stops redrawing and writes the summary (not in `quiet` or `json` mode, nor with `withSummary`
   * false: a job that failed ends with its error alone); later calls do nothing.
   */
  finish(withSummary = true): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.session?.streams.removeListener(this);
    const live = this.live;
    if (live !== null) this.guard(() => live.done());
    if (!withSummary || this.mode === "quiet" || this.mode === "json" || this.queries.size === 0) return;
    this.guard(() => this.output.err(summary([...this.queries.values()], this.now())));
  }

  private redraw(): void {
    const live = this.live;
    if (live === null || this.broken) return;
    const t = this.now();
    for (const v of this.queries.values()) {
      const active = v.endedMs === null && !v.justCommitted && v.query?.status.isTriggerActive === true;
      v.justCommitted = false;
      if (active && v.inFlightSinceMs === null) v.inFlightSinceMs = t;
      if (!active) v.inFlightSinceMs = null;
    }
    this.guard(() => live([...this.queries.values()].map((v) => statusBlock(v, t)).join("\n")));
  }

  /** Runs `f`; the first failure is reported once and silences the monitor (the job goes on). */
  private guard(f: () => void): void {
    if (this.broken) return;
    try {
      f();
    } catch (e) {
      this.broken = true;
      if (this.timer !== null) clearInterval(this.timer);
      try {
        this.output.err(`sluice: progress display stopped: ${e instanceof Error ? e.message : String(e)}\n`);
      } catch {
        // stderr itself is gone: nothing left to tell.
      }
    }
  }
}

/** One line for a committed batch (the `lines` mode). */
export function batchLine(p: StreamingQueryProgress): string {
  const rows = `${count(p.numInputRows)} rows in, ${count(Math.max(0, p.sink.numOutputRows))} out in ${seconds(p.batchDuration)}`;
  const parts = [`sluice: ${label(p.name, p.id)} batch ${p.batchId}: ${rows}${p.numInputRows > 0 ? ` (${rate(p.processedRowsPerSecond)} rows/s)` : ""}`];
  const state = stateRows(p);
  if (state !== null) parts.push(`state ${count(state)} rows`);
  const wm = p.eventTime.watermark;
  if (wm !== undefined) parts.push(`watermark ${wm}`);
  const backlog = backlogOf(p, false);
  if (backlog !== null) parts.push(`backlog ${backlog}`);
  return parts.join(", ");
}

/** The live block of one query. */
export function statusBlock(v: QueryViewLike, nowMs: number): string {
  const p = v.last;
  const head = `${v.endedMs === null ? "▶" : v.error === null ? "■" : "✖"} ${label(v.name, v.id)}  batch ${p === null ? "-" : p.batchId}  trigger ${v.query?.triggerDescription ?? "-"}`;
  const lines = [head];
  if (p === null) {
    lines.push(`  starting (${seconds(nowMs - v.startedMs)})`);
  } else {
    lines.push(`  input ${rate(p.inputRowsPerSecond)} rows/s  processed ${rate(p.processedRowsPerSecond)} rows/s  rows in ${count(v.rowsIn)}  out ${count(v.rowsOut)}`);
    const extra: string[] = [];
    extra.push(`backlog ${backlogOf(p, true) ?? "-"}`);
    const state = stateRows(p);
    extra.push(`state ${state === null ? "-" : `${count(state)} rows`}`);
    extra.push(`watermark ${p.eventTime.watermark ?? "-"}`);
    lines.push(`  ${extra.join("  ")}`);
  }
  const bar = v.inFlightSinceMs === null ? null : progressBar(v.query?.batchProgress ?? null, nowMs);
  if (bar !== null) lines.push(`  ${bar}`);
  const commit = v.lastCommitMs === null ? "none yet" : `${seconds(nowMs - v.lastCommitMs)} ago`;
  const flight = v.inFlightSinceMs === null ? (v.endedMs === null ? "waiting for data" : v.error === null ? "stopped" : `failed: ${v.error}`) : `batch in flight ${seconds(nowMs - v.inFlightSinceMs)}`;
  lines.push(`  last commit ${commit}  ${flight}`);
  return lines.join("\n");
}

/** The fields of a query's view {@link statusBlock} reads. */
export type QueryViewLike = Pick<QueryView, "id" | "name" | "startedMs" | "last" | "rowsIn" | "rowsOut" | "lastCommitMs" | "inFlightSinceMs" | "endedMs" | "error"> & {
  readonly query: Pick<StreamingQuery, "triggerDescription" | "batchProgress"> | null;
};

const BAR_WIDTH = 24;

/**
 * `[██████░░░░]  40%  4.0 of 10 files  ETA 2.1 s` for the batch in flight, or null when its
 * sources do not know their size. The ETA assumes the rest goes as fast as what is done.
 */
export function progressBar(p: StreamingQuery["batchProgress"], nowMs: number): string | null {
  if (p === null || p.total <= 0) return null;
  const share = Math.max(0, Math.min(1, p.done / p.total));
  const filled = Math.round(share * BAR_WIDTH);
  const elapsed = nowMs - p.batchStartedMs;
  const eta = p.done > 0 && elapsed > 0 ? `  ETA ${seconds((elapsed * (p.total - p.done)) / p.done)}` : "";
  const done = Number.isInteger(p.done) ? count(p.done) : p.done.toFixed(1);
  return `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done} of ${count(p.total)} ${p.unit}${eta}`;
}

/** The end-of-run summary: one block per query. */
export function summary(views: readonly Pick<QueryView, "id" | "name" | "startedMs" | "endedMs" | "batches" | "rowsIn" | "rowsOut" | "last" | "error">[], nowMs: number): string {
  const out: string[] = [];
  for (const v of views) {
    const took = seconds((v.endedMs ?? nowMs) - v.startedMs);
    const where = v.last === null ? "" : `; output: ${v.last.sink.description}`;
    const how = v.error === null ? "" : `; failed: ${v.error}`;
    out.push(`sluice: ${label(v.name, v.id)}: ${v.batches} ${v.batches === 1 ? "batch" : "batches"}, ${count(v.rowsIn)} rows in, ${count(v.rowsOut)} out in ${took}${where}${how}`);
  }
  return `${out.join("\n")}\n`;
}

function label(name: string | null, id: string): string {
  return name === null ? `query ${id.slice(0, 8)}` : `${name} [${id.slice(0, 8)}]`;
}

function stateRows(p: StreamingQueryProgress): number | null {
  if (p.stateOperators.length === 0) return null;
  return p.stateOperators.reduce((n, s) => n + s.numRowsTotal, 0);
}

/**
 * What the sources have not read yet, from their metrics: files and bytes, or Kafka offsets;
 * `withEmpty` false leaves out the file sources with nothing outstanding.
 */
function backlogOf(p: StreamingQueryProgress, withEmpty: boolean): string | null {
  const parts: string[] = [];
  for (const s of p.sources) {
    const m = s.metrics;
    if (m.numFilesOutstanding !== undefined) {
      const files = Number(m.numFilesOutstanding);
      if (files > 0 || withEmpty) parts.push(`${count(files)} files (${bytes(Number(m.numBytesOutstanding ?? 0))})`);
    } else if (m.maxOffsetsBehindLatest !== undefined) {
      parts.push(`${count(Number(m.maxOffsetsBehindLatest))} offsets`);
    }
  }
  return parts.length === 0 ? null : parts.join(" + ");
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n >= 10 || n === 0 ? 0 : 1);
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
