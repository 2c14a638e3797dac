/**
 * `sluice run --metrics-port N`: Prometheus metrics of the job's streaming queries over HTTP
 * (`GET /metrics`), through `prom-client`, on loopback unless `--metrics-host` says otherwise.
 *
 * The figures are those of each query's last `StreamingQueryProgress`, under names that follow
 * Spark's streaming metrics source (`MetricsReporter`: `inputRate-total`, `processingRate-total`,
 * `latency`, `eventTime-watermark`, `states-rowsTotal`, `states-usedBytes`) in Prometheus' style,
 * labelled by query name and id, plus counters of batches and rows, each phase of `durationMs`,
 * per-source backlog (Kafka `maxOffsetsBehindLatest`, files and bytes not yet read), rows dropped
 * by the watermark, numeric `observedMetrics`, and the process' own metrics (CPU, memory, event
 * loop lag, GC). A misbehaving client (a reset connection, a slow reader) costs the server that
 * request only: the job never fails because of it.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Counter, Gauge, Registry } from "prom-client";
import type { SparkSession } from "../api/session.js";
import type { QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from "../runtime/query-manager.js";
import type { StreamingQueryProgress } from "../runtime/progress.js";
import { listen } from "./http-listen.js";

type Labels = "query" | "query_id";

/** The metrics of every query of one session, fed by the listener events. */
export class QueryMetrics implements StreamingQueryListener {
  readonly registry: Registry;
  private readonly names = new Map<string, string>();
  private readonly g: {
    inputRate: Gauge<Labels>;
    processingRate: Gauge<Labels>;
    latency: Gauge<Labels>;
    batchId: Gauge<Labels>;
    active: Gauge<Labels>;
    watermark: Gauge<Labels>;
    watermarkLag: Gauge<Labels>;
    stateRows: Gauge<Labels | "operator">;
    stateBytes: Gauge<Labels | "operator">;
    droppedByWatermark: Gauge<Labels | "operator">;
    duration: Gauge<Labels | "phase">;
    backlog: Gauge<Labels | "source" | "unit">;
    observed: Gauge<Labels | "name" | "metric">;
    lastCommit: Gauge<Labels>;
  };
  private readonly c: { batches: Counter<Labels>; inputRows: Counter<Labels>; outputRows: Counter<Labels> };

  private constructor(prom: typeof import("prom-client")) {
    const registry = new prom.Registry();
    this.registry = registry;
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new prom.Gauge<L>({ name, help, labelNames, registers: [registry] });
    const counter = (name: string, help: string) => new prom.Counter<Labels>({ name, help, labelNames: ["query", "query_id"], registers: [registry] });
    const q = ["query", "query_id"] as const;
    this.g = {
      inputRate: gauge("sluice_streaming_input_rows_per_second", "Rows per second arriving, last batch (Spark inputRate-total)", q),
      processingRate: gauge("sluice_streaming_processed_rows_per_second", "Rows per second processed, last batch (Spark processingRate-total)", q),
      latency: gauge("sluice_streaming_latency_milliseconds", "Duration of the last batch, triggerExecution (Spark latency)", q),
      batchId: gauge("sluice_streaming_last_batch_id", "Id of the last committed batch", q),
      active: gauge("sluice_streaming_query_active", "1 while the query runs, 0 once it stopped", q),
      watermark: gauge("sluice_streaming_event_time_watermark_seconds", "The event-time watermark as Unix seconds (Spark eventTime-watermark)", q),
      watermarkLag: gauge("sluice_streaming_event_time_watermark_lag_seconds", "Seconds between the last commit and the watermark", q),
      stateRows: gauge("sluice_streaming_state_rows", "Rows in a stateful operator's state (Spark states-rowsTotal)", [...q, "operator"]),
      stateBytes: gauge("sluice_streaming_state_memory_bytes", "Memory of a stateful operator's state (Spark states-usedBytes)", [...q, "operator"]),
      droppedByWatermark: gauge("sluice_streaming_rows_dropped_by_watermark", "Late rows a stateful operator dropped in the last batch", [...q, "operator"]),
      duration: gauge("sluice_streaming_batch_phase_milliseconds", "Time of each phase of the last batch (durationMs)", [...q, "phase"]),
      backlog: gauge("sluice_streaming_source_backlog", "What a source has not read yet: Kafka offsets behind latest (max over partitions), files or bytes", [...q, "source", "unit"]),
      observed: gauge("sluice_streaming_observed_metric", "Numeric observedMetrics of the last batch", [...q, "name", "metric"]),
      lastCommit: gauge("sluice_streaming_last_commit_timestamp_seconds", "When the last batch committed, Unix seconds", q),
    };
    this.c = {
      batches: counter("sluice_streaming_batches_total", "Batches committed"),
      inputRows: counter("sluice_streaming_input_rows_total", "Rows read by all batches"),
      outputRows: counter("sluice_streaming_output_rows_total", "Rows written by all batches"),
    };
    prom.collectDefaultMetrics({ register: registry, prefix: "sluice_" });
  }

  /** Loads prom-client (only when metrics are asked for) and builds the registry. */
  static async create(): Promise<QueryMetrics> {
    return new QueryMetrics(await import("prom-client"));
  }

  onQueryStarted(e: QueryStartedEvent): void {
    this.names.set(e.id, e.name ?? "");
    this.g.active.set(this.labels(e.id), 1);
  }

  onQueryProgress(e: QueryProgressEvent): void {
    const p = e.progress;
    this.names.set(p.id, p.name ?? "");
    const l = this.labels(p.id);
    this.c.batches.inc(l);
    this.c.inputRows.inc(l, p.numInputRows);
    this.c.outputRows.inc(l, Math.max(0, p.sink.numOutputRows));
    this.g.inputRate.set(l, p.inputRowsPerSecond);
    this.g.processingRate.set(l, p.processedRowsPerSecond);
    this.g.latency.set(l, p.durationMs.triggerExecution ?? p.batchDuration);
    this.g.batchId.set(l, p.batchId);
    const committed = Date.parse(p.timestamp) + p.batchDuration;
    this.g.lastCommit.set(l, committed / 1000);
    for (const [phase, ms] of Object.entries(p.durationMs)) this.g.duration.set({ ...l, phase }, ms);
    const wm = p.eventTime.watermark === undefined ? NaN : Date.parse(p.eventTime.watermark);
    if (!Number.isNaN(wm)) {
      this.g.watermark.set(l, wm / 1000);
      this.g.watermarkLag.set(l, (committed - wm) / 1000);
    }
    for (const [i, s] of p.stateOperators.entries()) {
      const op = { ...l, operator: `${i}:${s.operatorName}` };
      this.g.stateRows.set(op, s.numRowsTotal);
      this.g.stateBytes.set(op, s.memoryUsedBytes);
      this.g.droppedByWatermark.set(op, s.numRowsDroppedByWatermark);
    }
    this.backlog(p, l);
    for (const [name, row] of Object.entries(p.observedMetrics)) {
      if (typeof row !== "object" || row === null) continue;
      for (const [metric, v] of Object.entries(row as Record<string, unknown>)) {
        const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN;
        if (Number.isFinite(n)) this.g.observed.set({ ...l, name, metric }, n);
      }
    }
  }

  onQueryTerminated(e: QueryTerminatedEvent): void {
    this.g.active.set(this.labels(e.id), 0);
  }

  /** Listens to `session`'s queries. */
  attach(session: SparkSession): void {
    session.streams.addListener(this);
  }

  private backlog(p: StreamingQueryProgress, l: Record<Labels, string>): void {
    for (const [i, s] of p.sources.entries()) {
      const m = s.metrics;
      const source = `${i}:${s.description}`;
      if (m.maxOffsetsBehindLatest !== undefined) this.g.backlog.set({ ...l, source, unit: "offsets" }, Number(m.maxOffsetsBehindLatest));
      if (m.numFilesOutstanding !== undefined) this.g.backlog.set({ ...l, source, unit: "files" }, Number(m.numFilesOutstanding));
      if (m.numBytesOutstanding !== undefined) this.g.backlog.set({ ...l, source, unit: "bytes" }, Number(m.numBytesOutstanding));
    }
  }

  private labels(id: string): Record<Labels, string> {
    return { query: this.names.get(id) ?? "", query_id: id };
  }
}

/** A running metrics endpoint. */
export interface MetricsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `metrics` on `host:port` (`/metrics`; anything else is 404). Port 0 picks a free port.
 * @throws ConfigError when the address cannot be bound (in use, not local), naming it.
 */
export async function serveMetrics(metrics: QueryMetrics, port: number, host = "127.0.0.1"): Promise<MetricsEndpoint> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on("error", () => undefined);
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  });
  server.requestTimeout = 10_000;
  // A client that resets or stalls costs its own request only (see listen).
  const { origin } = await listen(server, port, host, "--metrics-port");
  return {
    url: `${origin}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
