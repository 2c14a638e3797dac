/**
 * Glue's optimistic lock in front of moto, which does not enforce it: an HTTP proxy that keeps a
 * version number per table, answers every `GetTable` with it as the table's `VersionId`, and
 * refuses an `UpdateTable` whose `VersionId` is not the current one with
 * ConcurrentModificationException, as Glue does. Reads and updates of one table take turns, so a
 * table and its VersionId always answer for the same moment. Every other request passes through
 * unchanged.
 */
import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GlueVersionLock {
  readonly endpoint: string;
  /** UpdateTable calls refused for a stale VersionId. */
  readonly refused: number;
  close(): Promise<void>;
}

interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export async function startGlueVersionLock(target: string): Promise<GlueVersionLock> {
  const to = new URL(target);
  const versions = new Map<string, number>();
  /** Per table, the tail of its queue of updates. */
  const queues = new Map<string, Promise<void>>();
  let refused = 0;
  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const up = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) }));
      });
      up.on("error", reject);
      up.end(body);
    });
  /** Runs `f` after every earlier call for `key` has finished. */
  const serially = async (key: string, f: () => Promise<void>): Promise<void> => {
    const previous = queues.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    queues.set(key, new Promise<void>((r) => (release = r)));
    await previous;
    try {
      await f();
    } finally {
      release();
    }
  };
  const reply = (res: ServerResponse, u: Upstream, body: Buffer = u.body): void => {
    const headers = { ...u.headers, "content-length": String(body.length) };
    res.writeHead(u.status, headers);
    res.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const op = String(req.headers["x-amz-target"] ?? "");
      const json = (): Record<string, unknown> => JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
      const handle = async (): Promise<void> => {
        if (op === "AWSGlue.GetTable") {
          const j = json();
          const key = `${String(j.DatabaseName)}.${String(j.Name)}`;
          // Read in the table's queue, so the table and its VersionId are of one moment (Glue's
          // answers are consistent): never an old table with the version of a newer one.
          return serially(key, async () => {
            const u = await forward(req, body);
            if (u.status !== 200) return reply(res, u);
            const out = JSON.parse(u.body.toString("utf8")) as { Table?: Record<string, unknown> };
            if (out.Table !== undefined) out.Table.VersionId = String(versions.get(key) ?? 1);
            return reply(res, u, Buffer.from(JSON.stringify(out)));
          });
        }
        if (op === "AWSGlue.CreateTable") {
          const j = json() as { DatabaseName?: string; TableInput?: { Name?: string } };
          const u = await forward(req, body);
          if (u.status === 200) versions.set(`${String(j.DatabaseName)}.${String(j.TableInput?.Name)}`, 1);
          return reply(res, u);
        }
        if (op === "AWSGlue.UpdateTable") {
          const j = json() as { DatabaseName?: string; TableInput?: { Name?: string }; VersionId?: string };
          const key = `${String(j.DatabaseName)}.${String(j.TableInput?.Name)}`;
          return serially(key, async () => {
            const current = versions.get(key) ?? 1;
            if (j.VersionId !== undefined && j.VersionId !== String(current)) {
              refused++;
              res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
              res.end(JSON.stringify({ __type: "ConcurrentModificationException", message: "Update table failed due to concurrent modifications." }));
              return;
            }
            const u = await forward(req, body);
            if (u.status === 200) versions.set(key, current + 1);
            reply(res, u);
          });
        }
        return reply(res, await forward(req, body));
      };
      handle().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${String(port)}`,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
