/**
 * Parquet schema → Spark schema, following Spark's `ParquetToSparkSchemaConverter`:
 *
 * - BOOLEAN → boolean; FLOAT → float; DOUBLE → double
 * - INT32 → integer; INT(8)/INT_8 → byte; INT(16)/INT_16 → short; UINT_8 → short; UINT_16 → integer;
 *   UINT_32 → long; DATE → date; DECIMAL → decimal(p, s)
 * - INT64 → long; UINT_64 → decimal(20, 0); DECIMAL → decimal; TIMESTAMP (MILLIS/MICROS/NANOS, either
 *   UTC flag) → timestamp (there is no timestamp_ntz in sluice yet, so local timestamps read as UTC)
 * - INT96 → timestamp (Spark/Impala/Hive nanosecond timestamps)
 * - BYTE_ARRAY: STRING/UTF8/ENUM/JSON → string; DECIMAL → decimal; otherwise binary
 * - FIXED_LEN_BYTE_ARRAY: DECIMAL → decimal; otherwise binary
 * - groups: LIST → array (3-level, and the legacy 2-level forms with Spark's element rules), MAP /
 *   MAP_KEY_VALUE → map, otherwise struct; a REPEATED field outside LIST/MAP → array(containsNull=false)
 *
 * TIME and INTERVAL columns are rejected with a `SourceError` naming the column, as Spark does.
 */
import type { SchemaElement, SchemaTree } from "hyparquet";
import { SourceError } from "../../errors.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  TimestampNTZType,
} from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";

/** How raw leaf values (annotations stripped) become vector values. */
export type LeafDecode =
  | "bytes"
  | "i32"
  | "u32toLong"
  | "i64"
  | "u64toDecimal"
  | "f32"
  | "f64"
  | "bool"
  | "tsMillis"
  | "tsMicros"
  | "tsNanos"
  | "int96"
  | "decimalInt"
  | "decimalBytes";

/** A Parquet node mapped to Spark, with what the reader needs to convert hyparquet's values. */
export type ReadNode =
  | { readonly kind: "leaf"; readonly type: DataType; readonly decode: LeafDecode }
  | { readonly kind: "struct"; readonly type: StructType; readonly fields: readonly { readonly name: string; readonly node: ReadNode }[] }
  /**
   * A list. hyparquet (with LIST/MAP annotations removed) gives each row as `{ [repeated]: [...] }`,
   * or directly as the array when the list is a bare REPEATED field (`bare`). Each item is the
   * element itself, or `{ [elementField]: element }` for 3-level lists.
   */
  | {
      readonly kind: "list";
      readonly type: DataType;
      readonly repeated: string;
      readonly bare: boolean;
      readonly elementField: string | null;
      readonly element: ReadNode;
    }
  | {
      readonly kind: "map";
      readonly type: DataType;
      readonly repeated: string;
      readonly keyField: string;
      readonly valueField: string;
      readonly key: ReadNode;
      readonly value: ReadNode;
    };

/** A top-level column: its Spark field and read plan. */
export interface ReadColumn {
  readonly field: StructField;
  readonly node: ReadNode;
}

/** Maps the children of the schema root to Spark fields. */
export function readColumns(root: SchemaTree): ReadColumn[] {
  return root.children.map((child) => {
    const { node, nullable } = mapField(child);
    return { field: StructField(child.element.name, node.type, nullable), node };
  });
}

/** The Spark schema of a Parquet schema tree (hyparquet's `parquetSchema(metadata)`). */
export function sparkSchemaOf(root: SchemaTree): StructType {
  return StructType(readColumns(root).map((c) => c.field));
}

function mapField(t: SchemaTree): { node: ReadNode; nullable: boolean } {
  const rep = t.element.repetition_type;
  if (rep === "REPEATED") {
    // A bare repeated field: an array whose elements are the field itself.
    const element = mapType(t);
    return {
      node: { kind: "list", type: ArrayType(element.type, false), repeated: t.element.name, bare: true, elementField: null, element },
      nullable: false,
    };
  }
  return { node: mapType(t), nullable: rep !== "REQUIRED" };
}

function mapType(t: SchemaTree): ReadNode {
  const e = t.element;
  const path = t.path.join(".");
  if (t.children.length === 0 && e.type !== undefined) return { kind: "leaf", ...leafType(e, path) };
  const ct = e.converted_type;
  const lt = e.logical_type?.type;
  if ((ct === "LIST" || lt === "LIST") && t.children.length === 1 && t.children[0].element.repetition_type === "REPEATED") {
    return listNode(t, t.children[0], path);
  }
  if ((ct === "MAP" || ct === "MAP_KEY_VALUE" || lt === "MAP") && t.children.length === 1) {
    const kv = t.children[0];
    if (kv.element.repetition_type === "REPEATED" && kv.children.length === 2) {
      const [k, v] = kv.children;
      const key = mapType(k);
      const value = mapType(v);
      return {
        kind: "map",
        type: MapType(key.type, value.type, v.element.repetition_type !== "REQUIRED"),
        repeated: kv.element.name,
        keyField: k.element.name,
        valueField: v.element.name,
        key,
        value,
      };
    }
    throw new SourceError(`parquet reader: map column '${path}' does not have a repeated key/value group`);
  }
  if (t.children.length === 0) throw new SourceError(`parquet reader: column '${path}' is an empty group`);
  const fields = t.children.map((c) => {
    const { node, nullable } = mapField(c);
    return { name: c.element.name, node, field: StructField(c.element.name, node.type, nullable) };
  });
  return {
    kind: "struct",
    type: StructType(fields.map((f) => f.field)),
    fields: fields.map((f) => ({ name: f.name, node: f.node })),
  };
}

/** Spark's `isElementType`: is the repeated child itself the element (legacy 2-level list)? */
function repeatedIsElement(repeated: SchemaTree, parentName: string): boolean {
  if (repeated.children.length === 0) return true;
  if (repeated.children.length > 1) return true;
  const name = repeated.element.name;
  return name === "array" || name === `${parentName}_tuple`;
}

function listNode(t: SchemaTree, repeated: SchemaTree, path: string): ReadNode {
  if (repeatedIsElement(repeated, t.element.name)) {
    const element = mapType(repeated);
    return { kind: "list", type: ArrayType(element.type, false), repeated: repeated.element.name, bare: false, elementField: null, element };
  }
  const inner = repeated.children[0];
  if (inner.element.repetition_type === "REPEATED") {
    throw new SourceError(`parquet reader: list column '${path}' has a repeated element, which Spark does not read`);
  }
  const element = mapType(inner);
  return {
    kind: "list",
    type: ArrayType(element.type, inner.element.repetition_type !== "REQUIRED"),
    repeated: repeated.element.name,
    bare: false,
    elementField: inner.element.name,
    element,
  };
}

function leafType(e: SchemaElement, path: string): { type: DataType; decode: LeafDecode } {
  const ct = e.converted_type;
  const lt = e.logical_type;
  const decimal = ct === "DECIMAL" || lt?.type === "DECIMAL";
  const precision = lt?.type === "DECIMAL" ? lt.precision : (e.precision ?? 0);
  const scale = lt?.type === "DECIMAL" ? lt.scale : (e.scale ?? 0);
  const unsupported = (what: string) => new SourceError(`parquet reader: column '${path}' has type ${what}, which Spark does not read`);
  switch (e.type) {
    case "BOOLEAN":
      return { type: BooleanType(), decode: "bool" };
    case "FLOAT":
      return { type: FloatType(), decode: "f32" };
    case "DOUBLE":
      return { type: DoubleType(), decode: "f64" };
    case "INT96":
      return { type: TimestampType(), decode: "int96" };
    case "INT32": {
      if (decimal) return { type: DecimalType(precision, scale), decode: "decimalInt" };
      if (ct === "DATE" || lt?.type === "DATE") return { type: DateType(), decode: "i32" };
      if (ct === "TIME_MILLIS" || lt?.type === "TIME") throw unsupported("TIME");
      if (lt?.type === "INTEGER") {
        if (!lt.isSigned) return lt.bitWidth === 32 ? { type: LongType(), decode: "u32toLong" } : { type: lt.bitWidth === 8 ? ShortType() : IntegerType(), decode: "i32" };
        return { type: lt.bitWidth === 8 ? ByteType() : lt.bitWidth === 16 ? ShortType() : IntegerType(), decode: "i32" };
      }
      if (ct === "INT_8") return { type: ByteType(), decode: "i32" };
      if (ct === "INT_16" || ct === "UINT_8") return { type: ShortType(), decode: "i32" };
      if (ct === "UINT_16") return { type: IntegerType(), decode: "i32" };
      if (ct === "UINT_32") return { type: LongType(), decode: "u32toLong" };
      return { type: IntegerType(), decode: "i32" };
    }
    case "INT64": {
      if (decimal) return { type: DecimalType(precision, scale), decode: "decimalInt" };
      if (lt?.type === "TIMESTAMP") {
        const decode = lt.unit === "MILLIS" ? "tsMillis" : lt.unit === "NANOS" ? "tsNanos" : "tsMicros";
        // Spark (parquet.inferTimestampNTZ): a timestamp not adjusted to UTC is TIMESTAMP_NTZ.
        return { type: lt.isAdjustedToUTC === false ? TimestampNTZType() : TimestampType(), decode };
      }
      if (ct === "TIMESTAMP_MILLIS") return { type: TimestampType(), decode: "tsMillis" };
      if (ct === "TIMESTAMP_MICROS") return { type: TimestampType(), decode: "tsMicros" };
      if (ct === "TIME_MICROS" || lt?.type === "TIME") throw unsupported("TIME");
      if (ct === "UINT_64" || (lt?.type === "INTEGER" && !lt.isSigned)) return { type: DecimalType(20, 0), decode: "u64toDecimal" };
      return { type: LongType(), decode: "i64" };
    }
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY": {
      if (decimal) return { type: DecimalType(precision, scale), decode: "decimalBytes" };
      if (ct === "INTERVAL") throw unsupported("INTERVAL");
      if (e.type === "BYTE_ARRAY" && (ct === "UTF8" || ct === "ENUM" || ct === "JSON" || lt?.type === "STRING" || lt?.type === "ENUM" || lt?.type === "JSON")) {
        return { type: StringType(), decode: "bytes" };
      }
      return { type: BinaryType(), decode: "bytes" };
    }
    default:
      throw unsupported(String(e.type));
  }
}
