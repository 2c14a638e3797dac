// Blocking-call worker entry when sluice runs from its TypeScript sources: installs the TypeScript
// loader in this thread (Node 20 does not apply `--import` hooks to a worker's entry module), then
// loads the real entry. The bundled build starts dist/blocking-call-worker.js directly instead.
// When loading fails, the caller (blocked in Atomics.wait) is told at once: a reply with id 0
// (BOOT_FAILED_ID of blocking-call.ts) and the reply flag set, instead of a worker that never starts.
import { workerData } from "node:worker_threads";

try {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("./blocking-call-worker.ts", import.meta.url).href);
} catch (e) {
  const data = workerData;
  if (data !== null && typeof data === "object" && data.port !== undefined) {
    const message = `blocking call: the worker thread could not load its entry: ${e instanceof Error ? e.message : String(e)}`;
    data.port.postMessage({ id: 0, ok: false, error: { name: "InternalError", message, context: null, retryable: false } });
    const flag = new Int32Array(data.flag);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
  throw e;
}
