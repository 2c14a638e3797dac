/**
 * `spark.streams`: the active queries of a session and the listeners that hear about them.
 * Listener callbacks run synchronously in the query's loop; an exception thrown by a listener is
 * reported on stderr and otherwise ignored, as in Spark.
 */
import { AnalysisError } from "../errors.js";
import type { SluiceError } from "../errors.js";
import { log } from "../log.js";
import type { StreamingQueryProgress } from "./progress.js";
import { StreamingQuery } from "./streaming-query.js";
import { checkTimeoutSeconds, resolvesWithin } from "./timeout.js";
import type { QuerySpec, QueryEvents } from "./streaming-query.js";

export interface QueryStartedEvent {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
}
export interface QueryProgressEvent {
  readonly progress: StreamingQueryProgress;
}
export interface QueryIdleEvent {
  readonly id: string;
  readonly runId: string;
  readonly timestamp: string;
}
export interface QueryTerminatedEvent {
  readonly id: string;
  readonly runId: string;
  /** The error message when the query failed, else null. */
  readonly exception: string | null;
  readonly errorClassOnException: string | null;
}

/** Spark's `StreamingQueryListener`: implement any subset. */
export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void;
  onQueryProgress?(event: QueryProgressEvent): void;
  onQueryIdle?(event: QueryIdleEvent): void;
  onQueryTerminated?(event: QueryTerminatedEvent): void;
}

export class StreamingQueryManager {
  private readonly queries = new Map<string, StreamingQuery>();
  /** Started queries whose checkpoint is not open yet (no id). */
  private readonly pending = new Set<StreamingQuery>();
  private readonly listeners: StreamingQueryListener[] = [];
  private terminated: { query: StreamingQuery; error: SluiceError | null }[] = [];
  private terminationWaiters: (() => void)[] = [];

  /** Queries that are running now. */
  get active(): StreamingQuery[] {
    return [...new Set([...this.pending, ...this.queries.values()])].filter((q) => q.isActive);
  }

  /** The active query with this id (`query.id`), or null. */
  get(id: string): StreamingQuery | null {
    const q = this.queries.get(id);
    return q !== undefined && q.isActive ? q : null;
  }

  addListener(listener: StreamingQueryListener): void {
    this.listeners.push(listener);
  }

  removeListener(listener: StreamingQueryListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /**
   * Waits until any query of this session terminates (since the last `resetTerminated()`), as
   * Spark's `awaitAnyTermination([timeout])`: resolves `true`, or rejects with the error of a query
   * that failed. With `timeoutSeconds` (seconds, as PySpark; fractions allowed), resolves `false`
   * when no query terminated within that time.
   * @throws ConfigError when `timeoutSeconds` is negative or not a finite number.
   */
  async awaitAnyTermination(timeoutSeconds?: number): Promise<boolean> {
    const seconds = timeoutSeconds === undefined ? undefined : checkTimeoutSeconds(timeoutSeconds, "awaitAnyTermination");
    if (this.terminated.length === 0) {
      const ended = new Promise<void>((resolve) => this.terminationWaiters.push(resolve));
      if (seconds === undefined) await ended;
      else if (!(await resolvesWithin(ended, seconds))) return false;
    }
    const failed = this.terminated.find((t) => t.error !== null);
    if (failed?.error) throw failed.error;
    return true;
  }

  /** Forgets terminated queries, so `awaitAnyTermination` waits for a new one. */
  resetTerminated(): void {
    this.terminated = [];
  }

  /** Starts a query (called by `DataStreamWriter.start()`). */
  startQuery(spec: QuerySpec): StreamingQuery {
    if (spec.name !== null && this.active.some((q) => q.name === spec.name)) {
      throw new AnalysisError(`streams: cannot start query with name '${spec.name}' as a query with that name is already active`);
    }
    const events: QueryEvents = {
      onStarted: (q) => {
        const running = this.queries.get(q.id);
        if (running !== undefined && running !== q && running.isActive) {
          throw new AnalysisError(
            `streams: cannot start query with id ${q.id} as another query with the same id (same checkpoint location) is already active`,
          );
        }
        this.queries.set(q.id, q);
        this.emit((l) => l.onQueryStarted?.({ id: q.id, runId: q.runId, name: q.name, timestamp: new Date().toISOString() }));
      },
      onProgress: (_q, progress) => this.emit((l) => l.onQueryProgress?.({ progress })),
      onIdle: (q) => this.emit((l) => l.onQueryIdle?.({ id: q.id, runId: q.runId, timestamp: new Date().toISOString() })),
      onTerminated: (q, error) => {
        this.terminated.push({ query: q, error });
        this.pending.delete(q);
        this.emit((l) =>
          l.onQueryTerminated?.({
            id: q.idOrNull ?? "",
            runId: q.runId,
            exception: error === null ? null : error.message,
            errorClassOnException: error === null ? null : error.code,
          }),
        );
        const waiters = this.terminationWaiters;
        this.terminationWaiters = [];
        for (const w of waiters) w();
      },
    };
    const q = new StreamingQuery(spec, events);
    this.pending.add(q);
    return q;
  }

  private emit(call: (l: StreamingQueryListener) => void): void {
    for (const l of this.listeners) {
      try {
        call(l);
      } catch (e) {
        log.error("listener.failed", `streams: a listener threw: ${e instanceof Error ? e.message : String(e)}`, { error: e });
      }
    }
  }
}
