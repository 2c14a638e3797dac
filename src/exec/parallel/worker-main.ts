/**
 * Entry point of a sluice worker thread. A task is a resolved, stateless plan fragment (a source
 * leaf under projects and filters) plus one input partition; the worker reads the partition with a
 * fresh source instance, runs the fragment's operators, and streams the output batches back,
 * moving their buffers instead of copying them.
 */
import { parentPort } from "node:worker_threads";
import type { Batch } from "../../columnar/batch.js";
import type { ResolvedPlan } from "../../plan/analyze.js";
import type { InputPartition } from "../../connectors/source.js";
import { sourceConnector } from "../../connectors/registry.js";
import { registerBuiltinConnectors } from "../../connectors/builtin.js";
import { executePhysical, planPhysical } from "../planner.js";
import { InternalError, SluiceError } from "../../errors.js";
import { prepareTransfer } from "./transfer.js";
import type { WorkerMessage, WorkerRequest, WorkerReply, WriterRequest, WriterReply } from "./protocol.js";
import { ParquetWriter } from "../../formats/parquet/parquet-writer.js";

registerBuiltinConnectors();

const port = parentPort;
if (port !== null) {
  port.on("message", (msg: WorkerMessage) => {
    if (msg.kind !== "fragment") {
      void handleWriter(msg).catch((e: unknown) => {
        const reply: WriterReply = {
          kind: "parquetError",
          fileId: msg.fileId,
          message: e instanceof Error ? e.message : String(e),
          code: e instanceof SluiceError ? e.code : null,
        };
        port.postMessage(reply);
      });
      return;
    }
    void runTask(msg).catch((e: unknown) => {
      const reply: WorkerReply = {
        kind: "error",
        taskId: msg.taskId,
        message: e instanceof Error ? e.message : String(e),
        code: e instanceof SluiceError ? e.code : null,
        name: e instanceof Error ? e.name : "Error",
      };
      port.postMessage(reply);
    });
  });
}

async function runTask(msg: WorkerRequest): Promise<void> {
  // Writer messages are handled by handleWriter; this is a fragment task.
  if (port === null) return;
  const { fragment, partition, taskId, batchTimestampMs } = msg;
  const physical = planPhysical(fragment, { outputMode: "append", stateFor: () => null });
  const leaf = physical.sources[0];
  const source = sourceConnector(leaf.node.format).create(leaf.node.options, leaf.node.userSchema, {
    streaming: leaf.node.isStreaming,
    filter: leaf.filter,
    schema: leaf.schema,
  });
  if (source.readPartition === undefined) {
    throw new InternalError(`worker: source ${leaf.node.format} cannot read partitions`);
  }
  for (const op of physical.operators) await op.open?.({ batchId: msg.batchId, watermarkMs: 0, batchTimestampMs, outputMode: "append" });
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

export type { ResolvedPlan };

/** Open files; a promise because opening loads the codec, and writes may arrive before it is done. */
const writers = new Map<number, Promise<ParquetWriter>>();

/** Parquet files being written in this thread, by id; messages for one file arrive in order. */
async function handleWriter(msg: WriterRequest): Promise<void> {
  if (port === null) return;
  switch (msg.kind) {
    case "parquetOpen":
      writers.set(msg.fileId, ParquetWriter.create(msg.schema, msg.options));
      return;
    case "parquetWrite": {
      const w = await writerFor(msg.fileId);
      w.write(msg.batch);
      const ack: WriterReply = {
        kind: "parquetAck",
        fileId: msg.fileId,
        seq: msg.seq,
        bytesWritten: w.bytesWritten,
        numRowGroups: w.numRowGroups,
        numRows: w.numRows,
      };
      port.postMessage(ack);
      return;
    }
    case "parquetFinish": {
      const w = await writerFor(msg.fileId);
      writers.delete(msg.fileId);
      const bytes = w.finish();
      const done: WriterReply = { kind: "parquetDone", fileId: msg.fileId, bytes, numRows: w.numRows, columnStats: w.columnStats() };
      // finish() returns a fresh array that owns its buffer: move it, do not copy it.
      port.postMessage(done, [bytes.buffer as ArrayBuffer]);
      return;
    }
    case "parquetAbort":
      // Writes already queued still run on the dropped writer; their acks are ignored.
      writers.delete(msg.fileId);
      return;
  }
}

function writerFor(fileId: number): Promise<ParquetWriter> {
  const w = writers.get(fileId);
  if (w === undefined) return Promise.reject(new InternalError(`worker: no open Parquet file ${fileId}`));
  return w;
}
