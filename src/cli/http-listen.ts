/**
 * Binding the CLI's HTTP endpoints (`--metrics-port`, `--ui`): a server on `host:port` that never
 * keeps the process alive and never fails it after it started listening (client errors close
 * that client's socket).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError } from "../errors.js";

/** A listening server: its origin (`http://127.0.0.1:PORT`). */
export interface Listening {
  readonly origin: string;
}

/**
 * Starts `server` on `host:port` (port 0: a free one), unreferenced.
 * @throws ConfigError naming `option` and the address when it cannot be bound (in use, not local).
 */
export async function listen(server: Server, port: number, host: string, option: string): Promise<Listening> {
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new ConfigError(`${option}: cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { option: option.replace(/^--/, ""), cause: e })));
    server.listen(port, host, () => resolve());
  });
  server.on("error", () => undefined);
  server.unref();
  const a = server.address() as AddressInfo;
  return { origin: `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}` };
}
