/**
 * Iceberg's batch reader and streaming source for `spark.read/readStream.format("iceberg")`.
 *
 * Batch: the current snapshot, or `snapshot-id` / `versionAsOf` (a snapshot id), or
 * `as-of-timestamp` (ms) / `timestampAsOf` (a timestamp): the snapshot current then, read with
 * the schema it was written with. Deletes are applied. Data files whose column metrics prove that
 * no row passes the query's filter are not read (`pruning.ts`; `numFilesPruned` in the progress).
 *
 * Streaming, as Iceberg's `SparkMicroBatchStream`:
 * - Offsets are Iceberg's `StreamingOffset` JSON: `{"version":1,"snapshot_id":S,"position":P,
 *   "scan_all_files":false}`: the first P added data files of snapshot S are read.
 * - With no checkpoint the stream starts at the oldest ancestor of the current snapshot
 *   (`stream-from-timestamp`: the first snapshot committed at or after it) and reads, snapshot by
 *   snapshot along the current branch, the data files each `append` snapshot added.
 * - `replace` snapshots (compaction) are skipped. A `delete` or `overwrite` snapshot fails the
 *   query naming it, unless `streaming-skip-delete-snapshots` / `streaming-skip-overwrite-snapshots`
 *   is true, which skips it.
 * - Rate limits: `streaming-max-files-per-micro-batch` and `streaming-max-rows-per-micro-batch`
 *   (at least one file per batch); `Trigger.Once` (ReadLimit `all`) ignores them.
 * - With `catalog=glue` (`database`, `table`: what `readStream.table("db.t")` sets for a Glue
 *   Iceberg table) each batch finds the table's newest metadata at the Glue table's
 *   `metadata_location`, never a metadata file a writer wrote but has not yet made current.
 */
import { z } from "zod";
import { AnalysisError, ConfigError, CorruptCheckpointError, SourceError } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import { booleanOption, positiveIntOption, validateOptions } from "../../options.js";
import { resolveLocation } from "../../storage/resolve.js";
import { fileUrlOf } from "../../storage/url.js";
import type { StructType } from "../../types/data-types.js";
import { describeFields, sameSchema } from "../../types/schema-compare.js";
import { parseLongJson, sameLong, stringifyLongJson } from "../../tables/iceberg/long-json.js";
import type { Long } from "../../tables/iceberg/long-json.js";
import { ADDED, DATA } from "../../tables/iceberg/manifest.js";
import type { ManifestEntry, ManifestFile } from "../../tables/iceberg/manifest.js";
import type { IcebergSchema, Snapshot, TableMetadata } from "../../tables/iceberg/metadata.js";
import { currentSchema } from "../../tables/iceberg/metadata.js";
import { ancestors, locate, manifestEntries, openIcebergTable, planScan, readScanTask, readSchema, selectSnapshot } from "../../tables/iceberg/table-reader.js";
import type { IcebergTableRef, ScanTask, SnapshotSpec } from "../../tables/iceberg/table-reader.js";
import { sparkSchemaOf } from "../../tables/iceberg/types.js";
import { manifestFilter, pruneEntries } from "../../tables/iceberg/pruning.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import type { GlueCatalog } from "../../catalog/glue/glue-catalog.js";
import type { IcebergCatalogOps } from "../../tables/iceberg/catalog-ops.js";
import { CATALOG_OPTIONS, icebergCatalogOf } from "./catalog-options.js";
import { timestampOption } from "../delta/delta-source-options.js";
import { tagInputFile } from "../../exec/eval/input-file.js";
import type { OffsetJson, ReadLimit, SourceContext, StreamSource } from "../source.js";
import type { Options, SourceConnector, SourceHints } from "../registry.js";

/** A snapshot id option: a long. */
const snapshotIdOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const t = String(v).trim();
  if (!/^-?\d+$/.test(t)) {
    ctx.addIssue({ code: "custom", message: "must be a snapshot id (an integer)" });
    return z.NEVER;
  }
  const b = BigInt(t);
  return Number.isSafeInteger(Number(b)) ? Number(b) : b;
});

/** ms since the epoch, given as a number of ms. */
const millisOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be milliseconds since the epoch" });
    return z.NEVER;
  }
  return n;
});

const SHAPE = {
  path: z.string().min(1),
  "snapshot-id": snapshotIdOption,
  versionAsOf: snapshotIdOption,
  "as-of-timestamp": millisOption,
  timestampAsOf: timestampOption,
  "stream-from-timestamp": millisOption,
  "streaming-skip-delete-snapshots": booleanOption,
  "streaming-skip-overwrite-snapshots": booleanOption,
  "streaming-max-files-per-micro-batch": positiveIntOption,
  "streaming-max-rows-per-micro-batch": positiveIntOption,
  ...CATALOG_OPTIONS,
};

/** The validated options of an Iceberg read. */
interface IcebergReadOptions {
  readonly path: string;
  readonly snapshot: SnapshotSpec;
  readonly streamFromTimestamp: number | null;
  readonly skipDeletes: boolean;
  readonly skipOverwrites: boolean;
  readonly maxFiles: number | null;
  readonly maxRows: number | null;
  /** `catalog`, `database`, `table`: a stream refreshes the table through its catalog. */
  readonly catalog: { readonly catalog?: "glue"; readonly database?: string; readonly table?: string };
}

/** Validates the options. @throws ConfigError naming the option. */
export function resolveIcebergReadOptions(options: Options, streaming: boolean): IcebergReadOptions {
  const o = validateOptions("iceberg source", SHAPE, options);
  if (o.path === undefined) throw new ConfigError("iceberg source: 'path' is not specified; pass load(path) or option(\"path\", ...)", { option: "path" });
  const snapshotId = o["snapshot-id"] ?? o.versionAsOf ?? null;
  const asOf = o["as-of-timestamp"] ?? o.timestampAsOf ?? null;
  if (snapshotId !== null && asOf !== null) {
    throw new ConfigError("iceberg source: cannot specify both a snapshot id and a timestamp to read as of", { option: "as-of-timestamp" });
  }
  if (streaming && (snapshotId !== null || asOf !== null)) {
    throw new ConfigError(
      `iceberg source: '${snapshotId !== null ? "snapshot-id" : "as-of-timestamp"}' is for batch reads (spark.read); a stream starts from 'stream-from-timestamp'`,
      { option: snapshotId !== null ? "snapshot-id" : "as-of-timestamp" },
    );
  }
  return {
    path: o.path,
    snapshot: { snapshotId, asOfTimestamp: asOf },
    streamFromTimestamp: o["stream-from-timestamp"] ?? null,
    skipDeletes: o["streaming-skip-delete-snapshots"] === true,
    skipOverwrites: o["streaming-skip-overwrite-snapshots"] === true,
    maxFiles: o["streaming-max-files-per-micro-batch"] ?? null,
    maxRows: o["streaming-max-rows-per-micro-batch"] ?? null,
    catalog: { ...(o.catalog === undefined ? {} : { catalog: o.catalog }), ...(o.database === undefined ? {} : { database: o.database }), ...(o.table === undefined ? {} : { table: o.table }) },
  };
}

/** The table at `path`: a table folder, or a `…/metadata/<file>.metadata.json` to read at. */
async function openAt(path: string): Promise<IcebergTableRef> {
  const { storage, key } = resolveLocation(path);
  const m = /^(.*)\/metadata\/[^/]+\.metadata\.json$/.exec(key);
  return m === null ? openIcebergTable(storage, key) : openIcebergTable(storage, m[1], key);
}

/**
 * The schema a read of `options` has: the snapshot's (time travel) or the table's current one.
 * @throws AnalysisError when `userSchema` differs from it; NotFoundError when there is no table.
 */
export async function resolveIcebergSchema(options: Options, userSchema: StructType | null, streaming: boolean): Promise<StructType> {
  const o = resolveIcebergReadOptions(options, streaming);
  const table = await openAt(o.path);
  const m = table.current.metadata;
  const schema = sparkSchemaOf(readSchema(m, o.snapshot, selectSnapshot(m, o.snapshot)));
  if (userSchema !== null && !sameSchema(userSchema, schema)) {
    throw new AnalysisError(
      `iceberg: a schema cannot be specified when reading an Iceberg table (${o.path}); the table's schema is (${describeFields(schema)}), got (${describeFields(userSchema)})`,
      { path: o.path },
    );
  }
  return schema;
}

/** Iceberg's `StreamingOffset`. */
interface StreamingOffset {
  readonly snapshotId: Long;
  /** Added data files of the snapshot already read. */
  readonly position: number;
  readonly scanAllFiles: boolean;
}

function formatOffset(o: StreamingOffset): OffsetJson {
  return stringifyLongJson({ version: 1, snapshot_id: o.snapshotId, position: o.position, scan_all_files: o.scanAllFiles });
}

function parseOffset(json: OffsetJson): StreamingOffset {
  let v: unknown;
  try {
    v = parseLongJson(json);
  } catch {
    v = null;
  }
  const o = (v !== null && typeof v === "object" ? v : {}) as Record<string, unknown>;
  const id = o.snapshot_id;
  if (o.version !== 1 || (typeof id !== "number" && typeof id !== "bigint") || typeof o.position !== "number" || typeof o.scan_all_files !== "boolean") {
    throw new CorruptCheckpointError(`iceberg source: invalid offset ${json}; expected {"version":1,"snapshot_id":S,"position":P,"scan_all_files":B}`, { offset: json });
  }
  return { snapshotId: id, position: o.position, scanAllFiles: o.scan_all_files };
}

/** The streaming and batch source of one Iceberg table. */
export class IcebergSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly o: IcebergReadOptions;
  private readonly streaming: boolean;
  private readonly columns: readonly number[] | null;
  /** A filter the plan applies after the source: files whose metrics prove no row matches it are not read. */
  private readonly filter: BoundExpr | null;
  private table: IcebergTableRef | null = null;
  /**
   * Added data files by snapshot id (text), cached: a snapshot never changes. `commit` drops all
   * but the committed end's snapshot, so a long-running stream does not hold every snapshot's.
   */
  private readonly added = new Map<string, ManifestEntry[]>();
  private latest: OffsetJson | null = null;
  /** Data files skipped by the filter (see {@link metrics}). */
  private pruned = 0;
  /** The table's catalog (from `catalog`), set by `open`; null for a file-system table. */
  private catalog: IcebergCatalogOps | null = null;
  private glue: GlueCatalog | null = null;

  constructor(options: Options, hints: SourceHints) {
    this.o = resolveIcebergReadOptions(options, hints.streaming);
    this.streaming = hints.streaming;
    this.schema = hints.schema;
    this.columns = hints.columns ?? null;
    this.filter = hints.filter ?? null;
    this.description = `IcebergSource[${this.o.path}]`;
  }

  async open(ctx: SourceContext): Promise<void> {
    this.table = await openAt(this.o.path);
    const c = icebergCatalogOf("iceberg source", this.o.catalog, ctx.sessionConf ?? {});
    this.catalog = c.ops;
    this.glue = c.glue;
  }

  /** The table's newest metadata: through its catalog when it has one (Glue's `metadata_location`), else its folder. */
  private async refresh(): Promise<IcebergTableRef> {
    const t = this.table ?? (await openAt(this.o.path));
    if (this.catalog === null) {
      this.table = await openIcebergTable(t.storage, t.tableKey);
      return this.table;
    }
    const current = await this.catalog.load(t.storage, t.tableKey);
    if (current === null) throw new SourceError(`iceberg source: ${this.catalog.description} no longer exists`);
    this.table = { storage: t.storage, tableKey: t.tableKey, current };
    return this.table;
  }

  async latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    if (!this.streaming) {
      if (start !== null) return start;
      const t = this.table ?? (await this.refresh());
      const snap = selectSnapshot(t.current.metadata, this.o.snapshot);
      return snap === null ? null : formatOffset({ snapshotId: snap["snapshot-id"], position: 0, scanAllFiles: true });
    }
    const t = await this.refresh();
    const m = t.current.metadata;
    const chain = [...ancestors(m)].reverse();
    if (chain.length === 0) return start;
    let from: StreamingOffset;
    if (start === null) {
      const first = this.o.streamFromTimestamp === null ? chain[0] : chain.find((s) => s["timestamp-ms"] >= (this.o.streamFromTimestamp ?? 0));
      if (first === undefined) return null;
      from = { snapshotId: first["snapshot-id"], position: 0, scanAllFiles: false };
    } else from = parseOffset(start);
    let at = chain.findIndex((s) => sameLong(s["snapshot-id"], from.snapshotId));
    if (at < 0) {
      throw new SourceError(
        `iceberg source: snapshot ${String(from.snapshotId)} the query read last is no longer in the history of ${this.o.path} (expired, or the table was replaced); restart the query with a new checkpoint`,
      );
    }
    let files = 0;
    let rows = 0;
    let end: StreamingOffset = from;
    const bounded = limit.kind !== "all";
    for (let position = from.position; at < chain.length; at++, position = 0) {
      const snap = chain[at];
      if (!this.shouldRead(snap)) {
        end = { snapshotId: snap["snapshot-id"], position: 0, scanAllFiles: false };
        continue;
      }
      const added = await this.addedFiles(t, snap);
      let p = position;
      while (p < added.length) {
        if (bounded && files > 0 && ((this.o.maxFiles !== null && files >= this.o.maxFiles) || (this.o.maxRows !== null && rows + added[p].file.recordCount > this.o.maxRows))) {
          return this.setLatest(formatOffset(end), start);
        }
        files++;
        rows += added[p].file.recordCount;
        p++;
        end = { snapshotId: snap["snapshot-id"], position: p, scanAllFiles: false };
      }
      if (added.length === 0 || position >= added.length) end = { snapshotId: snap["snapshot-id"], position: added.length, scanAllFiles: false };
    }
    return this.setLatest(formatOffset(end), start);
  }

  private setLatest(end: OffsetJson, start: OffsetJson | null): OffsetJson | null {
    this.latest = end;
    if (start !== null && sameOffset(parseOffset(start), parseOffset(end))) return start;
    return end;
  }

  reportLatestOffset(): OffsetJson | null {
    return this.latest;
  }

  /** Whether a snapshot's added files are read; throws for deletes and overwrites not skipped. */
  private shouldRead(s: Snapshot): boolean {
    const op = s.summary?.operation ?? "append";
    switch (op) {
      case "append":
        return true;
      case "replace":
        return false;
      case "delete":
        if (this.o.skipDeletes) return false;
        throw new SourceError(
          `iceberg source: cannot process a delete snapshot (${String(s["snapshot-id"])}) of ${this.o.path}; set option 'streaming-skip-delete-snapshots' to true to skip it`,
        );
      case "overwrite":
        if (this.o.skipOverwrites) return false;
        throw new SourceError(
          `iceberg source: cannot process an overwrite snapshot (${String(s["snapshot-id"])}) of ${this.o.path}; set option 'streaming-skip-overwrite-snapshots' to true to skip it`,
        );
      default:
        throw new SourceError(`iceberg source: unknown snapshot operation '${op}' in snapshot ${String(s["snapshot-id"])} of ${this.o.path}`);
    }
  }

  /** The data files `snapshot` added, in manifest order. */
  private async addedFiles(t: IcebergTableRef, snapshot: Snapshot): Promise<ManifestEntry[]> {
    const id = String(snapshot["snapshot-id"]);
    const cached = this.added.get(id);
    if (cached !== undefined) return cached;
    const mine = (mf: ManifestFile) => mf.content === 0 && sameLong(mf.addedSnapshotId, snapshot["snapshot-id"]);
    const out = (await manifestEntries(t, snapshot, mine)).filter((e) => e.status === ADDED && e.file.content === DATA && sameLong(e.snapshotId, snapshot["snapshot-id"]));
    this.added.set(id, out);
    return out;
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    const t = this.table ?? (await this.refresh());
    const m = t.current.metadata;
    const to = parseOffset(end);
    if (to.scanAllFiles) {
      const snap = selectSnapshot(m, { snapshotId: to.snapshotId });
      const schema = readSchema(m, this.o.snapshot, snap);
      const tasks = await planScan(t, snap, this.filter === null ? undefined : manifestFilter(m, schema, this.filter));
      const kept = new Set(this.filter === null ? tasks.map((x) => x.data) : pruneEntries(tasks.map((x) => x.data), schema, this.filter));
      this.pruned += tasks.length - kept.size;
      for (const task of tasks) if (kept.has(task.data)) yield* this.readTask(t, schema, task);
      return;
    }
    const schema = this.streamSchema(m);
    const chain = [...ancestors(m)].reverse();
    const from = start === null ? null : parseOffset(start);
    let at = from === null ? 0 : chain.findIndex((s) => sameLong(s["snapshot-id"], from.snapshotId));
    if (from === null && this.o.streamFromTimestamp !== null) at = chain.findIndex((s) => s["timestamp-ms"] >= (this.o.streamFromTimestamp ?? 0));
    const last = chain.findIndex((s) => sameLong(s["snapshot-id"], to.snapshotId));
    if (at < 0 || last < 0) throw new SourceError(`iceberg source: the snapshots of batch (${start ?? "start"}, ${end}] are no longer in the history of ${this.o.path}`);
    for (let i = at; i <= last; i++) {
      const snap = chain[i];
      if (!this.shouldRead(snap)) continue;
      const added = await this.addedFiles(t, snap);
      const lo = i === at && from !== null ? from.position : 0;
      const hi = i === last ? to.position : added.length;
      const range = added.slice(lo, hi);
      const kept = new Set(this.filter === null ? range : pruneEntries(range, schema, this.filter));
      this.pruned += range.length - kept.size;
      for (const e of range) if (kept.has(e)) yield* this.readTask(t, schema, { data: e, positionDeletes: [], equalityDeletes: [] });
    }
  }

  /** The schema streamed files are read with: the table's current schema, checked against the query's. */
  private streamSchema(m: TableMetadata): IcebergSchema {
    const schema = currentSchema(m);
    const spark = sparkSchemaOf(schema);
    if (!sameSchema(spark, this.schema)) {
      // Columns added later are not read; anything else (dropped, renamed, retyped) stops the query.
      const names = new Set(spark.fields.map((f) => f.name));
      if (!this.schema.fields.every((f) => names.has(f.name))) {
        throw new SourceError(
          `iceberg source: the schema of ${this.o.path} changed to (${describeFields(spark)}), which the query defined with (${describeFields(this.schema)}) cannot read; restart the query`,
        );
      }
      return { ...schema, fields: this.schema.fields.map((f) => schema.fields.find((x) => x.name === f.name) ?? schema.fields[0]) };
    }
    return schema;
  }

  private async *readTask(t: IcebergTableRef, schema: IcebergSchema, task: ScanTask): AsyncGenerator<Batch> {
    const { storage, key } = locate(t, task.data.file.filePath, t.current.metadata);
    const url = fileUrlOf(storage, key);
    const block = { path: url, start: 0, length: task.data.file.fileSizeInBytes };
    for await (const b of readScanTask(t, schema, task, { columns: this.columns })) yield tagInputFile(b, block);
  }

  /** Progress metrics: data files skipped by their metrics since the query started. */
  metrics(): Record<string, string> {
    return { numFilesPruned: String(this.pruned) };
  }

  async commit(end: OffsetJson): Promise<void> {
    // The next batch starts in the end's snapshot; the others cached were read up to it (and a
    // cache miss only reads a manifest list again).
    const keep = String(parseOffset(end).snapshotId);
    for (const id of [...this.added.keys()]) if (id !== keep) this.added.delete(id);
  }


  async stop(): Promise<void> {
    this.table = null;
    await this.glue?.close();
  }
}

function sameOffset(a: StreamingOffset, b: StreamingOffset): boolean {
  return sameLong(a.snapshotId, b.snapshotId) && a.position === b.position && a.scanAllFiles === b.scanAllFiles;
}

/** The registry entry of the iceberg source. */
export const icebergSourceConnector: SourceConnector = {
  staticSchema: (options, _userSchema, ctx) => {
    resolveIcebergReadOptions(options, ctx.streaming);
    return null;
  },
  resolveSchema: (options, userSchema, ctx) => resolveIcebergSchema(options, userSchema, ctx.streaming),
  create: (options, hints) => new IcebergSource(options, hints),
};
