/**
 * The streaming sink of every table format that appends (`StreamingTable`: the file sink, Delta,
 * Iceberg next): per micro-batch, ask the table whether the batch is already in it (then consume
 * the input and write nothing), else write the batch's rows as data files with the shared writer
 * and commit them in one step. Exactly once per batch id, whatever crashes in between: files
 * written before a crash are never committed, and the re-run batch writes new ones.
 */
import type { Batch } from "../columnar/batch.js";
import { LazyWriterThread } from "../tables/files/writer-thread.js";
import { writeDataFiles } from "../tables/files/data-file-writer.js";
import type { StreamingTable } from "../tables/table-format.js";
import type { CommittedFile, SinkBatch, StreamSink } from "./sink.js";

/** A {@link StreamSink} appending to a {@link StreamingTable}. */
export class TableStreamSink implements StreamSink {
  readonly description: string;
  /**
   * `thread`: big Parquet files are encoded in this writer thread (started on first use, stopped by
   * `stop()`); all in the query's thread when null.
   */
  constructor(
    private readonly table: StreamingTable,
    private readonly thread: LazyWriterThread | null,
  ) {
    this.description = table.description;
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number; metrics: Readonly<Record<string, string>>; files?: readonly CommittedFile[] }> {
    const write = await this.table.beginBatch(batch.batchId, batch.schema);
    if (write === null) {
      // Already committed before a restart: consume the input (stateful operators must still see
      // it) and write nothing.
      for await (const _ of batch.data) void _;
      return { numOutputRows: 0, metrics: {} };
    }
    const count = { rows: 0 };
    const started = performance.now();
    const files = await writeDataFiles(this.table.storage, this.table.tableKey, write.schema, write.layout, counted(write.conform(batch.data), count), {
      writerThread: this.thread?.get,
    });
    const commit = await write.commit(files, { numRows: count.rows, dataMs: performance.now() - started });
    return commit.committed ? { numOutputRows: count.rows, metrics: commit.metrics, files } : { numOutputRows: 0, metrics: commit.metrics };
  }

  /** Stops the writer thread, if one was started. */
  async stop(): Promise<void> {
    await this.thread?.close();
  }
}

/** `data` as it is, adding each batch's rows to `count.rows` as it passes. */
export async function* counted(data: AsyncIterable<Batch>, count: { rows: number }): AsyncGenerator<Batch> {
  for await (const b of data) {
    count.rows += b.numRows;
    yield b;
  }
}
