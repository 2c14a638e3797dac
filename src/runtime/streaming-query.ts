/**
 * A running streaming query: the micro-batch loop and its exactly-once protocol (DESIGN §5).
 *
 * For each micro-batch N:
 * 1. ask every source for its end offset (sources persist their own metadata first, e.g. the file
 *    source's seen-files log), and write `offsets/N` put-if-absent before any data is read;
 * 2. read exactly `(end of N-1, end of N]`; stateful operators start from state version N;
 * 3. the sink commits batch N idempotently (a batch it already has is skipped);
 * 4. operators commit state version N+1, sources release, and `commits/N` is written.
 * Once `offsets/N` is written, the `offsets/` and `commits/` files that fall out of
 * `spark.sql.streaming.minBatchesToRetain` are deleted by name (Spark purges at the same point).
 * On restart a batch with `offsets/N` but no `commits/N` is re-run with the same offsets, so a crash
 * at any instant loses nothing and duplicates nothing.
 */
import { randomUUID } from "node:crypto";
import type { Batch } from "../columnar/batch.js";
import type { Checkpoint } from "../checkpoint/checkpoint.js";
import type { StreamSink } from "../connectors/sink.js";
import type { StreamSource, OffsetJson, ReadLimit, ReadProgress } from "../connectors/source.js";
import { createSource } from "./physical-source.js";
import { CorruptCheckpointError, SluiceError, InternalError } from "../errors.js";
import type { BatchContext, EventTimeStats } from "../exec/operator.js";
import { WATERMARK_POLICY, WatermarkTracker, watermarkPolicy } from "./watermark-tracker.js";
import type { OutputMode } from "../plan/logical.js";
import type { PhysicalPlan, FragmentRunner } from "../exec/planner.js";
import { StaticSideCache } from "./static-side-cache.js";
import { executePhysical, planPhysical } from "../exec/planner.js";
import { FragmentExecutor } from "./fragment-executor.js";
import type { ParallelismSettings } from "./fragment-executor.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { EXPECTATIONS_METRICS } from "../plan/analyze.js";
import { writeQuarantine } from "./quarantine.js";
import type { QuarantineTarget } from "./quarantine.js";
import type { StreamingQueryProgress, StreamingQueryStatus, SourceProgress } from "./progress.js";
import { expectationsRow, offsetForProgress } from "./progress.js";
import type { Trigger } from "./trigger.js";
import { log } from "../log.js";
import { checkTimeoutSeconds, resolvesWithin } from "./timeout.js";
import { streamingRetention } from "../checkpoint/retention.js";
import type { StreamingRetention } from "../checkpoint/retention.js";

/** Everything a query needs to run; built by `DataStreamWriter.start()`. */
export interface QuerySpec {
  readonly name: string | null;
  readonly plan: ResolvedPlan;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  /** Opens (or creates) the checkpoint; called once when the query starts running. */
  readonly openCheckpoint: () => Promise<Checkpoint>;
  readonly createSink: (queryId: string) => StreamSink;
  /** Session settings recorded in `offsets/N` (`conf`). */
  readonly conf: Readonly<Record<string, string>>;
  /**
   * Every session setting when the query started, handed to sources (`SourceContext.sessionConf`);
   * the retention settings in it (`streamingRetention`) bound the checkpoint and the state store.
   */
  readonly sessionConf: Readonly<Record<string, string>>;
  /** Idle wait between checks for new data under the default trigger. */
  readonly pollingDelayMs: number;
  /** How many progress reports `recentProgress` keeps. */
  readonly numRecentProgress: number;
  /** Worker threads for stateless fragments, and the input size below which they are not used. */
  readonly parallelism: ParallelismSettings;
  /** Where `expectOrQuarantine` rules send rows; null without such rules. */
  readonly quarantine?: QuarantineTarget | null;
}

/** Callbacks the query manager receives. */
export interface QueryEvents {
  /** The checkpoint is open and the id known; throws to refuse the start (same id already active). */
  onStarted(q: StreamingQuery): void;
  onProgress(q: StreamingQuery, p: StreamingQueryProgress): void;
  onIdle(q: StreamingQuery): void;
  onTerminated(q: StreamingQuery, error: SluiceError | null): void;
}

export class StreamingQuery {
  /** New on every start. */
  readonly runId: string;
  readonly name: string | null;

  private readonly spec: QuerySpec;
  private readonly events: QueryEvents;
  private readonly progress: StreamingQueryProgress[] = [];
  /** The quarantine table's sink while the query runs (see `quarantine.ts`); null without one. */
  private quarantineSink: StreamSink | null = null;
  private statusValue: StreamingQueryStatus = { message: "Initializing sources", isDataAvailable: false, isTriggerActive: false };
  private error: SluiceError | null = null;
  private active = true;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;
  /** `checks` when the waiter registered: only an idle check that started later satisfies it. */
  private drainWaiters: { resolve: () => void; registeredAt: number }[] = [];
  /** Number of offset checks started so far. */
  private checks = 0;
  private batchesCompleted = 0;
  private lastBatchId = -1;
  private fragments: FragmentExecutor | null = null;
  /** The batch being run: when it started and its sources (for {@link batchProgress}). */
  private inFlight: { readonly startedMs: number; readonly sources: readonly StreamSource[] } | null = null;
  /** The static sides of stream–static joins, kept while their Delta tables are unchanged. */
  private staticSides: StaticSideCache | null = null;
  private watermark: WatermarkTracker | null = null;
  /** The watermark the previous batch ran with: this batch's stateful operators drop late rows by it. */
  private previousWatermarkMs = 0;

  constructor(spec: QuerySpec, events: QueryEvents) {
    this.spec = spec;
    this.events = events;
    this.runId = randomUUID();
    this.name = spec.name;
    this.started = new Promise<void>((resolve) => {
      this.markStarted = resolve;
    });
    this.done = this.run();
  }

  /** Resolves once the checkpoint is open and `id` is known (or the query failed to start). */
  readonly started: Promise<void>;
  private markStarted: () => void = () => undefined;
  private checkpointValue: Checkpoint | null = null;

  /**
   * The query id, stable across restarts (stored in the checkpoint's `metadata`). Known once
   * `started` has resolved; reading it earlier throws.
   */
  get id(): string {
    if (this.checkpointValue === null) {
      throw new InternalError("query: the id is known once the checkpoint is open; await query.started first");
    }
    return this.checkpointValue.id;
  }

  /** The id, or null while the checkpoint is not open yet. */
  get idOrNull(): string | null {
    return this.checkpointValue?.id ?? null;
  }

  get status(): StreamingQueryStatus {
    return this.statusValue;
  }

  /** The most recent progress report, or null before the first batch. */
  get lastProgress(): StreamingQueryProgress | null {
    return this.progress.length === 0 ? null : this.progress[this.progress.length - 1];
  }

  /** Recent progress reports, oldest first. */
  get recentProgress(): readonly StreamingQueryProgress[] {
    return [...this.progress];
  }

  /** The error that stopped the query, or null. */
  get exception(): SluiceError | null {
    return this.error;
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * Waits for the query to end, as Spark's `awaitTermination([timeout])`. Without a timeout,
   * resolves `true` when the query stops and rejects with the query's error if it failed. With
   * `timeoutSeconds` (seconds, as PySpark; fractions allowed), resolves `true` if the query ended
   * within that time and `false` if it is still running; a query that failed rejects either way.
   * @throws ConfigError when `timeoutSeconds` is negative or not a finite number.
   * @example await query.awaitTermination() ; const ended = await query.awaitTermination(10)
   */
  async awaitTermination(timeoutSeconds?: number): Promise<boolean> {
    if (timeoutSeconds === undefined) {
      await this.done;
    } else {
      const seconds = checkTimeoutSeconds(timeoutSeconds, "awaitTermination");
      if (!(await resolvesWithin(this.done, seconds))) return false;
    }
    if (this.error !== null) throw this.error;
    return true;
  }

  /**
   * Resolves once every record available when called has been processed and committed to the sink
   * (for tests and notebooks). Rejects if the query fails first.
   */
  async processAllAvailable(): Promise<void> {
    if (!this.active) {
      if (this.error !== null) throw this.error;
      return;
    }
    await new Promise<void>((resolve) => {
      this.drainWaiters.push({ resolve, registeredAt: this.checks });
      this.wake?.();
    });
    if (this.error !== null) throw this.error;
  }

  /** Stops the query after the batch in flight (if any) completes, then releases sources and sink. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wake?.();
    await this.done;
  }

  /**
   * How far the batch in flight has read its input, where its sources know their size (file
   * sources: files, the current one by its bytes), with when the batch started; null between
   * batches or when unknown. For progress displays.
   */
  get batchProgress(): (ReadProgress & { readonly batchStartedMs: number }) | null {
    const b = this.inFlight;
    if (b === null) return null;
    const parts = [this.fragments?.readProgress() ?? null, ...b.sources.map((s) => s.readProgress?.() ?? null)].filter((p): p is ReadProgress => p !== null);
    if (parts.length === 0) return null;
    const unit = parts[0].unit;
    const same = parts.filter((p) => p.unit === unit);
    return { done: same.reduce((n, p) => n + p.done, 0), total: same.reduce((n, p) => n + p.total, 0), unit, batchStartedMs: b.startedMs };
  }

  /** The trigger as Spark prints it: `ProcessingTime(60000 ms)`, `AvailableNow`, `Once`, or `ProcessingTime(0 ms)` for the default. */
  get triggerDescription(): string {
    const t = this.spec.trigger;
    switch (t.kind) {
      case "default":
        return "ProcessingTime(0 ms)";
      case "processingTime":
        return `ProcessingTime(${t.intervalMs} ms)`;
      case "availableNow":
        return "AvailableNow";
      case "once":
        return "Once";
    }
  }

  /** The physical plan as text (`explain()` on a running query). */
  explain(): string {
    return `== Streaming query ${this.name ?? this.idOrNull ?? this.runId} ==\noutputMode: ${this.spec.outputMode}\ntrigger: ${this.spec.trigger.kind}`;
  }

  private async run(): Promise<void> {
    await Promise.resolve();
    const sources: StreamSource[] = [];
    let sink: StreamSink | null = null;
    try {
      const retention = streamingRetention(this.spec.sessionConf);
      const cp = await this.spec.openCheckpoint();
      this.checkpointValue = cp;
      this.events.onStarted(this);
      this.markStarted();
      const physical = planPhysical(this.spec.plan, {
        outputMode: this.spec.outputMode,
        stateFor: (operatorId) => ({ storage: cp.storage, prefix: cp.statePrefix(operatorId), emptyAtVersion: cp.stateEmptyAtVersion }),
        stateOptions: { minBatchesToRetain: retention.minBatchesToRetain, minDeltasForSnapshot: retention.minDeltasForSnapshot },
      });
      for (const [i, s] of physical.sources.entries()) {
        const src = createSource(s, true);
        sources.push(src);
        await src.open({ storage: cp.storage, metadataPrefix: cp.sourcePrefix(i), sessionConf: this.spec.sessionConf });
      }
      sink = this.spec.createSink(this.id);
      this.quarantineSink = this.spec.quarantine?.createSink(this.id) ?? null;
      if (log.enabled("info")) {
        log.info("query.started", `query ${this.name ?? this.id} started`, {
          query: this.id,
          runId: this.runId,
          name: this.name,
          trigger: this.triggerDescription,
          outputMode: this.spec.outputMode,
          checkpoint: cp.url,
          sources: physical.sources.map((s, i) => ({ format: s.node.format, description: sources[i].description, options: s.node.options })),
        });
      }
      await this.loop(cp, physical, sources, sink, retention);
    } catch (e) {
      this.error = e instanceof SluiceError ? e : new InternalError(`query: ${describe(e)}`, { cause: e });
    } finally {
      this.markStarted();
      await this.fragments?.close();
      for (const s of sources) await s.stop().catch(() => undefined);
      if (sink?.stop !== undefined) await sink.stop().catch(() => undefined);
      await this.quarantineSink?.stop?.().catch(() => undefined);
      this.quarantineSink = null;
      this.active = false;
      this.inFlight = null;
      this.statusValue = { message: "Stopped", isDataAvailable: false, isTriggerActive: false };
      for (const w of this.drainWaiters) w.resolve();
      this.drainWaiters = [];
      // A failure is info too: the error reaches the caller (awaitTermination, exception), who reports it.
      if (this.error === null) log.info("query.stopped", `query ${this.name ?? this.idOrNull ?? this.runId} stopped`, { query: this.idOrNull ?? undefined, runId: this.runId });
      else log.info("query.failed", `query ${this.name ?? this.idOrNull ?? this.runId} failed: ${this.error.message}`, { query: this.idOrNull ?? undefined, runId: this.runId, code: this.error.code });
      this.events.onTerminated(this, this.error);
    }
  }

  private async loop(
    cp: Checkpoint,
    physical: PhysicalPlan,
    sources: readonly StreamSource[],
    sink: StreamSink,
    retention: StreamingRetention,
  ): Promise<void> {
    const trigger = this.spec.trigger;
    const recovery = await cp.recover();
    let batchId = recovery.nextBatchId;
    let start: (OffsetJson | null)[] = normalizeOffsets(recovery.startOffsets?.offsets, sources.length);
    // As Spark, a restarted query keeps the watermark policy its checkpoint recorded.
    const recorded = (recovery.rerun?.offsets ?? recovery.startOffsets)?.metadata?.conf[WATERMARK_POLICY];
    const policy = watermarkPolicy(recorded === undefined ? this.spec.sessionConf : { [WATERMARK_POLICY]: recorded });
    const conf = { ...this.spec.conf, [WATERMARK_POLICY]: policy };
    const watermark = new WatermarkTracker(policy);
    this.watermark = watermark;
    this.previousWatermarkMs = recovery.startOffsets?.metadata?.batchWatermarkMs ?? 0;
    if (recovery.rerun !== null) {
      const end = normalizeOffsets(recovery.rerun.offsets.offsets, sources.length);
      const ts = recovery.rerun.offsets.metadata?.batchTimestampMs ?? Date.now();
      watermark.set(recovery.rerun.offsets.metadata?.batchWatermarkMs ?? 0);
      this.statusValue = { message: `Re-running batch ${batchId} after a restart`, isDataAvailable: true, isTriggerActive: true };
      await this.runBatch(cp, physical, sources, sink, batchId, start, end, ts, Date.now());
      start = end;
      batchId++;
      if (trigger.kind === "once") return;
    }
    watermark.set(recovery.watermarkMs);
    if (trigger.kind === "availableNow") {
      for (const s of sources) await s.prepareForTriggerAvailableNow?.();
    }
    const limit: ReadLimit =
      trigger.kind === "availableNow" ? { kind: "availableNow" } : trigger.kind === "once" ? { kind: "all" } : { kind: "default" };
    while (!this.stopRequested) {
      const triggerStart = Date.now();
      const check = ++this.checks;
      this.statusValue = { message: "Getting offsets from sources", isDataAvailable: false, isTriggerActive: true };
      const end: (OffsetJson | null)[] = [];
      for (const [i, s] of sources.entries()) end.push((await s.latestOffset(start[i], limit)) ?? start[i]);
      const latestOffsetMs = Date.now() - triggerStart;
      const hasData = end.some((e, i) => e !== null && e !== start[i]);
      // Spark's no-data batch: when the watermark moved (or a processing-time timeout is due),
      // stateful operators get a batch without input to emit and evict (asked at every check).
      const another = !hasData && physical.operators.some((op) => op.shouldRunAnotherBatch?.(watermark.currentMs) === true);
      if (!hasData && !another) {
        this.statusValue = { message: "Waiting for data to arrive", isDataAvailable: false, isTriggerActive: false };
        this.resolveDrainWaiters(check);
        this.events.onIdle(this);
        if (trigger.kind === "once" || trigger.kind === "availableNow") return;
        if (trigger.kind === "processingTime") await this.sleepUntil(nextTriggerTime(triggerStart, trigger.intervalMs));
        else await this.sleep(this.spec.pollingDelayMs);
        continue;
      }
      const batchTimestampMs = Date.now();
      const written = await cp.writeOffsets(batchId, { batchWatermarkMs: watermark.currentMs, batchTimestampMs, conf }, end);
      if (!written) {
        throw new CorruptCheckpointError(
          `query: offsets/${batchId} already exists in ${cp.url}; another query is running with this checkpoint location`,
          { path: cp.url, batchId },
        );
      }
      await cp.purge(batchId, retention.minBatchesToRetain);
      const walCommitMs = Date.now() - triggerStart - latestOffsetMs;
      await this.runBatch(cp, physical, sources, sink, batchId, start, end, batchTimestampMs, triggerStart, latestOffsetMs, walCommitMs);
      start = end;
      batchId++;
      if (trigger.kind === "once") return;
      if (trigger.kind === "processingTime") await this.sleepUntil(nextTriggerTime(triggerStart, trigger.intervalMs));
    }
  }

  private async runBatch(
    cp: Checkpoint,
    physical: PhysicalPlan,
    sources: readonly StreamSource[],
    sink: StreamSink,
    batchId: number,
    start: readonly (OffsetJson | null)[],
    end: readonly (OffsetJson | null)[],
    batchTimestampMs: number,
    triggerStart: number,
    latestOffsetMs = 0,
    walCommitMs = 0,
  ): Promise<void> {
    const hasData = end.some((e, i) => e !== null && e !== start[i]);
    this.statusValue = { message: hasData ? `Processing new data (batch ${batchId})` : `Running a batch without new data (batch ${batchId})`, isDataAvailable: hasData, isTriggerActive: true };
    const watermark = this.watermark ?? new WatermarkTracker("min");
    const watermarkMs = watermark.currentMs;
    const ctx: BatchContext = { batchId, watermarkMs, lateEventsWatermarkMs: this.previousWatermarkMs, batchTimestampMs, outputMode: this.spec.outputMode };
    const t0 = Date.now();
    this.inFlight = { startedMs: triggerStart, sources };
    for (const op of physical.operators) await op.open?.(ctx);
    const rowsPerSource = sources.map(() => 0);
    const inputs = sources.map((s, i) => () => countRows(readRange(s, start[i], end[i]), (n) => (rowsPerSource[i] += n)));
    this.fragments ??= new FragmentExecutor(this.spec.parallelism);
    const fragments = this.fragments;
    const runFragment: FragmentRunner = (fragment, local) => {
      const i = fragment.sourceIndex;
      return fragments.run(fragment, sources[i], start[i], end[i], ctx, local, (n) => (rowsPerSource[i] += n));
    };
    // The static side of a stream–static join is as it is now (a Delta table's latest version), as
    // Spark re-plans it per batch; its rows are kept while its Delta tables have no new version.
    this.staticSides ??= new StaticSideCache(this.spec.parallelism);
    const staticSides = this.staticSides;
    const data = executePhysical(physical.root, inputs, runFragment, (plan) => staticSides.run(plan));
    const tAdd = Date.now();
    const { numOutputRows, metrics: sinkMetrics } = await sink.addBatch({ batchId, schema: this.spec.plan.schema, outputMode: this.spec.outputMode, data });
    // A sink that skipped the batch (already committed) may not have pulled the input; stateful
    // operators must still see all of it before their state is committed.
    for await (const _ of data) void _;
    // Rows the expectations quarantined go to their table before the batch commits (see quarantine.ts).
    const quarantine = this.spec.quarantine ?? null;
    const quarantinedRecords =
      quarantine === null || this.quarantineSink === null
        ? 0
        : await writeQuarantine(this.quarantineSink, quarantine.schema, physical.operators.flatMap((op) => op.quarantined?.() ?? []), { batchId, batchTimestampMs });
    const addBatchMs = Date.now() - tAdd;
    const eventTimes = physical.operators.flatMap((op) => (op.eventTimeStats === undefined ? [] : [op.eventTimeStats()]));
    const expectations = physical.operators.flatMap((op) => op.expectationMetrics?.() ?? []);
    watermark.update(eventTimes);
    this.previousWatermarkMs = watermarkMs;
    const tCommit = Date.now();
    for (const op of physical.operators) await op.commit?.();
    for (const [i, s] of sources.entries()) {
      const e = end[i];
      if (e !== null) await s.commit(e);
    }
    await cp.writeCommit(batchId, watermark.currentMs);
    const commitMs = Date.now() - tCommit;
    this.inFlight = null;
    const finished = Date.now();
    const numInputRows = rowsPerSource.reduce((a, b) => a + b, 0);
    const duration = Math.max(1, finished - triggerStart);
    const previous = this.lastProgress;
    const sinceLast = previous === null ? 0 : (finished - Date.parse(previous.timestamp)) / 1000;
    const inputRate = (n: number) => (sinceLast > 0 ? n / sinceLast : 0);
    const sourceProgress: SourceProgress[] = sources.map((s, i) => ({
      description: s.description,
      startOffset: offsetForProgress(start[i]),
      endOffset: offsetForProgress(end[i]),
      latestOffset: offsetForProgress(s.reportLatestOffset?.() ?? end[i]),
      numInputRows: rowsPerSource[i],
      inputRowsPerSecond: inputRate(rowsPerSource[i]),
      processedRowsPerSecond: (rowsPerSource[i] * 1000) / duration,
      metrics: s.metrics?.() ?? {},
    }));
    const progress: StreamingQueryProgress = {
      id: this.id,
      runId: this.runId,
      name: this.name,
      timestamp: new Date(triggerStart).toISOString(),
      batchId,
      batchDuration: duration,
      numInputRows,
      inputRowsPerSecond: inputRate(numInputRows),
      processedRowsPerSecond: (numInputRows * 1000) / duration,
      durationMs: {
        addBatch: addBatchMs,
        commitOffsets: commitMs,
        latestOffset: latestOffsetMs,
        queryPlanning: tAdd - t0,
        triggerExecution: duration,
        walCommit: walCommitMs,
      },
      eventTime: eventTimeProgress(eventTimes, watermarkMs, hasData),
      stateOperators: physical.operators.flatMap((op) => {
        const m = op.stateMetrics?.() ?? null;
        return m === null ? [] : [m];
      }),
      sources: sourceProgress,
      sink: { description: sink.description, numOutputRows, metrics: sinkMetrics ?? {} },
      observedMetrics: Object.assign(
        {},
        ...physical.operators.map((op) => op.observedMetrics?.() ?? {}),
        expectations.length === 0 ? {} : { [EXPECTATIONS_METRICS]: expectationsRow(expectations) },
      ) as Record<string, unknown>,
      ...(expectations.length === 0
        ? {}
        : { dataQuality: { expectations, ...(quarantine === null ? {} : { quarantine: { path: quarantine.location, numRecords: quarantinedRecords } }) } }),
    };
    this.progress.push(progress);
    if (this.progress.length > this.spec.numRecentProgress) this.progress.shift();
    this.batchesCompleted++;
    this.lastBatchId = batchId;
    if (log.enabled("info")) {
      log.info("batch.committed", `batch ${batchId} committed: ${numInputRows} rows in, ${progress.sink.numOutputRows} out`, {
        query: this.id,
        batch: batchId,
        numInputRows,
        numOutputRows: progress.sink.numOutputRows,
        durationMs: progress.durationMs,
      });
    }
    this.events.onProgress(this, progress);
  }

  private resolveDrainWaiters(check: number): void {
    // A waiter is satisfied only by an idle check that started after it registered: data added
    // while a check was already asking the sources may not have been seen by it.
    const ready = this.drainWaiters.filter((w) => w.registeredAt < check);
    this.drainWaiters = this.drainWaiters.filter((w) => w.registeredAt >= check);
    for (const w of ready) w.resolve();
  }

  /**
   * Sleeps until the wall clock reaches `target` (or stop / processAllAvailable wakes the loop).
   * Timers may fire a millisecond early by `Date.now()`; starting a trigger before its boundary
   * would make the next boundary the same one and run two batches back to back.
   */
  private async sleepUntil(target: number): Promise<void> {
    while (!this.stopRequested && this.drainWaiters.length === 0 && Date.now() < target) await this.sleep(target - Date.now());
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopRequested) return Promise.resolve();
    if (this.drainWaiters.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** The id of the last completed batch, or -1. */
  get lastCompletedBatchId(): number {
    return this.lastBatchId;
  }
}

/**
 * Progress `eventTime`, as Spark reports it: with a watermark in the plan, `watermark` (the one
 * this batch ran with), and when the batch had input, `min`, `max` and `avg` (truncated) of the
 * first watermark operator that saw rows; ISO-8601 UTC with milliseconds.
 */
function eventTimeProgress(stats: readonly EventTimeStats[], watermarkMs: number, hasData: boolean): Record<string, string> {
  if (stats.length === 0) return {};
  const iso = (ms: number) => new Date(ms).toISOString();
  const seen = hasData ? stats.find((s) => s.count > 0) : undefined;
  const out: Record<string, string> = seen === undefined ? {} : { avg: iso(Math.trunc(seen.avg)), max: iso(seen.max), min: iso(seen.min) };
  out.watermark = iso(watermarkMs);
  return out;
}

function normalizeOffsets(offsets: ReadonlyArray<string | null> | undefined, n: number): (OffsetJson | null)[] {
  const out: (OffsetJson | null)[] = [];
  for (let i = 0; i < n; i++) out.push(offsets?.[i] ?? null);
  if (offsets !== undefined && offsets.length !== n) {
    throw new CorruptCheckpointError(
      `query: the checkpoint records ${offsets.length} sources but the query has ${n}; a checkpoint cannot be reused after changing the query's sources`,
    );
  }
  return out;
}

async function* readRange(s: StreamSource, start: OffsetJson | null, end: OffsetJson | null): AsyncGenerator<Batch> {
  if (end === null || end === start) return;
  yield* s.read(start, end);
}

async function* countRows(it: AsyncIterable<Batch>, add: (n: number) => void): AsyncGenerator<Batch> {
  for await (const b of it) {
    add(b.numRows);
    yield b;
  }
}

/** The first interval boundary after the trigger that started at `triggerStart`. */
function nextTriggerTime(triggerStart: number, intervalMs: number): number {
  return Math.floor(triggerStart / intervalMs) * intervalMs + intervalMs;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

