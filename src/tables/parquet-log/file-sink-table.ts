/**
 * The streaming file sink's table (`parquet`, `json`): data files plus Spark's `_spark_metadata`
 * log. Batch N's files are written first with unique names, then listed in `_spark_metadata/N`
 * (put-if-absent): readers that honour the log (Spark, and sluice's own readers) see a batch's
 * files only once its log entry exists, so a crash mid-batch leaves only unlisted orphans. A batch
 * whose id is already in the log is skipped. Entries are Spark's `SinkFileStatus` JSON; the log
 * compacts every 10 batches into `N.compact` and deletes the files no reader needs any more, as
 * the session's `spark.sql.streaming.fileSink.log.*` and `minBatchesToRetain` settings say
 * (`streamingRetention`). The table lists its log once, at its first batch; afterwards it knows the
 * latest batch id from its own writes, so a batch costs no listing however long the log.
 */
import type { CsvWriteOptions } from "../../formats/csv/csv-writer.js";
import type { Batch } from "../../columnar/batch.js";
import { AlreadyExistsError } from "../../errors.js";
import { CompactibleLog } from "../../checkpoint/metadata-log.js";
import { DEFAULT_RETENTION } from "../../checkpoint/retention.js";
import type { CompactibleLogSettings } from "../../checkpoint/retention.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { slotText } from "../../exec/eval/cast.js";
import { isValid } from "../../columnar/vector.js";
import type { Storage } from "../../storage/storage.js";
import { fileUrlOf, folderPrefix, resolveLocation } from "../../storage/resolve.js";
import { keyOfUrl } from "../../storage/url.js";
import type { StructType } from "../../types/data-types.js";
import type { DataFile, DataFileCodec, DataFileFormat, DataFileLayout, PartitionValueText } from "../files/data-file-writer.js";
import type { BatchCommit, BatchWrite, StreamingTable } from "../table-format.js";
import { SPARK_METADATA, liveSinkFiles, sinkLogPrefix } from "./sink-log.js";
import type { SinkFileStatus } from "./sink-log.js";

/** How the sink writes its files. */
export interface FileSinkLayout {
  readonly format: DataFileFormat;
  readonly compression: DataFileCodec;
  readonly partitionBy: readonly string[];
  /** Rows per file at most; unlimited when 0. */
  readonly maxRecordsPerFile: number;
  /** How CSV files are written (format `csv`). */
  readonly csv?: CsvWriteOptions;
}

/**
 * A partition value as Spark's file writer spells it: the value cast to a string (timestamps in
 * UTC, sluice's session time zone).
 */
export const fileSinkPartitionValue: PartitionValueText = (v, row) => (isValid(v, row) ? slotText(v, row) : null);

/** The file sink's output folder as a {@link StreamingTable}. */
export class FileSinkTable implements StreamingTable {
  readonly description: string;
  private readonly log: CompactibleLog<SinkFileStatus>;
  /** The newest batch id in the log, once known (-1: none); the sink tracks it instead of listing the log per batch. */
  private latest: number | null = null;

  /** `logSettings`: the log's compaction and retention (`streamingRetention(…).fileSinkLog`; Spark's defaults when absent). */
  constructor(
    readonly storage: Storage,
    readonly tableKey: string,
    private readonly layout: FileSinkLayout,
    logSettings: CompactibleLogSettings = DEFAULT_RETENTION.fileSinkLog,
  ) {
    this.description = `FileSink[${fileUrlOf(storage, tableKey)}]`;
    this.log = new CompactibleLog<SinkFileStatus>(storage, sinkLogPrefix(tableKey), {
      compactInterval: logSettings.compactInterval,
      isDeletedEntry: (e) => e.action === "delete",
      retainOldFiles: !logSettings.deletion,
      cleanupDelayMs: logSettings.cleanupDelayMs,
      minBatchesToRetain: logSettings.minBatchesToRetain,
    });
  }

  /** Opens the folder at `path` (a URL or local path). */
  static at(path: string, layout: FileSinkLayout): FileSinkTable {
    const { storage, key } = resolveLocation(path);
    return new FileSinkTable(storage, key, layout);
  }

  async beginBatch(batchId: number, schema: StructType): Promise<BatchWrite<undefined> | null> {
    // The log's latest batch id lists the log once, without reading a (compact) file.
    this.latest ??= (await this.log.latestBatchId()) ?? -1;
    if (batchId <= this.latest) return null;
    // Spark creates `_spark_metadata/` when the sink starts, so a reader that looks at the folder
    // meanwhile already honours the log and never mistakes the first batch's partial files for
    // data. Object stores have no empty folders: the folder is a marker object, not a batch file.
    if (this.latest < 0) await this.markLogFolder();
    const layout: DataFileLayout = {
      format: this.layout.format,
      compression: this.layout.compression,
      partitionBy: this.layout.partitionBy,
      partitionValue: fileSinkPartitionValue,
      maxRecordsPerFile: this.layout.maxRecordsPerFile,
      ...(this.layout.csv === undefined ? {} : { csv: this.layout.csv }),
    };
    return {
      schema,
      layout,
      conform: (data: AsyncIterable<Batch>) => data,
      commit: (files) => this.commit(batchId, files),
    };
  }

  async liveFiles(): Promise<string[]> {
    return liveSinkFiles(await this.log.allEntries()).map((e) => keyOfUrl(this.storage, e.path) ?? e.path);
  }

  private async commit(batchId: number, files: readonly DataFile<undefined>[]): Promise<BatchCommit> {
    const entries: SinkFileStatus[] = files.map((f) => ({
      path: fileUrlOf(this.storage, f.key),
      size: f.size,
      isDir: false,
      modificationTime: f.modificationTime,
      blockReplication: 1,
      blockSize: 33_554_432,
      action: "add",
    }));
    const added = await this.log.add(batchId, entries);
    this.latest = Math.max(this.latest ?? -1, batchId);
    // Not added: another writer committed this batch id first; our files stay unlisted and invisible.
    return { committed: added, metrics: {} };
  }

  private async markLogFolder(): Promise<void> {
    try {
      await this.storage.put(`${folderPrefix(this.tableKey)}${SPARK_METADATA}/.sluice-sink`, encodeUtf8("sluice file sink\n"), { ifNotExists: true });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
  }
}
