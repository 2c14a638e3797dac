/**
 * The actions that create a Delta table: protocol reader 1 / writer 2 (no table features; reader 3
 * / writer 7 with the timestampNtz feature when a column is TIMESTAMP_NTZ) and a
 * `metaData` with a fresh id, Spark's `schemaString` and the partition columns.
 */
import { randomUUID } from "node:crypto";
import { AnalysisError } from "../../errors.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { schemaToJson } from "../../types/json-schema.js";
import type { DeltaAction, DeltaProtocol } from "./actions.js";

/** The protocol sluice writes new tables with. */
export const NEW_TABLE_PROTOCOL: DeltaProtocol = Object.freeze({ minReaderVersion: 1, minWriterVersion: 2 });

/** The protocol of a new table with a TIMESTAMP_NTZ column: Delta requires the timestampNtz table feature. */
const NTZ_TABLE_PROTOCOL: DeltaProtocol = Object.freeze({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"] });

function hasNtz(t: DataType): boolean {
  switch (t.typeName) {
    case "timestamp_ntz":
      return true;
    case "struct":
      return t.fields.some((f) => hasNtz(f.dataType));
    case "array":
      return hasNtz(t.elementType);
    case "map":
      return hasNtz(t.keyType) || hasNtz(t.valueType);
    default:
      return false;
  }
}

/** Types a partition column may have (their values serialize as strings). */
const PARTITION_TYPES = new Set(["string", "long", "integer", "short", "byte", "double", "float", "boolean", "date", "timestamp", "decimal"]);

/**
 * The `protocol` and `metaData` actions of a new table with `schema`, partitioned by `partitionBy`,
 * with the table properties `configuration` (already checked: see `newTableProperties`).
 * @throws AnalysisError when a partition column is not in the schema (case-sensitively, as Spark
 *   resolves them by default it must match a field name), is repeated, has a type that cannot be a
 *   partition value, or when every column is a partition column.
 */
export function newTableActions(
  schema: StructType,
  partitionBy: readonly string[],
  tablePath: string,
  configuration: Readonly<Record<string, string>> = {},
): DeltaAction[] {
  const seen = new Set<string>();
  for (const c of partitionBy) {
    const f = schema.fields.find((x) => x.name === c);
    if (f === undefined) {
      throw new AnalysisError(`delta writer: partition column '${c}' is not in the schema (${schema.fields.map((x) => x.name).join(", ")}) of ${tablePath}`, {
        path: tablePath,
      });
    }
    if (seen.has(c)) throw new AnalysisError(`delta writer: partition column '${c}' is listed twice for ${tablePath}`, { path: tablePath });
    if (!PARTITION_TYPES.has(f.dataType.typeName)) {
      throw new AnalysisError(`delta writer: partition column '${c}' has type ${f.dataType.typeName}, which cannot be a partition value (${tablePath})`, {
        path: tablePath,
      });
    }
    seen.add(c);
  }
  if (partitionBy.length > 0 && partitionBy.length === schema.fields.length) {
    throw new AnalysisError(`delta writer: every column of ${tablePath} is a partition column; at least one must be data`, { path: tablePath });
  }
  return [
    { kind: "protocol", protocol: hasNtz(schema) ? NTZ_TABLE_PROTOCOL : NEW_TABLE_PROTOCOL },
    {
      kind: "metaData",
      metadata: {
        id: randomUUID(),
        schemaString: schemaToJson(schema),
        partitionColumns: [...partitionBy],
        configuration: { ...configuration },
        createdTime: Date.now(),
      },
    },
  ];
}
