/**
 * The Iceberg sink: `writeStream.format("iceberg")` and `df.write.format("iceberg")`.
 *
 * Streaming: every micro-batch is one snapshot whose summary records the query id and batch id
 * (`spark.sql.streaming.queryId` / `epochId`), and a batch the table's history already holds for
 * the query is skipped: exactly once across restarts, as Iceberg's Spark sink.
 * - append: an `append` snapshot of the batch's files (the shared table sink over
 *   `IcebergStreamingTable`);
 * - complete: an `overwrite` snapshot replacing every live file with the batch's rows;
 * - update: the batch's rows (an aggregation's changed groups) are merged into the table by the
 *   grouping columns, copy-on-write (`upsertIcebergByKey`: files holding a changed key are
 *   rewritten without it, in one `overwrite` snapshot); a query without aggregation appends. An
 *   aggregation whose grouping columns are not all in the output is refused when the query starts.
 *
 * Batch: `append`, `overwrite` (one overwrite snapshot), `errorifexists`, `ignore`.
 *
 * Options: `path`; `compression` (default: the table's `write.parquet.compression-codec`, else
 * zstd, Iceberg's default; `snappy`, `gzip`, `uncompressed`); `maxRecordsPerFile`;
 * `targetFileSize` (bytes or `128mb`); `mergeSchema`: columns of the data the table lacks are
 * added to its schema (new field ids, a new schema version); `tableProperty.<name>`: a property of a table the write
 * creates; `catalog` (`glue`), `database` and `table`: the table is committed through the Glue
 * Data Catalog (`metadata_location` swapped with Glue's VersionId; Athena reads it by name). A new table is partitioned by `partitionBy` columns (identity) or Spark's transform
 * calls: `years(ts)`, `months(ts)`, `days(ts)`, `hours(ts)`, `bucket(16, id)`, `truncate(4, s)`.
 */
import { z } from "zod";
import { AnalysisError, ConfigError } from "../../errors.js";
import { booleanOption, byteSizeOption, enumOption, positiveIntOption, validateOptions } from "../../options.js";
import { fileUrlOf, resolveLocation } from "../../storage/resolve.js";
import type { Storage } from "../../storage/storage.js";
import { writeDataFiles } from "../../tables/files/data-file-writer.js";
import { LazyWriterThread } from "../../tables/files/writer-thread.js";
import { hadoopCatalog } from "../../tables/iceberg/catalog-ops.js";
import type { GlueCatalog } from "../../catalog/glue/glue-catalog.js";
import { CATALOG_OPTIONS, icebergCatalogOf } from "./catalog-options.js";
import { IcebergStreamingTable } from "../../tables/iceberg/streaming-table.js";
import { commitIcebergWrite, lastCommittedBatch, planIcebergWrite, upsertIcebergByKey } from "../../tables/iceberg/table-writer.js";
import type { IcebergWriteOptions } from "../../tables/iceberg/table-writer.js";
import { counted, TableStreamSink } from "../table-sink.js";
import type { BatchWrite, SinkConnector, SinkContext } from "../registry.js";
import type { SinkBatch, StreamSink } from "../sink.js";

const CODECS = ["zstd", "snappy", "gzip", "uncompressed"] as const;

const SHAPE = {
  path: z.string().min(1),
  compression: enumOption(CODECS),
  maxRecordsPerFile: positiveIntOption,
  targetFileSize: byteSizeOption,
  mergeSchema: booleanOption,
  ...CATALOG_OPTIONS,
};

interface ResolvedSinkOptions {
  readonly storage: Storage;
  readonly key: string;
  readonly write: IcebergWriteOptions;
  /** The Glue catalog the table is committed through, to close when done; null for file-system tables. */
  readonly glue: GlueCatalog | null;
}

/** Splits `tableProperty.<name>` options (a new table's properties) from the others. */
function resolve(what: string, options: Readonly<Record<string, string>>, partitionBy: readonly string[], sessionConf: Readonly<Record<string, string>>): ResolvedSinkOptions {
  const properties: Record<string, string> = {};
  const others: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (k.toLowerCase().startsWith("tableproperty.")) properties[k.slice("tableProperty.".length)] = v;
    else others[k] = v;
  }
  const o = validateOptions(what, SHAPE, others);
  if (o.path === undefined) throw new ConfigError(`${what}: 'path' is not specified; pass save(path) / start(path) or option("path", ...)`, { option: "path" });
  const { storage, key } = resolveLocation(o.path);
  const catalog = icebergCatalogOf(what, o, sessionConf);
  return {
    storage,
    key,
    glue: catalog.glue,
    write: {
      ...(catalog.ops === null ? {} : { catalog: catalog.ops }),
      partitionBy,
      properties,
      ...(o.compression === undefined ? {} : { compression: o.compression }),
      ...(o.maxRecordsPerFile === undefined ? {} : { maxRecordsPerFile: o.maxRecordsPerFile }),
      ...(o.targetFileSize === undefined ? {} : { targetFileSize: o.targetFileSize }),
      ...(o.mergeSchema === true ? { mergeSchema: true } : {}),
    },
  };
}

function checkContext(ctx: SinkContext): ResolvedSinkOptions {
  const r = resolve("iceberg sink", ctx.options, ctx.partitionBy, ctx.sessionConf ?? {});
  if (ctx.outputMode === "update" && ctx.updateKeys?.kind === "unknown") {
    throw new ConfigError(
      `iceberg sink: update output mode merges rows by the aggregation's grouping columns, but ${ctx.updateKeys.reason}; keep every grouping column in the output or use complete mode`,
      { option: "outputMode" },
    );
  }
  return r;
}

/** The Iceberg streaming sink (see the module comment). */
class IcebergSink implements StreamSink {
  readonly description: string;
  private readonly thread: LazyWriterThread | null;
  private readonly appends: TableStreamSink;

  constructor(
    private readonly ctx: SinkContext,
    private readonly o: ResolvedSinkOptions,
  ) {
    this.description = `IcebergSink[${fileUrlOf(o.storage, o.key)}]`;
    this.thread = ctx.writerThread === true ? new LazyWriterThread() : null;
    this.appends = new TableStreamSink(new IcebergStreamingTable(o.storage, o.key, { ...o.write, queryId: ctx.queryId }), this.thread);
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number; metrics: Readonly<Record<string, string>> }> {
    const keys = this.ctx.updateKeys;
    if (batch.outputMode === "update" && keys?.kind === "keys") {
      const { result, numRows } = await upsertIcebergByKey(this.o.storage, this.o.key, batch.data, batch.schema, keys.columns, {
        ...this.o.write,
        streaming: { queryId: this.ctx.queryId, batchId: batch.batchId },
      });
      return { numOutputRows: result.version === null ? 0 : numRows, metrics: result.version === null ? {} : { version: String(result.version), snapshotId: String(result.snapshotId) } };
    }
    if (batch.outputMode !== "complete") return this.appends.addBatch(batch);
    const plan = await planIcebergWrite(this.o.storage, this.o.key, batch.schema, this.o.write);
    if (plan.base !== null && lastCommittedBatch(plan.base.metadata, this.ctx.queryId) >= batch.batchId) {
      for await (const _ of batch.data) void _;
      return { numOutputRows: 0, metrics: {} };
    }
    const count = { rows: 0 };
    const files = await writeDataFiles(this.o.storage, plan.dataKey, plan.writeSchema, plan.layout, counted(plan.conform(batch.data), count), { writerThread: this.thread?.get });
    const r = await commitIcebergWrite(plan, { files, operation: "overwrite", streaming: { queryId: this.ctx.queryId, batchId: batch.batchId } });
    return { numOutputRows: r.version === null ? 0 : count.rows, metrics: r.version === null ? {} : { version: String(r.version), snapshotId: String(r.snapshotId) } };
  }

  async stop(): Promise<void> {
    await this.appends.stop();
    await this.o.glue?.close();
  }
}

/**
 * `df.write.format("iceberg").mode(m).save(path)`: one snapshot (or none for `ignore` on an
 * existing table). @throws AnalysisError for `errorifexists` on an existing table or data that
 * does not fit it.
 */
export async function saveIcebergTable(write: BatchWrite): Promise<{ version: number | null; numRows: number }> {
  const o = resolve("iceberg writer", write.options, write.partitionBy, write.sessionConf ?? {});
  try {
    return await saveWith(write, o);
  } finally {
    await o.glue?.close();
  }
}

async function saveWith(write: BatchWrite, o: ResolvedSinkOptions): Promise<{ version: number | null; numRows: number }> {
  const exists = (await (o.write.catalog ?? hadoopCatalog).load(o.storage, o.key)) !== null;
  const url = fileUrlOf(o.storage, o.key);
  if (exists && write.mode === "errorifexists") throw new AnalysisError(`iceberg writer: Table ${url} already exists; write with mode("append") or mode("overwrite")`, { path: url });
  if (exists && write.mode === "ignore") return { version: null, numRows: 0 };
  const plan = await planIcebergWrite(o.storage, o.key, write.schema, o.write);
  const thread = write.writerThread ? new LazyWriterThread() : null;
  const count = { rows: 0 };
  try {
    const files = await writeDataFiles(o.storage, plan.dataKey, plan.writeSchema, plan.layout, counted(plan.conform(write.data()), count), { writerThread: thread?.get });
    const r = await commitIcebergWrite(plan, { files, operation: write.mode === "overwrite" ? "overwrite" : "append" });
    return { version: r.version, numRows: count.rows };
  } finally {
    await thread?.close();
  }
}

/** The `iceberg` sink connector. */
export const icebergSinkConnector: SinkConnector = {
  outputModes: ["append", "complete", "update"],
  validate(ctx) {
    checkContext(ctx);
  },
  create(ctx) {
    return new IcebergSink(ctx, checkContext(ctx));
  },
  async writeBatch(write) {
    await saveIcebergTable(write);
  },
};
