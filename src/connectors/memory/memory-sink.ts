/**
 * The memory sink: keeps a query's output in this process as a table named by `queryName`, read
 * with `spark.table(name)` (Spark's memory sink, for tests and notebooks). Append and update add
 * rows; complete replaces them. A batch id already applied is skipped, so re-runs are harmless.
 */
import type { Batch } from "../../columnar/batch.js";
import type { StructType } from "../../types/data-types.js";
import { ConfigError } from "../../errors.js";
import type { StreamSink, SinkBatch } from "../sink.js";
import type { SinkConnector, SinkContext } from "../registry.js";

/** A memory sink's current content. */
export interface MemoryTable {
  readonly schema: StructType;
  readonly batches: readonly Batch[];
  /** Last batch id applied, or -1. */
  readonly lastBatchId: number;
  /** Id of the query (checkpoint) whose output this is. */
  readonly queryId: string;
}

const tables = new Map<string, MemoryTable>();

/** The memory sink table named `name` (case-insensitive), or undefined. */
export function memorySinkTable(name: string): MemoryTable | undefined {
  return tables.get(name.toLowerCase());
}

class MemorySink implements StreamSink {
  readonly description: string;
  constructor(
    private readonly name: string,
    private readonly schema: StructType,
    private readonly queryId: string,
  ) {
    this.description = `MemorySink[${name}]`;
    // A restart of the same query (same checkpoint, same id) keeps the rows and skips batches it
    // already applied; any other query with this name starts an empty table.
    const existing = tables.get(name.toLowerCase());
    if (existing === undefined || existing.queryId !== queryId) {
      tables.set(name.toLowerCase(), { schema, batches: [], lastBatchId: -1, queryId });
    }
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    const key = this.name.toLowerCase();
    const current = tables.get(key) ?? { schema: this.schema, batches: [], lastBatchId: -1, queryId: this.queryId };
    const chunks: Batch[] = [];
    let n = 0;
    for await (const b of batch.data) {
      chunks.push(b);
      n += b.numRows;
    }
    if (batch.batchId <= current.lastBatchId) return { numOutputRows: 0 };
    const batches = batch.outputMode === "complete" ? chunks : [...current.batches, ...chunks];
    tables.set(key, { schema: this.schema, batches, lastBatchId: batch.batchId, queryId: this.queryId });
    return { numOutputRows: n };
  }
}

export const memorySinkConnector: SinkConnector = {
  outputModes: ["append", "update", "complete"],
  validate(ctx: SinkContext) {
    if (ctx.queryName === null) {
      throw new ConfigError("memory sink: queryName must be specified for the memory sink; call .queryName(name)", {
        option: "queryName",
      });
    }
  },
  create(ctx: SinkContext) {
    if (ctx.queryName === null) throw new ConfigError("memory sink: queryName must be specified for the memory sink");
    return new MemorySink(ctx.queryName, ctx.schema, ctx.queryId);
  },
};
