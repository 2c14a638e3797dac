/**
 * Spark schema → Parquet schema, as Spark's `SparkToParquetSchemaConverter` writes it with
 * `spark.sql.parquet.writeLegacyFormat=false`, except timestamps, which are INT64
 * TIMESTAMP(MICROS, isAdjustedToUTC=true) (`spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS`,
 * what Delta writers use) instead of Spark's default INT96.
 *
 * - string → BYTE_ARRAY (STRING / UTF8); binary → BYTE_ARRAY
 * - long → INT64; integer → INT32; short → INT32 INT(16) / INT_16; byte → INT32 INT(8) / INT_8
 * - float → FLOAT; double → DOUBLE; boolean → BOOLEAN; date → INT32 DATE
 * - decimal(p ≤ 9) → INT32, (p ≤ 18) → INT64, else FIXED_LEN_BYTE_ARRAY(minimal bytes), all DECIMAL(p, s)
 * - struct → group; array → `<name> (LIST) { repeated group list { <elem> element } }`;
 *   map → `<name> (MAP) { repeated group key_value { required <k> key; <v> value } }`
 * - nullable fields are OPTIONAL, others REQUIRED. `null` (void) columns are rejected.
 */
import type { DataType, StructType } from "../../types/data-types.js";
import { SinkError } from "../../errors.js";
import { ConvertedType, PhysicalType, Repetition } from "./constants.js";
import { ansiIntervalTypeName } from "../../types/data-types.js";

/** Parquet logical type annotation (the subset the writer emits). */
export type LogicalAnnotation =
  | { readonly kind: "STRING" }
  | { readonly kind: "MAP" }
  | { readonly kind: "LIST" }
  | { readonly kind: "DATE" }
  | { readonly kind: "DECIMAL"; readonly precision: number; readonly scale: number }
  | { readonly kind: "TIMESTAMP_MICROS_UTC" }
  | { readonly kind: "TIMESTAMP_MICROS_LOCAL" }
  | { readonly kind: "INTEGER"; readonly bitWidth: 8 | 16; readonly signed: boolean };

/** One element of the flattened (depth-first) Parquet schema list. */
export interface SchemaNode {
  readonly name: string;
  readonly repetition: Repetition | null;
  readonly physical: PhysicalType | null;
  readonly typeLength?: number;
  readonly numChildren?: number;
  readonly converted?: ConvertedType;
  readonly precision?: number;
  readonly scale?: number;
  readonly logical?: LogicalAnnotation;
  /** The node's `field_id` (Iceberg's column ids); absent for most writers. */
  readonly fieldId?: number;
}

/** How a leaf column is reached from its top-level vector, one step per nesting level. */
export type PathStep =
  | { readonly kind: "struct"; readonly field: number; readonly nullable: boolean }
  | { readonly kind: "list"; readonly elementNullable: boolean }
  | { readonly kind: "mapKey" }
  | { readonly kind: "mapValue"; readonly valueNullable: boolean };

/** A primitive (leaf) column of the Parquet schema. */
export interface LeafColumn {
  /** `path_in_schema`, e.g. `["tags", "list", "element"]`. */
  readonly path: readonly string[];
  /** Dotted path for messages: `tags.list.element`. */
  readonly dotted: string;
  /** The Spark type of the leaf values. */
  readonly type: DataType;
  readonly physical: PhysicalType;
  /** Byte length for FIXED_LEN_BYTE_ARRAY. */
  readonly typeLength: number;
  readonly maxDef: number;
  readonly maxRep: number;
  /** Index of the top-level field the leaf belongs to. */
  readonly topField: number;
  /** Whether the top-level field is nullable. */
  readonly topNullable: boolean;
  /** Steps from the top-level vector to the leaf vector; empty for a flat column. */
  readonly steps: readonly PathStep[];
}

/** The Parquet schema of a Spark schema: the flattened element list and the leaf columns. */
export interface ParquetSchemaPlan {
  readonly nodes: readonly SchemaNode[];
  readonly leaves: readonly LeafColumn[];
}

/**
 * Converts a Spark schema to the Parquet schema the writer emits. `fieldIds` gives nodes a
 * `field_id`, keyed by their dotted Parquet path (`user.id`, `tags.list.element`,
 * `m.key_value.key`). Throws `SinkError` for void columns.
 */
export function planParquetSchema(schema: StructType, fieldIds?: Readonly<Record<string, number>>): ParquetSchemaPlan {
  const nodes: SchemaNode[] = [{ name: "spark_schema", repetition: null, physical: null, numChildren: schema.fields.length }];
  const leaves: LeafColumn[] = [];
  schema.fields.forEach((f, i) => {
    const ctx: WalkContext = { topField: i, topNullable: f.nullable, nodes: fieldIds === undefined ? nodes : withIds(nodes, fieldIds), leaves };
    walk(ctx, f.name, f.dataType, f.nullable, [], 0, 0, []);
  });
  return { nodes, leaves };
}

/** Where the walk appends schema nodes, depth first (a node before its children). */
interface NodeSink {
  push(node: SchemaNode): unknown;
}

/** A sink appending to `nodes`, giving each node the id of its path. */
function withIds(nodes: SchemaNode[], fieldIds: Readonly<Record<string, number>>): NodeSink {
  const path: string[] = [];
  const remaining: number[] = [];
  return {
    push(n: SchemaNode): number {
      while (remaining.length > 0 && remaining[remaining.length - 1] === 0) {
        remaining.pop();
        path.pop();
      }
      if (remaining.length > 0) remaining[remaining.length - 1]--;
      path.push(n.name);
      remaining.push(n.numChildren ?? 0);
      const id = fieldIds[path.join(".")];
      return nodes.push(id === undefined ? n : { ...n, fieldId: id });
    },
  };
}

interface WalkContext {
  readonly topField: number;
  readonly topNullable: boolean;
  readonly nodes: NodeSink;
  readonly leaves: LeafColumn[];
}

function walk(
  ctx: WalkContext,
  name: string,
  type: DataType,
  nullable: boolean,
  path: readonly string[],
  def: number,
  rep: number,
  steps: readonly PathStep[],
): void {
  const repetition = nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
  const here = [...path, name];
  const d = def + (nullable ? 1 : 0);
  switch (type.typeName) {
    case "struct": {
      if (type.fields.length === 0) {
        throw new SinkError(`parquet writer: column '${here.join(".")}' is an empty struct, which Parquet cannot store`);
      }
      ctx.nodes.push({ name, repetition, physical: null, numChildren: type.fields.length });
      type.fields.forEach((f, k) =>
        walk(ctx, f.name, f.dataType, f.nullable, here, d, rep, [...steps, { kind: "struct", field: k, nullable: f.nullable }]),
      );
      return;
    }
    case "array": {
      ctx.nodes.push({ name, repetition, physical: null, numChildren: 1, converted: ConvertedType.LIST, logical: { kind: "LIST" } });
      ctx.nodes.push({ name: "list", repetition: Repetition.REPEATED, physical: null, numChildren: 1 });
      walk(ctx, "element", type.elementType, type.containsNull, [...here, "list"], d + 1, rep + 1, [
        ...steps,
        { kind: "list", elementNullable: type.containsNull },
      ]);
      return;
    }
    case "map": {
      ctx.nodes.push({ name, repetition, physical: null, numChildren: 1, converted: ConvertedType.MAP, logical: { kind: "MAP" } });
      ctx.nodes.push({ name: "key_value", repetition: Repetition.REPEATED, physical: null, numChildren: 2 });
      const kvPath = [...here, "key_value"];
      walk(ctx, "key", type.keyType, false, kvPath, d + 1, rep + 1, [...steps, { kind: "mapKey" }]);
      walk(ctx, "value", type.valueType, type.valueContainsNull, kvPath, d + 1, rep + 1, [
        ...steps,
        { kind: "mapValue", valueNullable: type.valueContainsNull },
      ]);
      return;
    }
    default: {
      const prim = primitiveNode(name, type, repetition, here);
      ctx.nodes.push(prim);
      ctx.leaves.push({
        path: here,
        dotted: here.join("."),
        type,
        physical: prim.physical ?? PhysicalType.BYTE_ARRAY,
        typeLength: prim.typeLength ?? 0,
        maxDef: d,
        maxRep: rep,
        topField: ctx.topField,
        topNullable: ctx.topNullable,
        steps,
      });
    }
  }
}

function primitiveNode(name: string, type: DataType, repetition: Repetition, path: readonly string[]): SchemaNode {
  const base = { name, repetition };
  switch (type.typeName) {
    case "string":
      return { ...base, physical: PhysicalType.BYTE_ARRAY, converted: ConvertedType.UTF8, logical: { kind: "STRING" } };
    case "binary":
      return { ...base, physical: PhysicalType.BYTE_ARRAY };
    case "long":
      return { ...base, physical: PhysicalType.INT64 };
    case "integer":
      return { ...base, physical: PhysicalType.INT32 };
    case "short":
      return { ...base, physical: PhysicalType.INT32, converted: ConvertedType.INT_16, logical: { kind: "INTEGER", bitWidth: 16, signed: true } };
    case "byte":
      return { ...base, physical: PhysicalType.INT32, converted: ConvertedType.INT_8, logical: { kind: "INTEGER", bitWidth: 8, signed: true } };
    case "float":
      return { ...base, physical: PhysicalType.FLOAT };
    case "double":
      return { ...base, physical: PhysicalType.DOUBLE };
    case "boolean":
      return { ...base, physical: PhysicalType.BOOLEAN };
    case "date":
      return { ...base, physical: PhysicalType.INT32, converted: ConvertedType.DATE, logical: { kind: "DATE" } };
    case "timestamp":
      return {
        ...base,
        physical: PhysicalType.INT64,
        converted: ConvertedType.TIMESTAMP_MICROS,
        logical: { kind: "TIMESTAMP_MICROS_UTC" },
      };
    case "timestamp_ntz":
      // As Spark: TIMESTAMP(MICROS, isAdjustedToUTC=false), no converted type (TIMESTAMP_MICROS means UTC).
      return { ...base, physical: PhysicalType.INT64, logical: { kind: "TIMESTAMP_MICROS_LOCAL" } };
    case "decimal": {
      const { precision, scale } = type;
      const ann = { converted: ConvertedType.DECIMAL, precision, scale, logical: { kind: "DECIMAL", precision, scale } as const };
      if (precision <= 9) return { ...base, physical: PhysicalType.INT32, ...ann };
      if (precision <= 18) return { ...base, physical: PhysicalType.INT64, ...ann };
      return { ...base, physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, typeLength: decimalByteLength(precision), ...ann };
    }
    case "null":
      throw new SinkError(`parquet writer: column '${path.join(".")}' has type void (null), which Parquet cannot store; cast it first`);
    case "yearmonthinterval":
    case "daytimeinterval":
      // Spark refuses too (UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE): intervals have no Parquet type.
      throw new SinkError(`parquet writer: column '${path.join(".")}' has type ${ansiIntervalTypeName(type).toUpperCase()}, which Parquet cannot store (nor can Spark); cast it to a string or number first`);
    case "interval":
      throw new SinkError(`parquet writer: column '${path.join(".")}' has type INTERVAL, which Parquet cannot store (nor can Spark); cast it to a string first`);
    default:
      throw new SinkError(`parquet writer: column '${path.join(".")}' has unsupported type ${type.typeName}`);
  }
}

/** Minimal bytes of a two's-complement integer holding any unscaled decimal of `precision` digits (Spark's rule). */
export function decimalByteLength(precision: number): number {
  const limit = 10n ** BigInt(precision);
  let n = 1;
  while (1n << BigInt(8 * n - 1) < limit) n++;
  return n;
}
