/**
 * OPTIMIZE (compaction by bin-packing), as Delta Lake's `OptimizeExecutor` without Z-order: in each
 * partition, the live files smaller than `minFileSize` are sorted by size and packed in order into
 * bins of at most `maxFileSize` bytes; every bin of two or more files is rewritten as one file.
 * One commit removes the compacted files and adds the new ones, all with `dataChange: false`, so
 * streaming readers skip it and the table's rows are unchanged.
 *
 * Each bin is written as one file (no rolling at the writer's target size), so a second OPTIMIZE
 * finds nothing left to do. Conflicts: the commit is not a blind append and names the compacted
 * files as read, so a concurrent commit that removed one of them makes it fail (its new files are
 * then deleted); concurrent appends do not.
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { vectorFromValues } from "../../columnar/build.js";
import { AnalysisError, CommitConflictError, ConfigError } from "../../errors.js";
import { compileExpr } from "../../exec/eval/compile.js";
import type { Expr } from "../../sql/expression.js";
import { bindPredicate, exprSql } from "../../plan/expressions/bind.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import { boundChildren } from "../../plan/expressions/bound.js";
import type { Storage } from "../../storage/storage.js";
import { StructType } from "../../types/data-types.js";
import type { AddFile, DeltaAction } from "./actions.js";
import { writeDataFiles } from "./data-writer.js";
import { hasDeltaLog, notADeltaTable } from "./table-check.js";
import { parsePartitionValue } from "./partition-values.js";
import { checkpointAfterCommit, deleteUncommittedFiles, removeFor } from "./post-commit.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaFile, DeltaSnapshot } from "./snapshot.js";
import { readDeltaFile } from "./table-reader.js";
import { commitActions } from "./transaction.js";
import { checkWritable } from "./writer-protocol.js";
import { toDisplayUrl } from "../../storage/url.js";

/** Delta's default `spark.databricks.delta.optimize.maxFileSize`: 1 GiB. */
export const DEFAULT_OPTIMIZE_MAX_FILE_SIZE = 1024 * 1024 * 1024;
/** Delta's default `spark.databricks.delta.optimize.minFileSize`: 1 GiB. */
export const DEFAULT_OPTIMIZE_MIN_FILE_SIZE = 1024 * 1024 * 1024;

/** Options of {@link optimizeTable}. */
export interface OptimizeOptions {
  /** Partition predicates (ANDed); they may reference partition columns only. */
  readonly where?: readonly Expr[];
  /** Files smaller than this (bytes) are compacted; default 1 GiB. */
  readonly minFileSize?: number;
  /** The most bytes of input files packed into one output file; default 1 GiB. */
  readonly maxFileSize?: number;
}

/** Sizes of a set of files (Delta's `FileSizeMetrics`). */
export interface FileSizeMetrics {
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number;
  readonly totalFiles: number;
  readonly totalSize: number;
}

/** What a compaction did (the fields of Delta's `OptimizeMetrics` that apply). */
export interface OptimizeMetrics {
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAdded: FileSizeMetrics;
  readonly filesRemoved: FileSizeMetrics;
  readonly partitionsOptimized: number;
  readonly numBatches: number;
  readonly totalConsideredFiles: number;
  readonly totalFilesSkipped: number;
  readonly preserveInsertionOrder: boolean;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly numTableColumns: number;
}

/** What {@link optimizeTable} did. */
export interface OptimizeResult {
  /** The committed version, or null when there was nothing to compact (no commit, as in Delta). */
  readonly version: number | null;
  readonly metrics: OptimizeMetrics;
}

/**
 * Compacts the small files of the Delta table at `tableKey` (see the module comment).
 * @throws AnalysisError when there is no table, sluice cannot write it (see `checkWritable`: e.g.
 *   deletion vectors, column mapping), or a predicate references a non-partition column;
 *   ConfigError for a non-positive size; CommitConflictError when a concurrent commit removed a
 *   compacted file (or changed the metadata).
 */
export async function optimizeTable(storage: Storage, tableKey: string, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const startTimeMs = Date.now();
  const tablePath = toDisplayUrl(storage, tableKey);
  const minFileSize = sizeOption(options.minFileSize, DEFAULT_OPTIMIZE_MIN_FILE_SIZE, "minFileSize");
  const maxFileSize = sizeOption(options.maxFileSize, DEFAULT_OPTIMIZE_MAX_FILE_SIZE, "maxFileSize");
  if (!(await hasDeltaLog(storage, tableKey))) throw notADeltaTable(tablePath);
  const snapshot = await loadSnapshot(storage, tableKey);
  checkWritable(snapshot.protocol, snapshot.metadata, tablePath, { dataChange: false });
  const candidates = filterPartitions(snapshot, options.where ?? [], tablePath);
  const bins = binPack(
    candidates.filter((f) => f.size < minFileSize),
    maxFileSize,
  );
  const compacted = bins.flat();
  const partitions = new Set(bins.map((b) => partitionKey(b[0])));
  const adds: AddFile[] = [];
  const { schema, partitionColumns } = snapshot.metadata;
  for (const bin of bins) {
    async function* rows(): AsyncGenerator<Batch> {
      for (const f of bin) for (const b of await readDeltaFile(storage, tableKey, snapshot, f)) yield b;
    }
    // One file per bin, as Delta writes it: rolling at the writer's default target (128 MiB) would
    // leave files below minFileSize that every later OPTIMIZE compacts again.
    const written = await writeDataFiles(storage, tableKey, schema, partitionColumns, rows(), { targetFileSize: Number.MAX_SAFE_INTEGER });
    // A bin is one partition: its new file keeps the partition strings exactly as the log has them
    // (re-serialising a parsed value could change a zone-less timestamp's meaning for other readers).
    for (const a of written) adds.push({ ...a, partitionValues: bin[0].partitionValues, dataChange: false });
  }
  const metrics = (endTimeMs: number): OptimizeMetrics => ({
    numFilesAdded: adds.length,
    numFilesRemoved: compacted.length,
    filesAdded: sizeMetrics(adds.map((a) => a.size)),
    filesRemoved: sizeMetrics(compacted.map((f) => f.size)),
    partitionsOptimized: partitions.size,
    numBatches: bins.length > 0 ? 1 : 0,
    totalConsideredFiles: candidates.length,
    totalFilesSkipped: candidates.length - compacted.length,
    preserveInsertionOrder: true,
    startTimeMs,
    endTimeMs,
    numTableColumns: schema.fields.length,
  });
  if (adds.length === 0) return { version: null, metrics: metrics(Date.now()) };
  const now = Date.now();
  const actions: DeltaAction[] = [
    ...compacted.map((f): DeltaAction => ({ kind: "remove", remove: removeFor(f, now, false) })),
    ...adds.map((add): DeltaAction => ({ kind: "add", add })),
  ];
  const sorted = adds.map((a) => a.size).sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  let version: number;
  try {
    version = await commitActions(storage, tableKey, snapshot.version, actions, {
      operation: "OPTIMIZE",
      operationParameters: {
        predicate: JSON.stringify((options.where ?? []).map(exprSql)),
        zOrderBy: "[]",
        clusterBy: "[]",
        auto: false,
        isFull: false,
      },
      operationMetrics: {
        numRemovedFiles: compacted.length,
        numRemovedBytes: compacted.reduce((s, f) => s + f.size, 0),
        numAddedFiles: adds.length,
        numAddedBytes: adds.reduce((s, a) => s + a.size, 0),
        minFileSize: sorted[0],
        p25FileSize: pct(0.25),
        p50FileSize: pct(0.5),
        p75FileSize: pct(0.75),
        maxFileSize: sorted[sorted.length - 1],
        numDeletionVectorsRemoved: 0,
      },
      isBlindAppend: false,
      readPaths: new Set(compacted.map((f) => f.rawPath)),
    });
  } catch (e) {
    // Only a conflict proves the commit was not written; after any other error it may have landed.
    if (e instanceof CommitConflictError) await deleteUncommittedFiles(storage, tableKey, adds);
    throw e;
  }
  await checkpointAfterCommit(storage, tableKey, version, snapshot.metadata.configuration);
  return { version, metrics: metrics(Date.now()) };
}

/**
 * Groups files by partition, sorts each group by size (then path) and packs it in that order into
 * bins of at most `maxBinSize` bytes (a file larger than that gets a bin of its own); bins of one
 * file are dropped. Partitions come in order of their first file's path.
 */
export function binPack(files: readonly DeltaFile[], maxBinSize: number): DeltaFile[][] {
  const byPartition = new Map<string, DeltaFile[]>();
  for (const f of files) {
    const k = partitionKey(f);
    let group = byPartition.get(k);
    if (group === undefined) byPartition.set(k, (group = []));
    group.push(f);
  }
  const bins: DeltaFile[][] = [];
  for (const group of byPartition.values()) {
    group.sort((a, b) => a.size - b.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    let bin: DeltaFile[] = [];
    let size = 0;
    for (const f of group) {
      if (bin.length > 0 && size + f.size > maxBinSize) {
        bins.push(bin);
        bin = [];
        size = 0;
      }
      bin.push(f);
      size += f.size;
    }
    if (bin.length > 0) bins.push(bin);
  }
  return bins.filter((b) => b.length > 1);
}

/** Live files whose partition values satisfy every predicate. */
function filterPartitions(snapshot: DeltaSnapshot, where: readonly Expr[], tablePath: string): readonly DeltaFile[] {
  if (where.length === 0 || snapshot.files.length === 0) return snapshot.files;
  const { schema, partitionColumns } = snapshot.metadata;
  const lower = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const partitionSchema = StructType(schema.fields.filter((f) => lower.has(f.name.toLowerCase())));
  const files = snapshot.files;
  const batch = makeBatch(
    partitionSchema,
    partitionSchema.fields.map((f) =>
      vectorFromValues(
        f.dataType,
        files.map((file) => parsePartitionValue(f.dataType, partitionValueOf(file, f.name), f.name)),
      ),
    ),
    files.length,
  );
  let keep = files.map(() => true);
  for (const w of where) {
    // Bound against the whole schema first, so a data column gets Delta's message, not "cannot resolve".
    const full = bindPredicate(w, schema);
    const nonPartition = referencedColumns(full, schema.fields.map((f) => f.name)).filter((c) => !lower.has(c.toLowerCase()));
    if (nonPartition.length > 0) {
      throw new AnalysisError(
        `delta optimize: predicate '${exprSql(w)}' references non-partition column '${nonPartition[0]}'; only the partition columns [${partitionColumns.join(", ")}] may be referenced at ${tablePath}`,
        { path: tablePath },
      );
    }
    const v = compileExpr(bindPredicate(w, partitionSchema))(batch);
    keep = keep.map((k, i) => k && v.kind === "bool" && v.values[i] === 1 && (v.valid === null || v.valid[i] === 1));
  }
  return files.filter((_, i) => keep[i]);
}

function referencedColumns(b: BoundExpr, names: readonly string[]): string[] {
  if (b.kind === "ref") return [names[b.ordinal]];
  return boundChildren(b).flatMap((c) => referencedColumns(c, names));
}

function partitionValueOf(file: DeltaFile, column: string): string | null {
  const v = file.partitionValues[column];
  if (v !== undefined) return v;
  const lower = column.toLowerCase();
  for (const [k, x] of Object.entries(file.partitionValues)) if (k.toLowerCase() === lower) return x;
  return null;
}

function partitionKey(f: DeltaFile): string {
  return JSON.stringify(Object.entries(f.partitionValues).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sizeMetrics(sizes: readonly number[]): FileSizeMetrics {
  const total = sizes.reduce((s, x) => s + x, 0);
  return {
    min: sizes.length === 0 ? null : Math.min(...sizes),
    max: sizes.length === 0 ? null : Math.max(...sizes),
    avg: sizes.length === 0 ? 0 : total / sizes.length,
    totalFiles: sizes.length,
    totalSize: total,
  };
}

function sizeOption(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(`delta optimize: ${name} must be a positive number of bytes, got ${v}`, { option: name });
  return v;
}
