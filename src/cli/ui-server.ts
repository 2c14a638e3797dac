/**
 * `sluice run --ui`: a small web dashboard of the job's streaming queries on loopback (issue 14),
 * after Spark UI's Structured Streaming tab. The page (`ui-page.ts`) lists the queries and, per
 * query, charts recent batches with uPlot (input and process rate, input rows, batch duration and
 * its `durationMs` phases, state rows, watermark), a table of recent batches with their progress
 * JSON, the plan (`explain()`), and the sources and sink.
 *
 * Endpoints: `GET /` (the page), `GET /assets/uplot.js|uplot.css` (uPlot, from this
 * installation: the page loads nothing from the network), `GET /api/state` (every query with its
 * recent progress), `GET /api/events` (Server-Sent Events: `query` when one starts or stops,
 * `progress` at each batch). What it serves is progress, status and plan text: no options, so no
 * secrets. A client that misbehaves (disconnects, stops reading, sends garbage) loses its
 * connection; the job never fails because of it, and at most {@link MAX_STREAMS} event streams are
 * open at once.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { SparkSession } from "../api/session.js";
import type { QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from "../runtime/query-manager.js";
import type { StreamingQueryProgress } from "../runtime/progress.js";
import type { StreamingQuery } from "../runtime/streaming-query.js";
import { listen } from "./http-listen.js";
import { UI_PAGE } from "./ui-page.js";

/** Event streams served at once; more are refused with 503. */
export const MAX_STREAMS = 32;
/** A stream whose client has this many bytes unread is dropped (it stopped reading). */
const MAX_BUFFERED = 1 << 20;

/** One query as the dashboard shows it. */
export interface QueryState {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly trigger: string;
  readonly active: boolean;
  readonly exception: string | null;
  readonly plan: string;
  readonly progress: readonly StreamingQueryProgress[];
}

/**
 * The dashboard's model of a session's queries: the queries themselves (each keeps its recent
 * progress, `spark.sql.streaming.numRecentProgressUpdates` of them, its status and its plan), and
 * their listener events passed on to the page's event streams.
 */
export class DashboardState implements StreamingQueryListener {
  private readonly queries = new Map<string, StreamingQuery>();
  private session: SparkSession | null = null;
  private readonly subscribers = new Set<(event: string, data: unknown) => void>();

  attach(session: SparkSession): void {
    if (this.session !== null) return;
    this.session = session;
    session.streams.addListener(this);
  }

  onQueryStarted(e: QueryStartedEvent): void {
    // The manager registers a query before it reports its start, so it is found here.
    const q = this.session?.streams.get(e.id) ?? null;
    if (q === null) return;
    this.queries.set(e.id, q);
    this.publish("query", stateOf(q));
  }

  onQueryProgress(e: QueryProgressEvent): void {
    this.publish("progress", e.progress);
  }

  onQueryTerminated(e: QueryTerminatedEvent): void {
    const q = this.queries.get(e.id);
    if (q !== undefined) this.publish("query", stateOf(q));
  }

  /** Every query, oldest first. */
  snapshot(): QueryState[] {
    return [...this.queries.values()].map(stateOf);
  }

  /** Calls `f` with each later event; returns the unsubscribe function. */
  subscribe(f: (event: string, data: unknown) => void): () => void {
    this.subscribers.add(f);
    return () => this.subscribers.delete(f);
  }

  private publish(event: string, data: unknown): void {
    for (const f of this.subscribers) {
      try {
        f(event, data);
      } catch {
        // A subscriber's failure is its connection's problem (see serveDashboard).
      }
    }
  }
}

/** What the page shows of `q`; a stopped query keeps its trigger, plan and last batches. */
function stateOf(q: StreamingQuery): QueryState {
  return {
    id: q.id,
    runId: q.runId,
    name: q.name,
    trigger: q.triggerDescription,
    active: q.isActive,
    exception: q.exception?.message ?? null,
    plan: q.explain(),
    progress: [...q.recentProgress],
  };
}

/** A running dashboard. */
export interface DashboardEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the dashboard of `state` on `host:port` (port 0: a free one).
 * @throws ConfigError when the address cannot be bound, naming it.
 */
export async function serveDashboard(state: DashboardState, port: number, host = "127.0.0.1"): Promise<DashboardEndpoint> {
  const require = createRequire(import.meta.url);
  const assets = new Map<string, { type: string; body: Buffer }>([
    ["/assets/uplot.js", { type: "text/javascript; charset=utf-8", body: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js")) }],
    ["/assets/uplot.css", { type: "text/css; charset=utf-8", body: readFileSync(require.resolve("uplot/dist/uPlot.min.css")) }],
  ]);
  const streams = new Set<ServerResponse>();
  const security = {
    // Nothing from elsewhere: scripts, styles and connections stay on this origin.
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on("error", () => undefined);
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET", ...security }).end();
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204, security).end();
      return;
    }
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...security }).end(UI_PAGE);
      return;
    }
    const asset = assets.get(path);
    if (asset !== undefined) {
      res.writeHead(200, { "content-type": asset.type, ...security }).end(asset.body);
      return;
    }
    if (path === "/api/state") {
      res.writeHead(200, { "content-type": "application/json", ...security }).end(JSON.stringify({ queries: state.snapshot() }));
      return;
    }
    if (path === "/api/events") {
      if (streams.size >= MAX_STREAMS) {
        res.writeHead(503, { "content-type": "text/plain", ...security }).end("too many dashboards open\n");
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", connection: "keep-alive", ...security });
      res.write(": sluice\n\n");
      streams.add(res);
      const send = (event: string, data: unknown) => {
        // A client that stopped reading is dropped rather than buffered without bound.
        if (res.writableLength > MAX_BUFFERED) {
          res.destroy();
          return;
        }
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = state.subscribe(send);
      const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
      ping.unref();
      const done = () => {
        clearInterval(ping);
        unsubscribe();
        streams.delete(res);
      };
      res.on("close", done);
      req.on("close", done);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain", ...security }).end("not found\n");
  });
  server.requestTimeout = 0; // event streams stay open; idle sockets are still closed by headersTimeout
  const { origin } = await listen(server, port, host, "--ui-port");
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.destroy();
        server.close(() => resolve());
      }),
  };
}
