/**
 * A counting, fault-injecting HTTP proxy in front of moto's S3 server (tests inject faults with it,
 * benchmarks count requests by kind): the real client code talks to it over the network, and it
 * decides per request whether to pass the request on or fail it the ways S3 fails in production:
 * - `503`: a 503 ServiceUnavailable, the request never reaches the server;
 * - `slowDown`: a 503 SlowDown, the request never reaches the server;
 * - `reset`: the connection is dropped before the request is forwarded;
 * - `timeout`: no answer at all (the client's request timeout must fire);
 * - `lost`: the request IS applied by the server, then the connection is dropped instead of the
 *   answer (the client cannot tell it from `reset`).
 */
import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type S3Fault = "503" | "slowDown" | "reset" | "timeout" | "lost";

/** An answer the policy makes up instead of the server's (e.g. a Glue error), never forwarded. */
export interface CannedReply {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

/** What the proxy sees of a request, for a fault policy. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, e.g. `/bucket/key?uploads`. */
  readonly url: string;
  /** Conditional PUTs carry `if-none-match`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** 0-based index of the request since the proxy started. */
  readonly index: number;
  readonly body: Buffer;
}

/** A running proxy. */
export interface FaultyS3 {
  readonly endpoint: string;
  /** Decides each request's fate; null passes it on. Replace it at any time. */
  policy: (r: ProxiedRequest) => S3Fault | CannedReply | null;
  /** Requests seen, by kind (`GET`, `HEAD`, `PUT`, `POST`, `DELETE`, and `LIST` for listings), and faults injected. */
  readonly counts: { requests: number; byKind: Record<string, number>; faults: Record<S3Fault, number> };
  close(): Promise<void>;
}

/** Starts a proxy to `target` (moto's endpoint) on a free loopback port. */
export async function startFaultyS3(target: string): Promise<FaultyS3> {
  const to = new URL(target);
  const held = new Set<ServerResponse>();
  const counts = { requests: 0, byKind: {} as Record<string, number>, faults: { "503": 0, slowDown: 0, reset: 0, timeout: 0, lost: 0 } as Record<S3Fault, number> };
  const proxy: FaultyS3 = {
    endpoint: "",
    policy: () => null,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of held) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = counts.requests++;
    const kind = req.method === "GET" && /[?&]list-type=2/.test(req.url ?? "") ? "LIST" : (req.method ?? "GET");
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const fault = proxy.policy({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, index, body });
      if (typeof fault === "object" && fault !== null) {
        res.writeHead(fault.status, { "content-type": fault.contentType ?? "application/x-amz-json-1.1" });
        res.end(fault.body);
        return;
      }
      if (fault !== null) counts.faults[fault]++;
      if (fault === "503" || fault === "slowDown") {
        const code = fault === "503" ? "ServiceUnavailable" : "SlowDown";
        res.writeHead(503, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`);
        return;
      }
      if (fault === "reset") {
        res.destroy();
        return;
      }
      if (fault === "timeout") {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      const upstream = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const answer: Buffer[] = [];
          up.on("data", (c: Buffer) => answer.push(c));
          up.on("end", () => {
            if (fault === "lost") {
              res.destroy();
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(answer));
          });
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  (proxy as { endpoint: string }).endpoint = `http://127.0.0.1:${String(port)}`;
  return proxy;
}

/** A policy failing a fraction `rate` of requests, cycling through `faults`, from a seeded generator. */
export function randomFaults(rate: number, faults: readonly S3Fault[], seed = 42): (r: ProxiedRequest) => S3Fault | null {
  let x = seed >>> 0 || 1;
  let next = 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    if (x / 2 ** 32 >= rate) return null;
    return faults[next++ % faults.length];
  };
}
