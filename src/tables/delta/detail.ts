/**
 * DESCRIBE DETAIL of a Delta table: one row with Delta's columns (format, id, name, description,
 * location, createdAt, lastModified, partitionColumns, numFiles, sizeInBytes, properties,
 * minReaderVersion, minWriterVersion, tableFeatures), from the latest snapshot.
 */
import { ArrayType, IntegerType, LongType, MapType, StringType, StructField, StructType, TimestampType } from "../../types/data-types.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/resolve.js";
import { loadTableSnapshot } from "./delta-describe.js";
import { readHistory } from "./history.js";

export const DETAIL_SCHEMA = StructType([
  StructField("format", StringType()),
  StructField("id", StringType()),
  StructField("name", StringType()),
  StructField("description", StringType()),
  StructField("location", StringType()),
  StructField("createdAt", TimestampType()),
  StructField("lastModified", TimestampType()),
  StructField("partitionColumns", ArrayType(StringType(), true)),
  StructField("numFiles", LongType()),
  StructField("sizeInBytes", LongType()),
  StructField("properties", MapType(StringType(), StringType(), true)),
  StructField("minReaderVersion", IntegerType()),
  StructField("minWriterVersion", IntegerType()),
  StructField("tableFeatures", ArrayType(StringType(), true)),
]);

/** The DESCRIBE DETAIL row of the table at `tableKey` (`name`: the catalog name, or null for a path). */
export async function describeDetail(storage: Storage, tableKey: string, path: string, name: string | null): Promise<Record<string, unknown>> {
  const snapshot = await loadTableSnapshot(storage, tableKey, path, { versionAsOf: null, timestampAsOf: null });
  const latest = (await readHistory(storage, tableKey, 1))[0];
  const m = snapshot.metadata;
  const p = snapshot.protocol;
  return {
    format: "delta",
    id: m.id,
    name,
    description: null,
    location: toDisplayUrl(storage, tableKey),
    createdAt: m.createdTime === undefined ? null : new Date(m.createdTime),
    lastModified: latest === undefined ? null : new Date(latest.timestamp),
    partitionColumns: [...m.partitionColumns],
    numFiles: BigInt(snapshot.files.length),
    sizeInBytes: BigInt(snapshot.files.reduce((n, f) => n + f.size, 0)),
    properties: new Map(Object.entries(m.configuration)),
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    tableFeatures: [...new Set([...(p.readerFeatures ?? []), ...(p.writerFeatures ?? [])])],
  };
}
