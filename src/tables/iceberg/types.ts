/**
 * Iceberg types ↔ Spark types, as Iceberg's Spark integration maps them (`TypeToSparkType`,
 * `SparkTypeToType`), and the field ids a new schema gets (Iceberg's `AssignFreshIds` order: a
 * struct's fields first, then each field's nested type).
 *
 * Iceberg → Spark: boolean, int → integer, long, float, double, decimal(P,S), date,
 * timestamptz → timestamp, timestamp → timestamp_ntz, string and uuid → string, fixed[L] and
 * binary → binary, struct, list → array, map. `time`, `timestamp_ns`, `variant` and the geo types
 * have no Spark type and are refused by name.
 *
 * Spark → Iceberg: byte and short widen to int (Iceberg has no narrower integers), timestamp →
 * timestamptz, timestamp_ntz → timestamp; intervals, `null` and calendar intervals are refused.
 */
import { AnalysisError, SourceError } from "../../errors.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  StringType,
  StructField,
  StructType,
  TimestampNTZType,
  TimestampType,
} from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";
import { simpleString } from "../../types/print-schema.js";
import type { IcebergField, IcebergSchema, IcebergStructType, IcebergType } from "./metadata.js";

/** The Spark type of an Iceberg type. `path` names the column in errors. @throws SourceError for types Spark has not. */
export function sparkTypeOf(t: IcebergType, path: string): DataType {
  if (typeof t === "string") {
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
    if (decimal !== null) return DecimalType(Number(decimal[1]), Number(decimal[2]));
    if (/^fixed\[\d+\]$/.test(t)) return BinaryType();
    switch (t) {
      case "boolean":
        return BooleanType();
      case "int":
        return IntegerType();
      case "long":
        return LongType();
      case "float":
        return FloatType();
      case "double":
        return DoubleType();
      case "date":
        return DateType();
      case "timestamptz":
        return TimestampType();
      case "timestamp":
        return TimestampNTZType();
      case "string":
      case "uuid":
        return StringType();
      case "binary":
        return BinaryType();
      default:
        throw new SourceError(`iceberg: column '${path}' has type ${t}, which Spark (and sluice) cannot read`);
    }
  }
  switch (t.type) {
    case "struct":
      return sparkStructOf(t, path);
    case "list":
      return ArrayType(sparkTypeOf(t.element, `${path}.element`), !t["element-required"]);
    case "map":
      return MapType(sparkTypeOf(t.key, `${path}.key`), sparkTypeOf(t.value, `${path}.value`), !t["value-required"]);
  }
}

function sparkStructOf(t: IcebergStructType, path: string | null): StructType {
  return StructType(t.fields.map((f) => StructField(f.name, sparkTypeOf(f.type, path === null ? f.name : `${path}.${f.name}`), !f.required)));
}

/** The Spark schema of an Iceberg schema. */
export function sparkSchemaOf(schema: IcebergStructType): StructType {
  return sparkStructOf(schema, null);
}

/** The Iceberg primitive type of a Spark atomic type. `path` names the column in errors. */
function icebergPrimitiveOf(t: DataType, path: string): string {
  switch (t.typeName) {
    case "boolean":
      return "boolean";
    case "byte":
    case "short":
    case "integer":
      return "int";
    case "long":
      return "long";
    case "float":
      return "float";
    case "double":
      return "double";
    case "decimal":
      return `decimal(${t.precision}, ${t.scale})`;
    case "date":
      return "date";
    case "timestamp":
      return "timestamptz";
    case "timestamp_ntz":
      return "timestamp";
    case "string":
      return "string";
    case "binary":
      return "binary";
    default:
      throw new AnalysisError(`iceberg: column '${path}' has type ${simpleString(t)}, which Iceberg tables cannot hold`);
  }
}

/**
 * A new Iceberg schema (id 0) for a Spark schema, with fresh field ids from 1 in Iceberg's order.
 * @throws AnalysisError for a type Iceberg has not.
 */
export function icebergSchemaOf(schema: StructType): { schema: IcebergSchema; lastColumnId: number } {
  const ids = { next: 1 };
  const struct = assignStruct(schema, ids, null);
  return { schema: { type: "struct", "schema-id": 0, fields: struct.fields }, lastColumnId: ids.next - 1 };
}

function assignStruct(t: StructType, ids: { next: number }, path: string | null): IcebergStructType {
  // All fields of a struct take their ids before any nested type does.
  const own = t.fields.map(() => ids.next++);
  const fields: IcebergField[] = t.fields.map((f, i) => ({
    id: own[i],
    name: f.name,
    required: !f.nullable,
    type: assignType(f.dataType, ids, path === null ? f.name : `${path}.${f.name}`),
  }));
  return { type: "struct", fields };
}

/** The Iceberg type of a Spark type, new nested fields numbered from `ids.next`. */
export function assignType(t: DataType, ids: { next: number }, path: string): IcebergType {
  switch (t.typeName) {
    case "struct":
      return assignStruct(t, ids, path);
    case "array": {
      const elementId = ids.next++;
      return { type: "list", "element-id": elementId, element: assignType(t.elementType, ids, `${path}.element`), "element-required": !t.containsNull };
    }
    case "map": {
      const keyId = ids.next++;
      const valueId = ids.next++;
      return {
        type: "map",
        "key-id": keyId,
        key: assignType(t.keyType, ids, `${path}.key`),
        "value-id": valueId,
        value: assignType(t.valueType, ids, `${path}.value`),
        "value-required": !t.valueContainsNull,
      };
    }
    default:
      return icebergPrimitiveOf(t, path);
  }
}

/**
 * The Parquet field id of every node of the schema's Parquet form, keyed by its dotted Parquet
 * path (`tags.list.element`, `m.key_value.key`), as the Parquet writer's `fieldIds` option takes it.
 */
export function parquetFieldIds(schema: IcebergStructType): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (t: IcebergType, path: string): void => {
    if (typeof t === "string") return;
    switch (t.type) {
      case "struct":
        for (const f of t.fields) {
          const p = path === "" ? f.name : `${path}.${f.name}`;
          out[p] = f.id;
          walk(f.type, p);
        }
        return;
      case "list":
        out[`${path}.list.element`] = t["element-id"];
        walk(t.element, `${path}.list.element`);
        return;
      case "map":
        out[`${path}.key_value.key`] = t["key-id"];
        out[`${path}.key_value.value`] = t["value-id"];
        walk(t.key, `${path}.key_value.key`);
        walk(t.value, `${path}.key_value.value`);
        return;
    }
  };
  walk(schema, "");
  return out;
}

/** Every field of the schema by id, nested ones included. */
export function fieldsById(schema: IcebergStructType): Map<number, IcebergField> {
  const out = new Map<number, IcebergField>();
  const walk = (t: IcebergType): void => {
    if (typeof t === "string") return;
    if (t.type === "struct") {
      for (const f of t.fields) {
        out.set(f.id, f);
        walk(f.type);
      }
    } else if (t.type === "list") walk(t.element);
    else {
      walk(t.key);
      walk(t.value);
    }
  };
  walk(schema);
  return out;
}
