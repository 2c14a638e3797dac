/**
 * Entry point of the writer thread (`writer-thread.ts`): encodes and compresses Parquet files for
 * the query's thread. Messages for one file arrive in order; many files may be open at once.
 */
import { parentPort } from "node:worker_threads";
import { InternalError, SluiceError } from "../../errors.js";
import { ParquetWriter } from "../../formats/parquet/parquet-writer.js";
import type { WriterReply, WriterRequest } from "./writer-thread.js";

const port = parentPort;
if (port !== null) {
  port.on("message", (msg: WriterRequest) => {
    void handle(msg).catch((e: unknown) => {
      const reply: WriterReply = {
        kind: "parquetError",
        fileId: msg.fileId,
        message: e instanceof Error ? e.message : String(e),
        code: e instanceof SluiceError ? e.code : null,
      };
      port.postMessage(reply);
    });
  });
}

/** Open files; a promise because opening loads the codec, and writes may arrive before it is done. */
const writers = new Map<number, Promise<ParquetWriter>>();

async function handle(msg: WriterRequest): Promise<void> {
  if (port === null) return;
  switch (msg.kind) {
    case "parquetOpen":
      writers.set(msg.fileId, ParquetWriter.create(msg.schema, msg.options));
      return;
    case "parquetWrite": {
      const w = await writerFor(msg.fileId);
      w.write(msg.batch);
      const chunks = w.takeChunks().map(owned);
      const ack: WriterReply = {
        kind: "parquetAck",
        fileId: msg.fileId,
        seq: msg.seq,
        bytesWritten: w.bytesWritten,
        numRowGroups: w.numRowGroups,
        numRows: w.numRows,
        chunks,
      };
      port.postMessage(ack, chunks.map((c) => c.buffer as ArrayBuffer));
      return;
    }
    case "parquetEndPages":
      (await writerFor(msg.fileId)).endPages();
      return;
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

/** `c`, or a copy of it, owning its whole buffer (so transferring it detaches nothing else). */
function owned(c: Uint8Array): Uint8Array {
  return c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice();
}

function writerFor(fileId: number): Promise<ParquetWriter> {
  const w = writers.get(fileId);
  if (w === undefined) return Promise.reject(new InternalError(`writer thread: no open Parquet file ${fileId}`));
  return w;
}
