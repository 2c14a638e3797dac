/**
 * The streaming Delta sink. Every micro-batch is one commit that also records the transaction
 * action `txn {appId: <query id>, version: <batch id>}`; a batch whose id the table's txn for this
 * query already covers is skipped — exactly-once across restarts (DESIGN §3, §5).
 *
 * - append: the batch's rows are added through the shared table sink (`DeltaStreamingTable`).
 * - complete: the batch's rows (the whole result table) replace the table's content
 *   (`overwriteTable`); an empty result empties the table.
 * - update: the batch's rows are the aggregation's changed groups; they are merged into the table
 *   by the grouping columns (`upsertByKey`: matched rows replaced, new ones inserted; files holding
 *   a changed row are rewritten, others untouched). A query without aggregation never re-emits a
 *   row, so update behaves as append; an aggregation whose grouping columns are not all in the
 *   output cannot be merged and is refused when the query starts.
 *
 * Progress: `sink.metrics` carries the committed `version` and, for append, `logMs` (time spent on
 * the Delta log: snapshot, commit, checkpoint) and `dataMs` (input and data files).
 *
 * Options: `path`, `maxRecordsPerFile`, `targetFileSize` (bytes or `128mb`), `compression`
 * (`snappy` default, `zstd`, `gzip`, `none`), `mergeSchema` (add new
 * columns to the table schema), `schemaContract` (`evolve` = mergeSchema, `freeze` the default,
 * `discard_value`, `discard_row`: see `SchemaContract`), `overwriteSchema` (complete mode only:
 * replace the table schema).
 * Writer options named `delta.*` and the session's `spark.databricks.delta.properties.defaults.*`
 * are the table's properties when the sink creates it (`newTableProperties`).
 * A Parquet checkpoint is written every `delta.checkpointInterval` (10) commits, then expired log
 * files are deleted (`cleanUpExpiredLogs`); the sink keeps what it knows of the log between
 * batches, so neither lists the whole log.
 *
 * With worker threads (`sluice.exec.workers` > 0), append and complete batches encode their big
 * data files in one writer thread the sink owns, started with the first such file and stopped by
 * `stop()`.
 */
import { z } from "zod";
import type { StreamSink, SinkBatch } from "../sink.js";
import type { SinkConnector, SinkContext } from "../registry.js";
import { ConfigError, InternalError } from "../../errors.js";
import { booleanOption, byteSizeOption, enumOption, positiveIntOption, validateOptions } from "../../options.js";
import { DELTA_COMPRESSIONS } from "../../tables/delta/data-writer.js";
import { SCHEMA_CONTRACTS, checkSchemaContract } from "../../tables/delta/schema-evolution.js";
import type { SchemaContract } from "../../tables/delta/schema-evolution.js";
import type { DeltaCompression } from "../../tables/delta/data-writer.js";
import { fileUrlOf, resolveLocation } from "../../storage/resolve.js";
import type { Storage } from "../../storage/storage.js";
import { checkpointAfterCommit } from "../../tables/delta/post-commit.js";
import type { PostCommitOptions } from "../../tables/delta/post-commit.js";
import { cutoffTruncation, DeltaLogFiles } from "../../tables/delta/log-cleanup.js";
import type { CutoffTruncation } from "../../tables/delta/log-cleanup.js";
import { overwriteTable } from "../../tables/delta/overwrite.js";
import { upsertByKey } from "../../tables/delta/merge.js";
import { newTableProperties, splitTableProperties } from "../../tables/delta/table-properties.js";
import { LazyWriterThread } from "../../tables/files/writer-thread.js";
import { DeltaStreamingTable } from "../../tables/delta/streaming-table.js";
import { TableStreamSink } from "../table-sink.js";
import { saveDeltaTable } from "../../tables/delta/batch-write.js";

const deltaSinkOptions = {
  path: z.string().min(1),
  maxRecordsPerFile: positiveIntOption,
  targetFileSize: byteSizeOption,
  compression: enumOption(DELTA_COMPRESSIONS),
  mergeSchema: booleanOption,
  overwriteSchema: booleanOption,
  schemaContract: enumOption(SCHEMA_CONTRACTS),
};

interface DeltaSinkOptions {
  readonly storage: Storage;
  readonly key: string;
  readonly maxRecordsPerFile: number | undefined;
  readonly targetFileSize: number | undefined;
  readonly compression: DeltaCompression | undefined;
  readonly mergeSchema: boolean;
  readonly schemaContract: SchemaContract | undefined;
  readonly overwriteSchema: boolean;
  readonly tableProperties: Readonly<Record<string, string>>;
  readonly cutoffTruncation: CutoffTruncation;
}

function resolveOptions(ctx: SinkContext): DeltaSinkOptions {
  const { properties, others } = splitTableProperties(ctx.options);
  const o = validateOptions("delta sink", deltaSinkOptions, others);
  const sessionConf = ctx.sessionConf ?? {};
  if (o.path === undefined) {
    throw new ConfigError("delta sink: 'path' is not specified; pass start(path) or option(\"path\", ...)", { option: "path" });
  }
  if (ctx.outputMode === "update" && ctx.updateKeys?.kind === "unknown") {
    throw new ConfigError(
      `delta sink: update output mode merges rows by the aggregation's grouping columns, but ${ctx.updateKeys.reason}; keep every grouping column in the output or use complete mode`,
      { option: "outputMode" },
    );
  }
  if (o.overwriteSchema === true && ctx.outputMode !== "complete") {
    throw new ConfigError(`delta sink: option 'overwriteSchema' applies to complete output mode only, the query uses ${ctx.outputMode}`, {
      option: "overwriteSchema",
    });
  }
  checkSchemaContract("delta sink", o.mergeSchema === true, o.schemaContract);
  const { storage, key } = resolveLocation(o.path);
  return {
    storage,
    key,
    maxRecordsPerFile: o.maxRecordsPerFile,
    targetFileSize: o.targetFileSize,
    compression: o.compression,
    mergeSchema: o.mergeSchema === true || o.schemaContract === "evolve",
    schemaContract: o.schemaContract,
    overwriteSchema: o.overwriteSchema === true,
    tableProperties: newTableProperties(properties, sessionConf),
    cutoffTruncation: cutoffTruncation(sessionConf),
  };
}

/** The Delta streaming sink (see the module comment). */
export class DeltaSink implements StreamSink {
  readonly description: string;
  /** Encodes big data files beside the query's thread; started on first use. */
  private readonly thread: LazyWriterThread | null;
  /** Append-like batches: the shared table sink over the Delta table. */
  private readonly appends: TableStreamSink;
  /** Log cleanup after checkpoints, with what the sink knows of the table's log between batches. */
  private readonly postCommit: PostCommitOptions;

  constructor(
    private readonly ctx: SinkContext,
    private readonly o: DeltaSinkOptions,
  ) {
    this.description = `DeltaSink[${fileUrlOf(o.storage, o.key)}]`;
    this.thread = ctx.writerThread === true ? new LazyWriterThread() : null;
    this.postCommit = { logFiles: new DeltaLogFiles(), cutoffTruncation: o.cutoffTruncation };
    const table = new DeltaStreamingTable(o.storage, o.key, {
      queryId: ctx.queryId,
      partitionBy: ctx.partitionBy.length > 0 ? ctx.partitionBy : undefined,
      maxRecordsPerFile: o.maxRecordsPerFile,
      targetFileSize: o.targetFileSize,
      compression: o.compression,
      mergeSchema: o.mergeSchema,
      ...(o.schemaContract === undefined ? {} : { schemaContract: o.schemaContract }),
      tableProperties: o.tableProperties,
      postCommit: this.postCommit,
      outputMode: ctx.outputMode === "update" ? "Update" : "Append",
    });
    this.appends = new TableStreamSink(table, this.thread);
  }

  /** Commits the batch once (skipped when the table's txn for the query covers it), then checkpoints the log when due. */
  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number; metrics: Readonly<Record<string, string>> }> {
    const txn = { appId: this.ctx.queryId, version: batch.batchId };
    const partitionBy = this.ctx.partitionBy.length > 0 ? this.ctx.partitionBy : undefined;
    const parameters = (outputMode: string) => ({ outputMode, queryId: this.ctx.queryId, epochId: String(batch.batchId) });
    const keys = this.ctx.updateKeys;
    if (batch.outputMode === "append" || (batch.outputMode === "update" && (keys === undefined || keys.kind === "appendOnly"))) {
      return this.appends.addBatch(batch);
    }
    if (batch.outputMode === "update") {
      if (keys === undefined || keys.kind !== "keys") {
        throw new InternalError(`delta sink: update output mode without a merge key reached ${this.description} (${keys?.kind === "unknown" ? keys.reason : "no keys"})`);
      }
      const r = await upsertByKey(this.o.storage, this.o.key, batch.data, {
        keyColumns: keys.columns,
        schema: this.ctx.schema,
        partitionBy,
        txn,
        operation: "STREAMING UPDATE",
        operationParameters: parameters("Update"),
        tableProperties: this.o.tableProperties,
        postCommit: this.postCommit,
      });
      // upsertByKey checkpoints when due itself.
      return { numOutputRows: r.metrics.numSourceRows, metrics: r.version === null ? {} : { version: String(r.version) } };
    }
    const result = await overwriteTable(this.o.storage, this.o.key, batch.data, {
      schema: this.ctx.schema,
      partitionBy,
      txn,
      maxRecordsPerFile: this.o.maxRecordsPerFile,
      targetFileSize: this.o.targetFileSize,
      compression: this.o.compression,
      mergeSchema: this.o.mergeSchema,
      tableProperties: this.o.tableProperties,
      operation: "STREAMING UPDATE",
      writerThread: this.thread?.get,
      overwriteSchema: this.o.overwriteSchema,
      operationParameters: parameters("Complete"),
    });
    // The batch is committed: a checkpoint that cannot be written must not fail it (readers replay
    // the JSON commits); the next due checkpoint covers it. Reported in the progress metrics.
    const checkpointError =
      result.version === null ? null : await checkpointAfterCommit(this.o.storage, this.o.key, result.version, result.configuration ?? {}, null, this.postCommit);
    const metrics: Record<string, string> = {};
    if (checkpointError !== null) metrics.checkpointError = checkpointError instanceof Error ? checkpointError.message : String(checkpointError);
    if (result.version !== null) metrics.version = String(result.version);
    return { numOutputRows: result.numRows, metrics };
  }

  /** Stops the writer thread, if one was started. */
  async stop(): Promise<void> {
    await this.appends.stop();
  }
}

/** The `delta` sink connector: append, complete and update output modes. */
export const deltaSinkConnector: SinkConnector = {
  outputModes: ["append", "complete", "update"],
  validate(ctx) {
    resolveOptions(ctx);
  },
  create(ctx) {
    return new DeltaSink(ctx, resolveOptions(ctx));
  },
  async writeBatch(write) {
    await saveDeltaTable(write);
  },
};
