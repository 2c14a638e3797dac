/**
 * The streaming Delta sink, append mode: each micro-batch's files and the transaction action
 * `txn {appId: <query id>, version: <batch id>}` go in one commit, and a batch whose id the table's
 * txn for this query already covers is skipped — exactly-once across restarts (DESIGN §3, §5).
 * A Parquet checkpoint is written every `delta.checkpointInterval` (10) commits.
 *
 * Complete and update modes (replacing the table, MERGE of changed aggregates) come with the rest
 * of the Delta issue; until then they are refused when the query starts.
 */
import { z } from "zod";
import type { StreamSink, SinkBatch } from "../../connectors/sink.js";
import type { SinkConnector, SinkContext } from "../../connectors/registry.js";
import { ConfigError } from "../../errors.js";
import { positiveIntOption, validateOptions } from "../../options.js";
import { fileUrlOf, resolveLocation } from "../../storage/resolve.js";
import type { Storage } from "../../storage/storage.js";
import { appendToTable } from "./append.js";
import { checkpointInterval, shouldCheckpoint, writeCheckpoint } from "./checkpoint-writer.js";
import { loadSnapshot } from "./snapshot.js";

const deltaSinkOptions = { path: z.string().min(1), maxRecordsPerFile: positiveIntOption };

interface DeltaSinkOptions {
  readonly storage: Storage;
  readonly key: string;
  readonly maxRecordsPerFile: number | undefined;
}

function resolveOptions(ctx: SinkContext): DeltaSinkOptions {
  const o = validateOptions("delta sink", deltaSinkOptions, ctx.options);
  if (o.path === undefined) {
    throw new ConfigError("delta sink: 'path' is not specified; pass start(path) or option(\"path\", ...)", { option: "path" });
  }
  const { storage, key } = resolveLocation(o.path);
  return { storage, key, maxRecordsPerFile: o.maxRecordsPerFile };
}

export class DeltaSink implements StreamSink {
  readonly description: string;

  constructor(
    private readonly ctx: SinkContext,
    private readonly o: DeltaSinkOptions,
  ) {
    this.description = `DeltaSink[${fileUrlOf(o.storage, o.key)}]`;
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    const r = await appendToTable(this.o.storage, this.o.key, batch.data, {
      schema: this.ctx.schema,
      partitionBy: this.ctx.partitionBy,
      txn: { appId: this.ctx.queryId, version: batch.batchId },
      maxRecordsPerFile: this.o.maxRecordsPerFile,
      operation: "STREAMING UPDATE",
      operationParameters: { outputMode: "Append", queryId: this.ctx.queryId, epochId: String(batch.batchId) },
    });
    if (r.version !== null) {
      const snapshot = await loadSnapshot(this.o.storage, this.o.key, { version: r.version });
      if (shouldCheckpoint(r.version, checkpointInterval(snapshot.metadata.configuration))) {
        await writeCheckpoint(this.o.storage, this.o.key, snapshot);
      }
    }
    return { numOutputRows: r.numRows };
  }
}

export const deltaSinkConnector: SinkConnector = {
  outputModes: ["append"],
  validate(ctx) {
    resolveOptions(ctx);
  },
  create(ctx) {
    return new DeltaSink(ctx, resolveOptions(ctx));
  },
};
