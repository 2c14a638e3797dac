/**
 * An Iceberg table as a streaming append target (`StreamingTable`): batch N of a query is one
 * `append` snapshot whose summary records the query id and N (`spark.sql.streaming.queryId` /
 * `spark.sql.streaming.epochId`, as Iceberg's Spark sink); a batch the table's history already
 * holds for the query is skipped. Data files go under the table's `data/` folder.
 *
 * Progress metrics: the committed metadata `version`, the `snapshotId`, commit `attempts`, and
 * `logMs` (planning and commit) and `dataMs` (input and data files).
 */
import type { Batch } from "../../columnar/batch.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { fileUrlOf } from "../../storage/url.js";
import type { StructType } from "../../types/data-types.js";
import type { DataFile } from "../files/data-file-writer.js";
import type { BatchCommit, BatchWrite, StreamingTable, WrittenData } from "../table-format.js";
import { hadoopCatalog } from "./catalog-ops.js";
import { warmAvro } from "./avro.js";
import { MANIFEST_FILE_SCHEMA, manifestEntrySchema } from "./manifest.js";
import { liveEntries, locate, selectSnapshot } from "./table-reader.js";
import { commitIcebergWrite, lastCommittedBatch, planIcebergWrite } from "./table-writer.js";
import type { IcebergFileMetrics, IcebergWriteOptions, KnownState } from "./table-writer.js";

/** How a streaming query writes the table. */
export interface IcebergStreamingOptions extends IcebergWriteOptions {
  /** The query's id, recorded in each snapshot's summary. */
  readonly queryId: string;
}

/** The Iceberg table at `tableKey` of `storage`, appended to by one streaming query. */
export class IcebergStreamingTable implements StreamingTable<IcebergFileMetrics> {
  readonly description: string;
  /** Where data files are written: the table's `data/` folder. */
  readonly tableKey: string;
  /** The table as this writer's last commit left it (see `KnownState`). */
  private known: KnownState | null = null;

  constructor(
    readonly storage: Storage,
    private readonly root: string,
    private readonly options: IcebergStreamingOptions,
  ) {
    this.tableKey = `${folderPrefix(root)}data`;
    this.description = `IcebergSink[${fileUrlOf(storage, root)}]`;
  }

  async beginBatch(batchId: number, schema: StructType): Promise<BatchWrite<IcebergFileMetrics> | null> {
    const started = performance.now();
    const plan = await planIcebergWrite(this.storage, this.root, schema, this.options, this.known);
    if (this.known === null) await warmAvro([manifestEntrySchema(plan.spec, plan.schema), MANIFEST_FILE_SCHEMA]);
    if (plan.base !== null && lastCommittedBatch(plan.base.metadata, this.options.queryId) >= batchId) return null;
    const planMs = performance.now() - started;
    return {
      schema: plan.writeSchema,
      layout: plan.layout,
      conform: (data: AsyncIterable<Batch>) => plan.conform(data),
      commit: async (files: readonly DataFile<IcebergFileMetrics>[], written: WrittenData): Promise<BatchCommit> => {
        const t = performance.now();
        const r = await commitIcebergWrite(plan, { files, operation: "append", streaming: { queryId: this.options.queryId, batchId } });
        this.known = r.state;
        if (r.version === null) return { committed: false, metrics: {} };
        return {
          committed: true,
          metrics: {
            version: String(r.version),
            snapshotId: String(r.snapshotId),
            attempts: String(r.attempts),
            logMs: String(Math.round(planMs + performance.now() - t)),
            dataMs: String(Math.round(written.dataMs)),
          },
        };
      },
    };
  }

  async liveFiles(): Promise<string[]> {
    const current = await (this.options.catalog ?? hadoopCatalog).load(this.storage, this.root);
    if (current === null) return [];
    const table = { storage: this.storage, tableKey: this.root, current };
    const snapshot = selectSnapshot(current.metadata);
    if (snapshot === null) return [];
    return (await liveEntries(table, snapshot)).map((e) => locate(table, e.file.filePath, current.metadata).key);
  }
}
