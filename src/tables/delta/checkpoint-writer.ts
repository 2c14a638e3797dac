/**
 * Writing classic single-file Parquet checkpoints (`_delta_log/<version>.checkpoint.parquet`) and
 * the `_last_checkpoint` hint, with the column schema Spark's Delta writer uses (PROTOCOL.md
 * "Checkpoints"), so that Spark, delta-rs, Trino and DuckDB accept them.
 *
 * A checkpoint holds one row per action of the reconciled state: the protocol, the metaData, the
 * latest txn per appId, every live add and every unexpired remove tombstone (both with
 * `dataChange = false`, as Spark writes them). A tombstone expires when its `deletionTimestamp` is
 * not after `now - delta.deletedFileRetentionDuration` (default one week), `now` being the time the
 * checkpoint is written, as Spark decides; VACUUM relies on the kept ones.
 */
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { ArrayType, BooleanType, IntegerType, LongType, MapType, StringType, StructField, StructType } from "../../types/data-types.js";
import { makeBatch } from "../../columnar/batch.js";
import { vectorFromValues } from "../../columnar/build.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { ParquetWriter } from "../../formats/parquet/parquet-writer.js";
import { ConfigError } from "../../errors.js";
import type { DeltaSnapshot, DeltaTombstone } from "./snapshot.js";
import { CHECKPOINT_INTERVAL_PROPERTY, DEFAULT_CHECKPOINT_INTERVAL, deletedFileRetentionMs } from "./table-properties.js";

/** The content sluice writes to `_delta_log/_last_checkpoint` (Spark's fields, without `checkpointSchema`/`checksum`). */
export interface LastCheckpoint {
  readonly version: number;
  /** Number of actions (rows) in the checkpoint. */
  readonly size: number;
  /** Byte size of the checkpoint file. */
  readonly sizeInBytes: number;
  /** Number of `add` rows in the checkpoint. */
  readonly numOfAddFiles: number;
}

/**
 * Whether a checkpoint is due after committing `version`: as Spark does, when the version is not 0
 * and is a multiple of `interval`.
 * @throws ConfigError when `interval` is not a positive integer.
 */
export function shouldCheckpoint(version: number, interval: number = DEFAULT_CHECKPOINT_INTERVAL): boolean {
  if (!Number.isInteger(interval) || interval <= 0) {
    throw new ConfigError(`delta: ${CHECKPOINT_INTERVAL_PROPERTY} must be a positive integer, got ${interval}`);
  }
  return version > 0 && version % interval === 0;
}

/** The `_delta_log/` key of the single-file checkpoint of `version` (20-digit zero-padded). */
export function checkpointKey(tableKey: string, version: number): string {
  return `${folderPrefix(tableKey)}_delta_log/${String(version).padStart(20, "0")}.checkpoint.parquet`;
}

const MAP_SS = MapType(StringType(), StringType(), true);

/** Spark's checkpoint schema (column order txn, add, remove, metaData, protocol). */
function checkpointSchema(withFeatures: boolean): StructType {
  const protocolFields: StructField[] = [StructField("minReaderVersion", IntegerType()), StructField("minWriterVersion", IntegerType())];
  if (withFeatures) {
    protocolFields.push(StructField("readerFeatures", ArrayType(StringType())), StructField("writerFeatures", ArrayType(StringType())));
  }
  return StructType([
    StructField("txn", StructType([StructField("appId", StringType()), StructField("version", LongType()), StructField("lastUpdated", LongType())])),
    StructField(
      "add",
      StructType([
        StructField("path", StringType()),
        StructField("partitionValues", MAP_SS),
        StructField("size", LongType()),
        StructField("modificationTime", LongType()),
        StructField("dataChange", BooleanType()),
        StructField("tags", MAP_SS),
        StructField("stats", StringType()),
      ]),
    ),
    StructField(
      "remove",
      StructType([
        StructField("path", StringType()),
        StructField("deletionTimestamp", LongType()),
        StructField("dataChange", BooleanType()),
        StructField("extendedFileMetadata", BooleanType()),
        StructField("partitionValues", MAP_SS),
        StructField("size", LongType()),
        StructField("tags", MAP_SS),
      ]),
    ),
    StructField(
      "metaData",
      StructType([
        StructField("id", StringType()),
        StructField("name", StringType()),
        StructField("description", StringType()),
        StructField("format", StructType([StructField("provider", StringType()), StructField("options", MAP_SS)])),
        StructField("schemaString", StringType()),
        StructField("partitionColumns", ArrayType(StringType())),
        StructField("configuration", MAP_SS),
        StructField("createdTime", LongType()),
      ]),
    ),
    StructField("protocol", StructType(protocolFields)),
  ]);
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** The clock tombstone retention is measured from (ms since the epoch); `Date.now()` by default. */
  readonly now?: number;
}

/**
 * The tombstones of `snapshot` a checkpoint written at `now` keeps: those whose
 * `deletionTimestamp` is after `now` minus the table's `delta.deletedFileRetentionDuration`
 * (a missing timestamp counts as 0, so such tombstones expire), in path order.
 * @throws ConfigError when the retention property is malformed.
 */
export function unexpiredTombstones(snapshot: DeltaSnapshot, now: number = Date.now()): DeltaTombstone[] {
  const minRetained = now - deletedFileRetentionMs(snapshot.metadata.configuration);
  return snapshot.tombstones.filter((t) => (t.deletionTimestamp ?? 0) > minRetained);
}

/**
 * Writes the checkpoint of `snapshot` for the table rooted at `tableKey`: first
 * `_delta_log/<version>.checkpoint.parquet` (snappy, one atomic overwriting put), then
 * `_delta_log/<version>` into `_last_checkpoint` (overwritten). The snapshot must be the table's
 * state at `snapshot.version` (e.g. from `loadSnapshot`). Add paths are written as they appear in
 * the log (`rawPath`, URI-encoded). Reader/writer features are written only when the protocol has
 * them. Unexpired tombstones are carried (see {@link unexpiredTombstones}); remove paths are also
 * written as in the log. A checkpoint is an optimisation: callers may ignore a failure, the log stays
 * readable from its JSON commits.
 * @returns the `_last_checkpoint` content written.
 * @throws SinkError / StorageError when the file cannot be encoded or stored; ConfigError when
 *   `delta.deletedFileRetentionDuration` is malformed.
 */
export async function writeCheckpoint(storage: Storage, tableKey: string, snapshot: DeltaSnapshot, options: WriteCheckpointOptions = {}): Promise<LastCheckpoint> {
  const { protocol, metadata } = snapshot;
  const withFeatures = protocol.readerFeatures !== undefined || protocol.writerFeatures !== undefined;
  const schema = checkpointSchema(withFeatures);
  const txns = [...snapshot.txns.values()];
  const files = snapshot.files;
  const tombstones = unexpiredTombstones(snapshot, options.now);
  const numRows = 2 + txns.length + files.length + tombstones.length;
  // Row layout: 0 = protocol, 1 = metaData, then txns, adds, removes. Each column is null outside its rows.
  const txnValues = new Array<unknown>(numRows).fill(null);
  const addValues = new Array<unknown>(numRows).fill(null);
  const removeValues = new Array<unknown>(numRows).fill(null);
  const metaValues = new Array<unknown>(numRows).fill(null);
  const protocolValues = new Array<unknown>(numRows).fill(null);
  const protocolRow: Record<string, unknown> = { minReaderVersion: protocol.minReaderVersion, minWriterVersion: protocol.minWriterVersion };
  if (withFeatures) {
    protocolRow.readerFeatures = protocol.readerFeatures ?? null;
    protocolRow.writerFeatures = protocol.writerFeatures ?? null;
  }
  protocolValues[0] = protocolRow;
  metaValues[1] = {
    id: metadata.id,
    name: null,
    description: null,
    format: { provider: "parquet", options: {} },
    schemaString: metadata.schemaString,
    partitionColumns: metadata.partitionColumns,
    configuration: metadata.configuration,
    createdTime: metadata.createdTime ?? null,
  };
  let row = 2;
  for (const t of txns) txnValues[row++] = { appId: t.appId, version: t.version, lastUpdated: t.lastUpdated ?? null };
  for (const f of files) {
    addValues[row++] = {
      path: f.rawPath,
      partitionValues: f.partitionValues,
      size: f.size,
      modificationTime: f.modificationTime,
      dataChange: false,
      tags: null,
      stats: f.stats ?? null,
    };
  }
  for (const t of tombstones) {
    removeValues[row++] = {
      path: t.rawPath,
      deletionTimestamp: t.deletionTimestamp ?? null,
      dataChange: false,
      extendedFileMetadata: t.extendedFileMetadata ?? null,
      partitionValues: t.partitionValues ?? null,
      size: t.size ?? null,
      tags: t.tags ?? null,
    };
  }
  const columnValues: Record<string, unknown[]> = { txn: txnValues, add: addValues, remove: removeValues, metaData: metaValues, protocol: protocolValues };
  const columns = schema.fields.map((field) => vectorFromValues(field.dataType, columnValues[field.name] ?? []));
  const writer = await ParquetWriter.create(schema, { compression: "snappy" });
  writer.write(makeBatch(schema, columns, numRows));
  const bytes = writer.finish(); // nothing was taken with takeChunks(): the whole file
  await storage.put(checkpointKey(tableKey, snapshot.version), bytes);
  const last: LastCheckpoint = { version: snapshot.version, size: numRows, sizeInBytes: bytes.length, numOfAddFiles: files.length };
  await storage.put(`${folderPrefix(tableKey)}_delta_log/_last_checkpoint`, encodeUtf8(JSON.stringify(last)));
  return last;
}
