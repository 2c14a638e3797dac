/**
 * The streaming file sink (`parquet`, `json`) with Spark's `_spark_metadata` log.
 *
 * Batch N writes new data files with unique names, then adds `_spark_metadata/N` (put-if-absent)
 * listing them. Readers that honour the log (Spark, and our own readers) see a batch's files only
 * once its log entry exists, so a crash mid-batch leaves only unlisted orphans. A batch whose id is
 * already in the log is skipped: re-running it after a crash writes nothing twice.
 *
 * Log entries are Spark's `SinkFileStatus` JSON; the log compacts every 10 batches
 * (`spark.sql.streaming.fileSink.log.compactInterval`) into `N.compact`.
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { takeBatch } from "../../columnar/ops.js";
import { isValid } from "../../columnar/vector.js";
import { render } from "../../exec/show.js";
import type { StructType } from "../../types/data-types.js";
import { StructType as Struct } from "../../types/data-types.js";
import { schemaToJson } from "../../types/json-schema.js";
import { AnalysisError, ConfigError, SinkError, SluiceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { resolveLocation, fileUrlOf, folderPrefix } from "../../storage/resolve.js";
import { CompactibleLog } from "../../checkpoint/metadata-log.js";
import { openSinkLog, liveSinkFiles } from "./sink-log-reader.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { AlreadyExistsError } from "../../errors.js";
import { ParquetWriter } from "../../formats/parquet/parquet-writer.js";
import { ParquetWriterThread, WRITER_THREAD_MIN_ROWS } from "../files/writer-thread.js";
import type { RemoteParquetFile } from "../files/writer-thread.js";
import { writeJsonLines } from "../../exec/json/to-json.js";
import type { StreamSink, SinkBatch } from "../../connectors/sink.js";
import type { SinkConnector, SinkContext } from "../../connectors/registry.js";
import { enumOption, validateOptions } from "../../options.js";

/** Spark's `SinkFileStatus`, one JSON line per file in `_spark_metadata/<N>`. */
export interface SinkFileStatus {
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modificationTime: number;
  readonly blockReplication: number;
  readonly blockSize: number;
  readonly action: "add" | "delete";
}

export type FileSinkFormat = "parquet" | "json";

/** The metadata log folder under a sink's path. */
export const SPARK_METADATA = "_spark_metadata";

const nonNegativeInt = z.string().transform((s, ctx) => {
  const n = Number(s.trim());
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be a non-negative integer" });
    return z.NEVER;
  }
  return n;
});

const sinkOptions = {
  path: z.string().min(1),
  compression: enumOption(["none", "uncompressed", "snappy", "gzip", "zstd"] as const),
  maxRecordsPerFile: nonNegativeInt,
};

export interface ResolvedSinkOptions {
  readonly storage: Storage;
  readonly key: string;
  readonly compression: "none" | "uncompressed" | "snappy" | "gzip" | "zstd";
  readonly maxRecordsPerFile: number;
}

/** Validates the sink options of `ctx` (ConfigError / AnalysisError naming the option or column). */
export function resolveFileSinkOptions(format: FileSinkFormat, ctx: SinkContext): ResolvedSinkOptions {
  const o = validateOptions(`${format} sink`, sinkOptions, ctx.options);
  if (o.path === undefined) {
    throw new ConfigError(`${format} sink: 'path' is not specified; pass start(path) or option("path", ...)`, { option: "path" });
  }
  const compression = o.compression ?? (format === "parquet" ? "snappy" : "none");
  if (format === "json" && compression !== "none" && compression !== "gzip" && compression !== "uncompressed") {
    throw new ConfigError(`json sink: option 'compression' must be none or gzip, got "${compression}"`, { option: "compression" });
  }
  for (const p of ctx.partitionBy) {
    if (!ctx.schema.fields.some((f) => f.name === p)) {
      throw new AnalysisError(
        `${format} sink: partition column '${p}' not found in schema [${ctx.schema.fields.map((f) => f.name).join(", ")}]`,
      );
    }
  }
  if (ctx.partitionBy.length === ctx.schema.fields.length && ctx.schema.fields.length > 0) {
    throw new AnalysisError(`${format} sink: cannot use all columns for partition columns`);
  }
  const { storage, key } = resolveLocation(o.path);
  return { storage, key, compression, maxRecordsPerFile: o.maxRecordsPerFile ?? 0 };
}

/** One open output file. */
interface OpenFile {
  readonly relPath: string;
  rows: number;
  readonly parquet: ParquetWriter | null;
  /** The file is encoded in the writer thread instead. */
  readonly remote: RemoteParquetFile | null;
  readonly json: Uint8Array[];
}

export class FileStreamSink implements StreamSink {
  readonly description: string;
  private readonly log: CompactibleLog<SinkFileStatus>;
  private readonly dataSchema: StructType;
  private readonly partitionOrdinals: readonly number[];
  private readonly dataOrdinals: readonly number[];
  private thread: ParquetWriterThread | null = null;

  constructor(
    private readonly format: FileSinkFormat,
    private readonly ctx: SinkContext,
    private readonly o: ResolvedSinkOptions,
  ) {
    this.description = `FileSink[${fileUrlOf(o.storage, o.key)}]`;
    this.log = new CompactibleLog<SinkFileStatus>(o.storage, `${folderPrefix(o.key)}${SPARK_METADATA}/`, {
      compactInterval: 10,
      isDeletedEntry: (e) => e.action === "delete",
    });
    const names = ctx.schema.fields.map((f) => f.name);
    this.partitionOrdinals = ctx.partitionBy.map((p) => names.indexOf(p));
    this.dataOrdinals = names.map((_, i) => i).filter((i) => !this.partitionOrdinals.includes(i));
    this.dataSchema = Struct(this.dataOrdinals.map((i) => ctx.schema.fields[i]));
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    const latest = await this.log.getLatest();
    if (latest !== null && batch.batchId <= latest.batchId) {
      // Already committed before a restart: consume the input (stateful operators must still see
      // it) and write nothing.
      for await (const _ of batch.data) void _;
      return { numOutputRows: 0 };
    }
    if (latest === null) await this.markLogFolder();
    const { files, rows } = await this.writeFiles(batch.data, batch.batchId);
    const added = await this.log.add(batch.batchId, files);
    if (!added) {
      // Another writer committed this batch id first; our files stay unlisted and invisible.
      return { numOutputRows: 0 };
    }
    return { numOutputRows: rows };
  }

  /**
   * Creates `_spark_metadata/` before the first data file is written (Spark creates the folder when
   * the sink starts), so a reader that looks at the folder meanwhile already honours the log and
   * never mistakes the first batch's partial files for data. Object stores have no empty folders,
   * so the folder is a marker object that is not a batch file.
   */
  private async markLogFolder(): Promise<void> {
    try {
      await this.o.storage.put(`${folderPrefix(this.o.key)}${SPARK_METADATA}/.sluice-sink`, encodeUtf8("sluice file sink\n"), { ifNotExists: true });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
  }

  /**
   * Writes `data` as new data files (partitioned, rolled by `maxRecordsPerFile`) and returns their
   * statuses. Files are not visible to log-honouring readers until listed in the log.
   */
  async writeFiles(data: AsyncIterable<Batch>, batchId: number): Promise<{ files: SinkFileStatus[]; rows: number }> {
    const open = new Map<string, OpenFile>();
    const files: SinkFileStatus[] = [];
    let rows = 0;
    try {
      for await (const chunk of data) {
        rows += chunk.numRows;
        for (const [dir, part] of this.split(chunk)) {
          let start = 0;
          while (start < part.numRows) {
            let f = open.get(dir);
            if (f === undefined) {
              f = await this.openFile(dir, part.numRows);
              open.set(dir, f);
            }
            const room = this.o.maxRecordsPerFile > 0 ? this.o.maxRecordsPerFile - f.rows : part.numRows - start;
            const n = Math.min(room, part.numRows - start);
            const slice = n === part.numRows && start === 0 ? part : takeBatch(part, range(start, start + n));
            await this.append(f, slice);
            start += n;
            if (this.o.maxRecordsPerFile > 0 && f.rows >= this.o.maxRecordsPerFile) {
              files.push(await this.closeFile(f));
              open.delete(dir);
            }
          }
        }
      }
      for (const f of open.values()) files.push(await this.closeFile(f));
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SinkError(`${this.format} sink: writing batch ${batchId} to ${this.description} failed: ${String(e)}`, {
        batchId,
        cause: e,
      });
    }
    return { files, rows };
  }

  /** Splits a chunk by partition values into `dir → rows without partition columns`. */
  private split(chunk: Batch): Map<string, Batch> {
    const out = new Map<string, Batch>();
    const project = (b: Batch) => makeBatch(this.dataSchema, this.dataOrdinals.map((i) => b.columns[i]), b.numRows);
    if (this.partitionOrdinals.length === 0) {
      out.set("", project(chunk));
      return out;
    }
    const groups = new Map<string, number[]>();
    for (let r = 0; r < chunk.numRows; r++) {
      let dir = "";
      for (const p of this.partitionOrdinals) {
        const v = chunk.columns[p];
        const value = isValid(v, r) ? escapePathName(render(v, r)) : HIVE_DEFAULT_PARTITION;
        dir += `${escapePathName(chunk.schema.fields[p].name)}=${value}/`;
      }
      let g = groups.get(dir);
      if (g === undefined) {
        g = [];
        groups.set(dir, g);
      }
      g.push(r);
    }
    for (const [dir, rows] of groups) out.set(dir, project(takeBatch(chunk, Int32Array.from(rows))));
    return out;
  }

  private async openFile(dir: string, firstChunkRows: number): Promise<OpenFile> {
    const codec = this.o.compression === "none" ? "uncompressed" : this.o.compression;
    const ext =
      this.format === "parquet"
        ? `${codec === "uncompressed" ? "" : `.${codec === "gzip" ? "gz" : codec}`}.parquet` // Parquet's codec extensions, as Spark names files
        : `.json${this.o.compression === "gzip" ? ".gz" : ""}`;
    const relPath = `${dir}part-00000-${randomUUID()}.c000${ext}`;
    const options = {
      compression: codec,
      keyValueMetadata: { "org.apache.spark.sql.parquet.row.metadata": schemaToJson(this.dataSchema) },
    } as const;
    if (this.format !== "parquet") return { relPath, rows: 0, parquet: null, remote: null, json: [] };
    // Big inputs are encoded and compressed beside the query's thread.
    if (this.ctx.writerThread && firstChunkRows >= WRITER_THREAD_MIN_ROWS) {
      this.thread ??= new ParquetWriterThread();
      return { relPath, rows: 0, parquet: null, remote: this.thread.open(this.dataSchema, options), json: [] };
    }
    return { relPath, rows: 0, parquet: await ParquetWriter.create(this.dataSchema, options), remote: null, json: [] };
  }

  private async append(f: OpenFile, b: Batch): Promise<void> {
    f.rows += b.numRows;
    if (f.remote !== null) await f.remote.write(b);
    else if (f.parquet !== null) f.parquet.write(b);
    else f.json.push(writeJsonLines(b));
  }

  /** Stops the writer thread, if one was started. */
  async stop(): Promise<void> {
    await this.thread?.close();
    this.thread = null;
  }

  private async closeFile(f: OpenFile): Promise<SinkFileStatus> {
    let bytes: Uint8Array;
    if (f.remote !== null) {
      bytes = await f.remote.finish();
    } else if (f.parquet !== null) {
      bytes = f.parquet.finish();
    } else {
      bytes = concatBytes(f.json);
      if (this.o.compression === "gzip") bytes = gzipSync(bytes);
    }
    const key = `${folderPrefix(this.o.key)}${f.relPath}`;
    await this.o.storage.put(key, bytes);
    return {
      path: fileUrlOf(this.o.storage, key),
      size: bytes.length,
      isDir: false,
      modificationTime: Date.now(),
      blockReplication: 1,
      blockSize: 33_554_432,
      action: "add",
    };
  }
}

/** Spark's directory name for a null partition value. */
export const HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

const ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\u007f", "{", "[", "]", "^"]);

/** Hive/Spark partition path escaping (`ExternalCatalogUtils.escapePathName`). */
export function escapePathName(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || ESCAPED.has(ch)) out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

function range(start: number, end: number): Int32Array {
  const a = new Int32Array(end - start);
  for (let i = 0; i < a.length; i++) a[i] = start + i;
  return a;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lists the files a reader honouring `_spark_metadata` sees (null when the folder has no log). */
export async function listSinkFiles(storage: Storage, key: string): Promise<SinkFileStatus[] | null> {
  const log = openSinkLog(storage, key);
  if ((await log.listBatchIds()).length === 0) return null;
  return liveSinkFiles(await log.allEntries());
}

export function fileSinkConnector(format: FileSinkFormat): SinkConnector {
  return {
    outputModes: ["append"],
    validate(ctx) {
      resolveFileSinkOptions(format, ctx);
    },
    create(ctx) {
      return new FileStreamSink(format, ctx, resolveFileSinkOptions(format, ctx));
    },
  };
}
