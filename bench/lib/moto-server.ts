/**
 * moto's server (preinstalled on these machines: `python3 -m moto.server`) on a free loopback
 * port: the AWS endpoint (S3, Kinesis, Glue) of tests and benchmarks.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** Fake credentials moto accepts (requests must be signed, with anything). */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts moto on a free port; resolves with its endpoint once it answers. */
export async function startMoto(): Promise<{ endpoint: string; stop(): void }> {
  const port = await freePort();
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto did not start on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop: () => void child.kill("SIGKILL") };
}

