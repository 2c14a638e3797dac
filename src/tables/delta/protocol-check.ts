/**
 * Whether sluice can read a Delta table correctly, decided from its protocol and metadata
 * (PROTOCOL.md "Reader Requirements", "Table Features"). A table we cannot read correctly is
 * refused, never read wrongly.
 */
import { AnalysisError } from "../../errors.js";
import type { DeltaMetadataAction, DeltaProtocol } from "./actions.js";

/**
 * Reader features whose presence does not change how data is read (`timestampNtz` only allows the
 * TIMESTAMP_NTZ type, which the Parquet reader maps). `columnMapping` is accepted
 * only while `delta.columnMapping.mode` is `none` (then physical and logical names are the same).
 */
const HARMLESS_READER_FEATURES: ReadonlySet<string> = new Set(["vacuumProtocolCheck", "timestampNtz"]);

/** The highest reader version this reader knows. */
export const MAX_READER_VERSION = 3;

/**
 * Throws unless the table is readable:
 * - reader version 1: readable;
 * - reader version 2: readable when column mapping is off (`delta.columnMapping.mode` absent or `none`);
 * - reader version 3: readable when every listed reader feature is supported (see above).
 * @throws AnalysisError naming the table and the unsupported feature(s):
 *   `delta: table at <path> requires reader feature 'deletionVectors', which sluice does not support`.
 */
export function checkReadable(protocol: DeltaProtocol, metadata: DeltaMetadataAction, tablePath: string): void {
  const v = protocol.minReaderVersion;
  if (!Number.isInteger(v) || v < 1 || v > MAX_READER_VERSION) {
    throw new AnalysisError(`delta: table at ${tablePath} requires reader version ${v}; sluice reads versions 1 to ${MAX_READER_VERSION}`, {
      path: tablePath,
    });
  }
  const unsupported = unsupportedReaderFeatures(protocol, metadata);
  if (unsupported.length > 0) throw unsupportedFeatureError(unsupported, tablePath);
}

/** The error refusing a table that needs the given reader features. */
export function unsupportedFeatureError(features: readonly string[], tablePath: string, cause?: unknown): AnalysisError {
  const names = features.map((f) => `'${f}'`).join(", ");
  return new AnalysisError(
    `delta: table at ${tablePath} requires reader feature${features.length > 1 ? "s" : ""} ${names}, which sluice does not support`,
    { path: tablePath, cause },
  );
}

/** The reader features of the table that sluice does not support, in the table's order (`[]` if none). */
export function unsupportedReaderFeatures(protocol: DeltaProtocol, metadata: DeltaMetadataAction): string[] {
  const mappingOn = columnMappingMode(metadata) !== "none";
  if (protocol.minReaderVersion < 2) return [];
  if (protocol.minReaderVersion === 2) return mappingOn ? ["columnMapping"] : [];
  const out: string[] = [];
  for (const f of protocol.readerFeatures ?? []) {
    if (HARMLESS_READER_FEATURES.has(f)) continue;
    if (f === "columnMapping" && !mappingOn) continue;
    out.push(f);
  }
  return out;
}

function columnMappingMode(metadata: DeltaMetadataAction): string {
  return metadata.configuration["delta.columnMapping.mode"] ?? "none";
}
