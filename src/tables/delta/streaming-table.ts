/**
 * A Delta table as a streaming append target (`StreamingTable`): batch N of a query is one commit
 * holding its data files and `txn {appId: <query id>, version: N}`; a batch the table's txn for the
 * query already covers is skipped (DESIGN §3, §5). Each batch reads only the commits after the
 * snapshot the previous one was planned on, and a Parquet checkpoint follows every
 * `delta.checkpointInterval` commits, then log cleanup (`postCommit`).
 *
 * Progress metrics: the committed `version`, `logMs` (time on the Delta log: snapshot, planning,
 * commit, checkpoint) and `dataMs` (input and data files).
 */
import type { Batch } from "../../columnar/batch.js";
import type { Storage } from "../../storage/storage.js";
import { fileUrlOf } from "../../storage/url.js";
import type { StructType } from "../../types/data-types.js";
import type { DataFile } from "../files/data-file-writer.js";
import type { BatchCommit, BatchWrite, StreamingTable, WrittenData } from "../table-format.js";
import { beginAppend } from "./append.js";
import type { AppendOptions } from "./append.js";
import { addFileOf, deltaFileLayout } from "./data-writer.js";
import type { DeltaCompression } from "./data-writer.js";
import { checkpointAfterCommit } from "./post-commit.js";
import type { PostCommitOptions } from "./post-commit.js";
import { conformed } from "./write-plan.js";
import type { ConformCount } from "./write-plan.js";
import type { SchemaContract } from "./schema-evolution.js";
import { loadSnapshotIfExists } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";

/** How a streaming query writes the table. */
export interface DeltaStreamingOptions {
  /** The query's id: the txn appId. */
  readonly queryId: string;
  /** Partition columns of a new table (an existing table keeps its own; they must then match). */
  readonly partitionBy?: readonly string[];
  readonly maxRecordsPerFile?: number;
  readonly targetFileSize?: number;
  readonly compression?: DeltaCompression;
  /** Add new columns of the data to the table schema. */
  readonly mergeSchema?: boolean;
  /** What to do with new columns without `mergeSchema` (see `SchemaContract`). */
  readonly schemaContract?: SchemaContract;
  /** The properties of the table when the first batch creates it (see `newTableProperties`). */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** How the checkpoint after a commit cleans up the log (a long-lived view of it, the cutoff truncation). */
  readonly postCommit?: PostCommitOptions;
  /** `commitInfo.operationParameters.outputMode` (`Append`, or `Update` for a query without aggregation). */
  readonly outputMode: string;
}

/** The Delta table at `tableKey` of `storage`, appended to by one streaming query. */
export class DeltaStreamingTable implements StreamingTable<string> {
  readonly description: string;
  /** The snapshot the last batch was planned on: the next batch reads only the commits after it. */
  private base: DeltaSnapshot | null = null;

  constructor(
    readonly storage: Storage,
    readonly tableKey: string,
    private readonly options: DeltaStreamingOptions,
  ) {
    this.description = `DeltaSink[${fileUrlOf(storage, tableKey)}]`;
  }

  async beginBatch(batchId: number, schema: StructType): Promise<BatchWrite<string> | null> {
    const o = this.options;
    const appendOptions: AppendOptions = {
      schema,
      partitionBy: o.partitionBy,
      txn: { appId: o.queryId, version: batchId },
      maxRecordsPerFile: o.maxRecordsPerFile,
      targetFileSize: o.targetFileSize,
      compression: o.compression,
      mergeSchema: o.mergeSchema,
      ...(o.schemaContract === undefined ? {} : { schemaContract: o.schemaContract }),
      tableProperties: o.tableProperties,
      base: this.base,
      operation: "STREAMING UPDATE",
      operationParameters: { outputMode: o.outputMode, queryId: o.queryId, epochId: String(batchId) },
    };
    const pending = await beginAppend(this.storage, this.tableKey, appendOptions);
    if (pending.kind === "skipped") {
      this.base = pending.result.snapshot;
      return null;
    }
    const layout = deltaFileLayout(pending.partitionBy, { ...o, targetFileSize: pending.targetFileSize });
    const count: ConformCount = { rows: 0 };
    return {
      schema: pending.schema,
      layout,
      conform: (data: AsyncIterable<Batch>) => conformed(data, pending.schema, count, pending.discard),
      commit: async (files: readonly DataFile<string>[], written: WrittenData): Promise<BatchCommit> => {
        const r = await pending.commit(files.map(addFileOf), written.numRows, written.dataMs);
        this.base = r.snapshot;
        if (r.version === null) return { committed: false, metrics: {} };
        const checkpointStarted = performance.now();
        // The batch is committed: a checkpoint that cannot be written must not fail it (readers
        // replay the JSON commits); the next due checkpoint covers it. Reported in the metrics.
        const checkpointError = await checkpointAfterCommit(this.storage, this.tableKey, r.version, r.configuration ?? {}, r.snapshot, o.postCommit);
        const metrics: Record<string, string> = {
          version: String(r.version),
          logMs: String(Math.round(r.timings.logMs + performance.now() - checkpointStarted)),
          dataMs: String(Math.round(r.timings.dataMs)),
        };
        if (count.discardedRows !== undefined) metrics.numDiscardedRows = String(count.discardedRows);
        if (count.discardedValues !== undefined) metrics.numDiscardedValues = String(count.discardedValues);
        if (checkpointError !== null) metrics.checkpointError = checkpointError instanceof Error ? checkpointError.message : String(checkpointError);
        return { committed: true, metrics };
      },
    };
  }

  async liveFiles(): Promise<string[]> {
    const snapshot = await loadSnapshotIfExists(this.storage, this.tableKey);
    return snapshot === null ? [] : snapshot.files.map((f) => `${this.tableKey === "" ? "" : `${this.tableKey}/`}${f.path}`);
  }
}
