/**
 * The Parquet file writer: consumes columnar batches (never row objects) and produces a Parquet
 * file Spark, DuckDB and Athena read, streaming row groups out as byte chunks.
 *
 * @example
 * ```ts
 * await loadCodec("zstd");
 * const w = new ParquetWriter(schema, { compression: "zstd" });
 * w.write(batch);                 // encodes pages; closes a row group when it is full
 * const head = w.takeChunks();    // optional: bytes ready so far (e.g. for a multipart upload)
 * const tail = w.finish();        // remaining bytes + footer
 * const stats = w.columnStats();  // per leaf column: nullCount, min, max (for Delta's stats)
 * ```
 */
import type { StructType } from "../../types/data-types.js";
import type { Batch } from "../../columnar/batch.js";
import { SinkError } from "../../errors.js";
import { codec, isCodecLoaded, loadCodec } from "../compression/codec.js";
import { ColumnWriter, footerStats } from "./column-writer.js";
import type { ColumnWriterSettings, DictionaryHints } from "./column-writer.js";
import { CompressionCodec, MAGIC } from "./constants.js";
import { encodeFooter } from "./footer.js";
import type { ChunkMeta, RowGroupMeta } from "./footer.js";
import { StatsAccumulator, statToJs } from "./statistics.js";
import type { ColumnStats } from "./statistics.js";
import { resolveWriteOptions } from "./write-options.js";
import type { ParquetWriteOptions, ResolvedWriteOptions } from "./write-options.js";
import { planParquetSchema } from "./write-schema.js";
import type { ParquetSchemaPlan } from "./write-schema.js";

export type { ParquetWriteOptions } from "./write-options.js";
export type { ColumnStats } from "./statistics.js";
export { DictionaryHints } from "./column-writer.js";

/** Rows encoded between two row-group size checks. */
const SIZE_CHECK_ROWS = 16_384;

const CODEC_IDS = {
  uncompressed: CompressionCodec.UNCOMPRESSED,
  snappy: CompressionCodec.SNAPPY,
  gzip: CompressionCodec.GZIP,
  zstd: CompressionCodec.ZSTD,
} as const;

/**
 * Writes one Parquet file. Not reusable: after `finish()` every call throws `SinkError`.
 *
 * Memory: the current row group's compressed pages plus the bytes not yet taken with
 * `takeChunks()`; input batches are not retained.
 */
export class ParquetWriter {
  /** The schema every written batch must have. */
  readonly schema: StructType;
  /** The resolved options (defaults filled in). */
  readonly options: ResolvedWriteOptions;
  private readonly plan: ParquetSchemaPlan;
  private readonly columns: ColumnWriter[];
  private readonly fileStats: StatsAccumulator[];
  private readonly rowGroups: RowGroupMeta[] = [];
  private readonly pending: Uint8Array[] = [];
  private offset = 0;
  private rowGroupRows = 0;
  private totalRows = 0;
  private finished = false;

  /**
   * Validates the options (`ConfigError`) and the schema (`SinkError` naming a column Parquet
   * cannot store). zstd must be loaded first (`await loadCodec("zstd")`, or use {@link create}).
   * `hints` are shared by the files of one write (see `DictionaryHints`).
   */
  constructor(schema: StructType, options: ParquetWriteOptions = {}, hints?: DictionaryHints) {
    this.schema = schema;
    this.options = resolveWriteOptions(options);
    this.plan = planParquetSchema(schema, this.options.fieldIds);
    const o = this.options;
    const settings: ColumnWriterSettings = {
      codec: codec(o.compression, o.compressionLevel),
      codecId: CODEC_IDS[o.compression],
      pageSize: o.pageSize,
      pageRowLimit: o.pageRowLimit,
      dictionary: o.dictionary,
      dictionaryPageSize: o.dictionaryPageSize,
      ...(hints === undefined ? {} : { hints }),
    };
    this.columns = this.plan.leaves.map((leaf) => new ColumnWriter(leaf, settings));
    this.fileStats = this.plan.leaves.map(() => new StatsAccumulator());
    this.emit(MAGIC.slice());
  }

  /** Loads the codec's runtime if needed, then constructs the writer. */
  static async create(schema: StructType, options: ParquetWriteOptions = {}, hints?: DictionaryHints): Promise<ParquetWriter> {
    const name = resolveWriteOptions(options).compression;
    if (!isCodecLoaded(name)) await loadCodec(name);
    return new ParquetWriter(schema, options, hints);
  }

  /** Bytes produced so far (taken or not), including closed row groups and the leading magic. */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Rows written so far. */
  get numRows(): number {
    return this.totalRows;
  }

  /** Row groups closed so far. */
  get numRowGroups(): number {
    return this.rowGroups.length;
  }

  /**
   * Encodes a batch. Its schema must have the writer's field names and types (nullability may
   * differ only where values allow it: a null in a non-nullable column is a `SinkError`).
   */
  write(batch: Batch): void {
    this.checkOpen();
    this.checkSchema(batch);
    const o = this.options;
    let r = 0;
    while (r < batch.numRows) {
      const n = Math.min(batch.numRows - r, o.rowGroupRows - this.rowGroupRows, SIZE_CHECK_ROWS);
      for (const cw of this.columns) cw.write(batch.columns[cw.leaf.topField], r, r + n);
      this.rowGroupRows += n;
      this.totalRows += n;
      r += n;
      if (this.rowGroupRows >= o.rowGroupRows || this.bufferedBytes() >= o.rowGroupSize) this.closeRowGroup();
    }
  }

  /** Closes the open row group now (no-op when it is empty), e.g. to bound a file's first flush. */
  flushRowGroup(): void {
    this.checkOpen();
    this.closeRowGroup();
  }

  /**
   * Ends the open pages and returns their buffers to the pool shared by the writers of this
   * thread (the pages are compressed and kept with the row group); the next rows start new pages.
   * For a file that goes idle while others are written: a partitioned write's files then share a
   * few sets of page buffers instead of each growing its own.
   */
  endPages(): void {
    this.checkOpen();
    for (const cw of this.columns) {
      cw.flushPage();
      cw.releaseBuffers();
    }
  }

  /** Removes and returns the bytes produced so far (closed row groups), in file order. */
  takeChunks(): Uint8Array[] {
    return this.pending.splice(0, this.pending.length);
  }

  /**
   * Closes the last row group, appends the footer and returns every byte not yet taken with
   * `takeChunks()` as one array (the whole file when nothing was taken).
   */
  finish(): Uint8Array {
    const parts = this.finishChunks();
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /**
   * As {@link finish}, but the bytes not yet taken come as they were produced, in file order
   * (pages, then the footer), for a caller that writes them out in pieces: no copy of the file.
   */
  finishChunks(): Uint8Array[] {
    this.checkOpen();
    this.closeRowGroup();
    for (const cw of this.columns) cw.release();
    const footer = encodeFooter({
      nodes: this.plan.nodes,
      rowGroups: this.rowGroups,
      numRows: this.totalRows,
      keyValueMetadata: this.options.keyValueMetadata,
      createdBy: this.options.createdBy,
      numLeaves: this.plan.leaves.length,
    });
    this.emit(footer);
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setInt32(0, footer.length, true);
    tail.set(MAGIC, 4);
    this.emit(tail);
    this.finished = true;
    return this.takeChunks();
  }

  /**
   * Statistics per leaf column over every row written so far (closed row groups and the open
   * one), in schema order, with min/max as JavaScript values (see `ColumnStats`).
   */
  columnStats(): ColumnStats[] {
    return this.plan.leaves.map((leaf, i) => {
      const acc = new StatsAccumulator();
      acc.merge(this.fileStats[i]);
      acc.merge(this.columns[i].currentStats());
      return {
        path: leaf.path,
        type: leaf.type,
        nullCount: acc.nullCount,
        valueCount: acc.valueCount,
        min: statToJs(acc.min, leaf.type, false),
        max: statToJs(acc.max, leaf.type, true),
      };
    });
  }

  private bufferedBytes(): number {
    let n = 0;
    for (const c of this.columns) n += c.bufferedBytes;
    return n;
  }

  private closeRowGroup(): void {
    if (this.rowGroupRows === 0) return;
    const start = this.offset;
    const metas: ChunkMeta[] = [];
    let uncompressed = 0;
    this.columns.forEach((cw, i) => {
      const chunk = cw.finishChunk();
      const chunkStart = this.offset;
      for (const p of chunk.parts) this.emit(p);
      this.fileStats[i].merge(chunk.stats);
      const fs = footerStats(chunk.stats, cw.leaf);
      metas.push({
        leaf: cw.leaf,
        fileOffset: chunkStart,
        dataPageOffset: chunkStart + chunk.dataPageRelOffset,
        dictionaryPageOffset: chunk.hasDictionary ? chunkStart : null,
        encodings: chunk.encodings,
        codecId: CODEC_IDS[this.options.compression],
        numValues: chunk.numValues,
        uncompressedSize: chunk.uncompressedLength,
        compressedSize: chunk.byteLength,
        min: fs.min,
        max: fs.max,
        nullCount: fs.nulls,
      });
      uncompressed += chunk.uncompressedLength;
    });
    this.rowGroups.push({
      columns: metas,
      numRows: this.rowGroupRows,
      fileOffset: start,
      totalByteSize: uncompressed,
      totalCompressedSize: this.offset - start,
    });
    this.rowGroupRows = 0;
  }

  private emit(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.offset += bytes.length;
  }

  private checkOpen(): void {
    if (this.finished) throw new SinkError("parquet writer: the file is already finished");
  }

  private checkSchema(batch: Batch): void {
    const want = this.schema.fields;
    const got = batch.schema.fields;
    if (got.length !== want.length) {
      throw new SinkError(
        `parquet writer: batch has ${got.length} columns (${got.map((f) => f.name).join(", ")}), the file has ${want.length} (${want.map((f) => f.name).join(", ")})`,
      );
    }
    for (let i = 0; i < want.length; i++) {
      if (got[i].name !== want[i].name || got[i].dataType.typeName !== want[i].dataType.typeName) {
        throw new SinkError(
          `parquet writer: batch column ${i} is '${got[i].name}' ${got[i].dataType.typeName}, the file expects '${want[i].name}' ${want[i].dataType.typeName}`,
        );
      }
    }
  }
}

/** Writes batches to one in-memory Parquet file (loads the codec if needed). */
export async function writeParquet(schema: StructType, batches: Iterable<Batch>, options: ParquetWriteOptions = {}): Promise<Uint8Array> {
  const w = await ParquetWriter.create(schema, options);
  for (const b of batches) w.write(b);
  return w.finish();
}
