/**
 * Calling an async function synchronously, for the few places Spark's API is synchronous but the
 * work is async I/O (a Delta source's `describe` runs at `load()` and must read the table's log).
 *
 * The function runs in one long-lived worker thread (started on first use, `unref`'d so it never
 * keeps the process alive) while the calling thread blocks in `Atomics.wait` on a shared flag; the
 * worker posts the reply on a `MessageChannel` and then sets and notifies the flag, and the caller
 * takes the reply with `receiveMessageOnPort` (the synckit technique). Only functions listed in
 * `blocking-tasks.ts` can be called, so the same names work from the TypeScript sources (through
 * tsx) and from the esbuild bundle (`dist/blocking-call-worker.js`, a bundle entry).
 *
 * Errors: a {@link SluiceError} thrown by the task is rethrown in the caller as the same class with
 * the same message and context; any other error becomes an {@link InternalError} naming the task.
 * A missing worker entry (a bundle built without it) or a bootstrap that cannot load fails the call
 * at once; a worker that never answers fails it after the timeouts below.
 *
 * Threads: each thread that calls has its own worker (a call made inside a worker thread, the
 * blocking-call worker included, starts a nested one; nothing is shared, so nothing deadlocks).
 * Calls on one thread never overlap: the thread is blocked for the whole call.
 */
// eslint-disable-next-line sluice/layers -- checks that the worker's module file exists (code, not data)
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../exec/parallel/start-worker.js";
import type { MessagePort } from "node:worker_threads";
import { InternalError, deserializeError } from "../errors.js";
import type { SerializedError, SluiceError } from "../errors.js";
import type { BlockingTaskFn, BlockingTaskName } from "./blocking-tasks.js";

/** How long a call may block before it fails (the worker is then replaced). */
export const BLOCKING_CALL_TIMEOUT_MS = 120_000;

/** How long a new worker may take to load its entry before a call fails. */
const STARTUP_TIMEOUT_MS = 30_000;

/** Slots of the shared flag: the reply flag, and the worker's "entry loaded" flag. */
const REPLY = 0;
const READY = 1;

/**
 * Runs task `name` of `blocking-tasks.ts` with `args` in the blocking-call worker and returns its
 * result, blocking this thread until it is there.
 * @throws the task's SluiceError subclass (same class, message and context);
 *   InternalError when the task throws something else, or does not answer within
 *   {@link BLOCKING_CALL_TIMEOUT_MS}.
 */
export function blockingCall<K extends BlockingTaskName>(name: K, ...args: Parameters<BlockingTaskFn<K>>): Awaited<ReturnType<BlockingTaskFn<K>>> {
  const w = channel();
  const id = ++w.lastId;
  Atomics.store(w.flag, REPLY, 0);
  const request: BlockingRequest = { id, task: name, args };
  w.port.postMessage(request);
  const started = Date.now();
  const deadline = started + BLOCKING_CALL_TIMEOUT_MS;
  for (;;) {
    // Wait in slices, so a worker that never loads (its death cannot be observed while this
    // thread blocks) fails the call after the startup timeout rather than the full one.
    const left = deadline - Date.now();
    if (left > 0) Atomics.wait(w.flag, REPLY, 0, Math.min(left, 1000));
    // Reset before draining: a reply posted from now on sets the flag again, so no wake-up is lost.
    Atomics.store(w.flag, REPLY, 0);
    // Look at the port after every wake-up, time-outs included. Replies of earlier, timed-out
    // calls are skipped by id.
    let msg = receiveMessageOnPort(w.port);
    while (msg !== undefined) {
      const reply = msg.message as BlockingReply;
      if (reply.id === id || reply.id === BOOT_FAILED_ID) {
        if (reply.ok) return reply.value as Awaited<ReturnType<BlockingTaskFn<K>>>;
        if (reply.id === BOOT_FAILED_ID) discard(w);
        throw rebuildError(reply.error, name);
      }
      msg = receiveMessageOnPort(w.port);
    }
    const notStarted = Atomics.load(w.flag, READY) === 0 && Date.now() - started >= STARTUP_TIMEOUT_MS;
    if (Date.now() < deadline && !notStarted) continue;
    discard(w);
    throw new InternalError(
      notStarted
        ? `blocking call: the worker thread did not start within ${STARTUP_TIMEOUT_MS} ms (task '${name}', entry ${w.entry})`
        : `blocking call: task '${name}' did not answer within ${BLOCKING_CALL_TIMEOUT_MS} ms`,
    );
  }
}

/** The id of the reply a worker whose entry failed to load posts instead of any answer. */
export const BOOT_FAILED_ID = 0;

/** The thread id of the blocking-call worker, or null before the first call (for diagnostics and tests). */
export function blockingCallThreadId(): number | null {
  return current?.worker.threadId ?? null;
}

/** A request to the worker. */
export interface BlockingRequest {
  readonly id: number;
  readonly task: string;
  readonly args: readonly unknown[];
}

/** The worker's answer to a request. */
export type BlockingReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** What the worker is started with (`workerData`). */
export interface BlockingWorkerData {
  readonly flag: SharedArrayBuffer;
  readonly port: MessagePort;
}

interface Channel {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
  /** The worker's entry file, for messages. */
  readonly entry: string;
  lastId: number;
}

let current: Channel | null = null;

function channel(): Channel {
  if (current !== null) return current;
  const url = workerUrl();
  const entry = url.protocol === "file:" ? fileURLToPath(url) : url.href;
  // A missing entry (a bundle built without it) would only show as a worker that never starts.
  if (url.protocol === "file:" && !existsSync(entry)) {
    throw new InternalError(
      `blocking call: the worker entry ${entry} does not exist; a bundle of sluice must include src/runtime/blocking-call-worker.ts as the entry 'blocking-call-worker' next to the chunk that holds blocking-call.ts`,
    );
  }
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const data: BlockingWorkerData = { flag: flag.buffer as SharedArrayBuffer, port: port2 };
  const worker = startBlockingWorker(url, data, port2);
  worker.unref();
  port1.unref();
  const c: Channel = { worker, port: port1, flag, entry, lastId: 0 };
  // A worker that dies is replaced on the next call; its death cannot interrupt a wait, which
  // ends at the timeout instead.
  const forget = (): void => {
    if (current === c) current = null;
  };
  worker.on("error", forget);
  worker.on("exit", forget);
  current = c;
  return c;
}

/** Starts the worker (see `startWorker`: flags Node refuses for workers are dropped). */
function startBlockingWorker(url: URL, data: BlockingWorkerData, port: MessagePort): Worker {
  try {
    return startWorker(url, { workerData: data, transferList: [port] });
  } catch (e) {
    throw new InternalError(`blocking call: cannot start the worker thread ${url.href}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function discard(c: Channel): void {
  if (current === c) current = null;
  c.port.close();
  void c.worker.terminate();
}

/** The worker entry: a bootstrap that loads the TypeScript sources, or the bundled .js. */
function workerUrl(): URL {
  const self = new URL(import.meta.url);
  // The path, not the whole URL: a loader may add a query (`?tsx-namespace=…`).
  return new URL(self.pathname.endsWith(".ts") ? "./blocking-call-worker-boot.mjs" : "./blocking-call-worker.js", self);
}

/** The caller-side error for a serialized one: the same class when it is a known sluice error. */
function rebuildError(e: SerializedError, task: string): SluiceError {
  return deserializeError(e, (message) => new InternalError(`blocking call: task '${task}' failed: ${message}`));
}
