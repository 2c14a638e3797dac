/**
 * `sluice table describe PATH`: what Spark's `DESCRIBE DETAIL` tells about a Delta table (format,
 * location, id, version, protocol, partition columns, files, size, properties) plus its schema tree.
 */
import { treeString } from "../types/print-schema.js";
import { commitKey } from "../tables/delta/transaction.js";
import type { DeltaSnapshot } from "../tables/delta/snapshot.js";
import type { DeltaLocation } from "./delta-location.js";

/** The facts `describe` prints; `--json` prints this object (keys as Spark's DESCRIBE DETAIL, plus a few). */
export interface TableDetail {
  readonly format: "delta";
  readonly id: string;
  readonly location: string;
  /** ISO 8601, when the metaData action records it. */
  readonly createdAt: string | null;
  /** ISO 8601: when the latest commit was written. */
  readonly lastModified: string | null;
  readonly version: number;
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly tableFeatures: readonly string[];
  readonly partitionColumns: readonly string[];
  readonly numFiles: number;
  readonly sizeInBytes: number;
  /** Sum of the files' `numRecords` statistics; null when a file has none. */
  readonly numRecords: number | null;
  readonly properties: Readonly<Record<string, string>>;
  /** The schema as Delta's `schemaString` JSON. */
  readonly schema: unknown;
}

/** The detail of `snapshot`, the latest version of the table at `location`. */
export async function tableDetail(location: DeltaLocation, snapshot: DeltaSnapshot): Promise<TableDetail> {
  const { metadata, protocol } = snapshot;
  const head = await location.storage.head(commitKey(location.key, snapshot.version));
  let sizeInBytes = 0;
  let numRecords: number | null = 0;
  for (const f of snapshot.files) {
    sizeInBytes += f.size;
    const n = recordsOf(f.stats);
    numRecords = numRecords === null || n === null ? null : numRecords + n;
  }
  return {
    format: "delta",
    id: metadata.id,
    location: location.url,
    createdAt: metadata.createdTime === undefined ? null : new Date(metadata.createdTime).toISOString(),
    lastModified: head === null ? null : new Date(head.modificationTime).toISOString(),
    version: snapshot.version,
    minReaderVersion: protocol.minReaderVersion,
    minWriterVersion: protocol.minWriterVersion,
    tableFeatures: [...new Set([...(protocol.readerFeatures ?? []), ...(protocol.writerFeatures ?? [])])].sort(),
    partitionColumns: metadata.partitionColumns,
    numFiles: snapshot.files.length,
    sizeInBytes,
    numRecords,
    properties: metadata.configuration,
    schema: JSON.parse(metadata.schemaString) as unknown,
  };
}

/** The human-readable form of a detail, ending with the schema tree. */
export function formatTableDetail(detail: TableDetail, snapshot: DeltaSnapshot): string {
  const rows: [string, string][] = [
    ["format", detail.format],
    ["location", detail.location],
    ["id", detail.id],
    ["version", String(detail.version)],
    ["created", detail.createdAt ?? "(not recorded)"],
    ["last modified", detail.lastModified ?? "(unknown)"],
    ["protocol", `minReaderVersion ${detail.minReaderVersion}, minWriterVersion ${detail.minWriterVersion}`],
  ];
  if (detail.tableFeatures.length > 0) rows.push(["table features", detail.tableFeatures.join(", ")]);
  rows.push(
    ["partition columns", detail.partitionColumns.length === 0 ? "(none)" : detail.partitionColumns.join(", ")],
    ["files", formatCount(detail.numFiles)],
    ["size", formatBytes(detail.sizeInBytes)],
    ["rows", detail.numRecords === null ? "(unknown: some files have no statistics)" : formatCount(detail.numRecords)],
  );
  const props = Object.entries(detail.properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (props.length === 0) rows.push(["configuration", "(none)"]);
  else props.forEach(([k, v], i) => rows.push([i === 0 ? "configuration" : "", `${k} = ${v}`]));
  const width = Math.max(...rows.map(([k]) => k.length));
  let out = "";
  for (const [k, v] of rows) out += `${k.padEnd(width)}  ${v}\n`;
  out += `\nschema:\n${treeString(snapshot.metadata.schema)}`;
  return out;
}

/** `12,345`. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1.2 MiB (1,234,567 bytes)`; plain `N bytes` under 1 KiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]} (${formatCount(n)} bytes)`;
}

function recordsOf(stats: string | undefined): number | null {
  if (stats === undefined) return null;
  try {
    const v: unknown = JSON.parse(stats);
    if (typeof v === "object" && v !== null && "numRecords" in v && typeof v.numRecords === "number") return v.numRecords;
  } catch {
    // Unparseable stats count as missing: describe is informational.
  }
  return null;
}
