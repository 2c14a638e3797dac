/**
 * Entry point of the blocking-call worker thread (see `blocking-call.ts`): runs one task at a time
 * from `blocking-tasks.ts`, posts the reply on its port, then sets and notifies the shared flag the
 * caller waits on.
 */
import { workerData } from "node:worker_threads";
import { InternalError, serializeError as serialize } from "../errors.js";
import type { BlockingReply, BlockingRequest, BlockingWorkerData } from "./blocking-call.js";
import { blockingTasks } from "./blocking-tasks.js";

const data = workerData as BlockingWorkerData | null;
// The AWS SDK warns once per thread about old Node versions; the calling thread already has.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
if (data !== null) {
  const flag = new Int32Array(data.flag);
  const port = data.port;
  port.on("message", (req: BlockingRequest) => {
    void run(req).then((reply) => {
      try {
        port.postMessage(reply);
      } catch (e) {
        // A result or error context that cannot be cloned still gets an answer.
        port.postMessage({ id: req.id, ok: false, error: serialize(new InternalError(`blocking call: the reply of task '${req.task}' cannot cross threads: ${describe(e)}`)) });
      }
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
  });
  // The entry is loaded: the caller now waits for the reply alone.
  Atomics.store(flag, 1, 1);
}

async function run(req: BlockingRequest): Promise<BlockingReply> {
  try {
    if (!Object.hasOwn(blockingTasks, req.task)) throw new InternalError(`blocking call: unknown task '${req.task}'`);
    const load = blockingTasks[req.task as keyof typeof blockingTasks];
    const fn = (await load()) as (...args: readonly unknown[]) => Promise<unknown>;
    return { id: req.id, ok: true, value: await fn(...req.args) };
  } catch (e) {
    return { id: req.id, ok: false, error: serialize(e) };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
