/**
 * Entry point of a fragment worker thread (see `worker-pool.ts`). A task is a resolved, stateless plan fragment (a source
 * leaf under projects and filters) plus one input partition; the worker reads the partition with a
 * fresh source instance, runs the fragment's operators, and streams the output batches back,
 * moving their buffers instead of copying them.
 */
import { parentPort } from "node:worker_threads";
import type { Batch } from "../columnar/batch.js";
import type { InputPartition } from "../connectors/source.js";
import { createSource } from "./physical-source.js";
import { registerBuiltinConnectors } from "../connectors/builtin.js";
import { executePhysical, planPhysical } from "../exec/planner.js";
import { InternalError, serializeError } from "../errors.js";
import { prepareTransfer } from "../exec/parallel/transfer.js";
import type { WorkerRequest, WorkerReply } from "./fragment-protocol.js";

registerBuiltinConnectors();

const port = parentPort;
if (port !== null) {
  port.on("message", (msg: WorkerRequest) => {
    void runTask(msg).catch((e: unknown) => {
      const reply: WorkerReply = { kind: "error", taskId: msg.taskId, error: serializeError(e) };
      port.postMessage(reply);
    });
  });
}

async function runTask(msg: WorkerRequest): Promise<void> {
  if (port === null) return;
  const { fragment, required, partition, taskId, batchTimestampMs } = msg;
  const physical = planPhysical(fragment, { outputMode: "append", stateFor: () => null, required });
  const leaf = physical.sources[0];
  const source = createSource(leaf, leaf.node.isStreaming);
  if (source.readPartition === undefined) {
    throw new InternalError(`worker: source ${leaf.node.format} cannot read partitions`);
  }
  for (const op of physical.operators) await op.open?.({ batchId: msg.batchId, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs, outputMode: "append" });
  let inputRows = 0;
  const read = source.readPartition.bind(source);
  async function* counted(p: InputPartition): AsyncGenerator<Batch> {
    for await (const b of read(p)) {
      inputRows += b.numRows;
      yield b;
    }
  }
  for await (const out of executePhysical(physical.root, [() => counted(partition)])) {
    const { batch, transfer } = prepareTransfer(out);
    const reply: WorkerReply = { kind: "batch", taskId, batch };
    port.postMessage(reply, transfer);
  }
  await source.stop();
  const done: WorkerReply = { kind: "done", taskId, inputRows };
  port.postMessage(done);
}
