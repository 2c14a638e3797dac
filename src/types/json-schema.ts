/**
 * Spark's JSON schema format (`StructType.json`, `DataType.fromJson`), which is also Delta's
 * `schemaString` and what `spark.read.schema(...)` tools exchange:
 * `{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}}]}`.
 */
import { ParseError } from "../errors.js";
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
  NullType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  TimestampNTZType,
  ansiIntervalTypeName,
  intervalTypeFromName,
  type DataType,
  type FieldMetadata,
} from "./data-types.js";

/**
 * The compact JSON Spark writes for `t` (`t.json` in Scala): key order `type`, then `fields` /
 * `elementType`, `containsNull` / `keyType`, `valueType`, `valueContainsNull`; fields as
 * `name`, `type`, `nullable`, `metadata`. Atomic types are their JSON names (`"long"`, `"integer"`,
 * `"decimal(10,2)"`, `"void"` for NullType). Metadata keeps its insertion order; bigint values are
 * written as JSON integers.
 */
export function schemaToJson(t: DataType): string {
  return typeJson(t);
}

/**
 * Parses Spark's JSON schema (text or an already-parsed object) into a DataType. As in Spark,
 * a field's `metadata` and `nullable` may be missing (defaults `{}` and `true`); `"null"` is read
 * as NullType (Spark's pre-3.0 name for `"void"`), `"timestamp_ltz"` as timestamp and
 * `char(n)`/`varchar(n)` as string.
 *
 * @throws ParseError (`json schema: …`) naming the JSON path (`$.fields[2].type`) and the field
 *   (`data.ts`) for malformed input or a type sluice does not support (`timestamp_ntz`, intervals, `variant`, UDTs).
 */
export function schemaFromJson(text: string | object): DataType {
  let value: unknown = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const m = /position (\d+)/.exec(msg);
      throw new ParseError(`json schema: invalid JSON: ${msg}`, m === null ? { cause: e } : { cause: e, position: Number(m[1]) });
    }
  }
  return readType(value, "$", "");
}

// ---------------------------------------------------------------------------------------------
// Writing

function typeJson(t: DataType): string {
  switch (t.typeName) {
    case "struct":
      return `{"type":"struct","fields":[${t.fields.map(fieldJson).join(",")}]}`;
    case "array":
      return `{"type":"array","elementType":${typeJson(t.elementType)},"containsNull":${t.containsNull}}`;
    case "map":
      return `{"type":"map","keyType":${typeJson(t.keyType)},"valueType":${typeJson(t.valueType)},"valueContainsNull":${t.valueContainsNull}}`;
    case "decimal":
      return `"decimal(${t.precision},${t.scale})"`;
    case "null":
      return `"void"`;
    case "yearmonthinterval":
    case "daytimeinterval":
      return JSON.stringify(ansiIntervalTypeName(t));
    default:
      return JSON.stringify(t.typeName);
  }
}

function fieldJson(f: StructField): string {
  return `{"name":${JSON.stringify(f.name)},"type":${typeJson(f.dataType)},"nullable":${f.nullable},"metadata":${metadataJson(f.metadata)}}`;
}

function metadataJson(m: unknown): string {
  if (m === null || m === undefined) return "null";
  if (typeof m === "bigint") return m.toString();
  if (typeof m === "number") return Number.isFinite(m) ? JSON.stringify(m) : "null";
  if (typeof m === "string" || typeof m === "boolean") return JSON.stringify(m);
  if (Array.isArray(m)) return `[${m.map(metadataJson).join(",")}]`;
  if (typeof m === "object") {
    return `{${Object.entries(m as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}:${metadataJson(v)}`)
      .join(",")}}`;
  }
  return "null";
}

// ---------------------------------------------------------------------------------------------
// Reading

const ATOMIC: Readonly<Record<string, () => DataType>> = {
  string: StringType,
  long: LongType,
  integer: IntegerType,
  short: ShortType,
  byte: ByteType,
  double: DoubleType,
  float: FloatType,
  boolean: BooleanType,
  binary: BinaryType,
  timestamp: TimestampType,
  timestamp_ltz: TimestampType,
  timestamp_ntz: TimestampNTZType,
  date: DateType,
  void: NullType,
  null: NullType,
};

/** Spark type names sluice knows but cannot represent. */
const KNOWN_UNSUPPORTED = /^(variant|string collate .*)$/;

function readType(v: unknown, path: string, field: string): DataType {
  if (typeof v === "string") return readTypeName(v, path, field);
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw schemaError(`expected a type name or object, got ${describe(v)}`, path, field);
  }
  const o = v as Record<string, unknown>;
  const kind = o.type;
  switch (kind) {
    case "struct": {
      checkKeys(o, ["type", "fields"], path, field);
      if (!Array.isArray(o.fields)) throw schemaError(`'fields' must be an array, got ${describe(o.fields)}`, `${path}.fields`, field);
      return StructType(o.fields.map((f: unknown, i: number) => readField(f, `${path}.fields[${i}]`, field)));
    }
    case "array": {
      checkKeys(o, ["type", "elementType", "containsNull"], path, field);
      const containsNull = requireBoolean(o, "containsNull", path, field);
      const element = readType(required(o, "elementType", path, field), `${path}.elementType`, join(field, "element"));
      return ArrayType(element, containsNull);
    }
    case "map": {
      checkKeys(o, ["type", "keyType", "valueType", "valueContainsNull"], path, field);
      const valueContainsNull = requireBoolean(o, "valueContainsNull", path, field);
      const key = readType(required(o, "keyType", path, field), `${path}.keyType`, join(field, "key"));
      const value = readType(required(o, "valueType", path, field), `${path}.valueType`, join(field, "value"));
      return MapType(key, value, valueContainsNull);
    }
    case "udt":
      throw schemaError("user-defined types (udt) are not supported", path, field);
    default:
      throw schemaError(
        kind === undefined ? "type object has no 'type' key" : `unknown complex type ${JSON.stringify(kind)} (expected struct, array or map)`,
        path,
        field,
      );
  }
}

function readTypeName(name: string, path: string, field: string): DataType {
  const atomic = ATOMIC[name];
  if (atomic !== undefined) return atomic();
  if (name === "decimal") return DecimalType();
  const dec = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(name);
  if (dec !== null) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw schemaError(`invalid decimal type '${name}' (precision must be 1..38 and scale 0..precision)`, path, field);
    }
    return DecimalType(precision, scale);
  }
  if (/^(var)?char\(\s*\d+\s*\)$/.test(name)) return StringType();
  const interval = intervalTypeFromName(name);
  if (interval !== null) return interval;
  if (KNOWN_UNSUPPORTED.test(name)) throw schemaError(`type '${name}' is not supported by sluice`, path, field);
  throw schemaError(`unknown type '${name}'`, path, field);
}

function readField(v: unknown, path: string, parent: string): StructField {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw schemaError(`expected a struct field object, got ${describe(v)}`, path, parent);
  }
  const o = v as Record<string, unknown>;
  if (typeof o.name !== "string") throw schemaError(`field 'name' must be a string, got ${describe(o.name)}`, path, parent);
  const field = join(parent, o.name);
  checkKeys(o, ["name", "type", "nullable", "metadata"], path, field);
  const nullable = o.nullable === undefined ? true : requireBoolean(o, "nullable", path, field);
  let metadata: FieldMetadata = {};
  if (o.metadata !== undefined) {
    if (o.metadata === null || typeof o.metadata !== "object" || Array.isArray(o.metadata)) {
      throw schemaError(`'metadata' must be an object, got ${describe(o.metadata)}`, `${path}.metadata`, field);
    }
    metadata = o.metadata as FieldMetadata;
  }
  const dataType = readType(required(o, "type", path, field), `${path}.type`, field);
  return StructField(o.name, dataType, nullable, metadata);
}

function required(o: Record<string, unknown>, key: string, path: string, field: string): unknown {
  if (!(key in o)) throw schemaError(`missing '${key}'`, path, field);
  return o[key];
}

function requireBoolean(o: Record<string, unknown>, key: string, path: string, field: string): boolean {
  const v = required(o, key, path, field);
  if (typeof v !== "boolean") throw schemaError(`'${key}' must be true or false, got ${describe(v)}`, `${path}.${key}`, field);
  return v;
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: string, field: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw schemaError(`unexpected key '${k}' (expected ${allowed.map((a) => `'${a}'`).join(", ")})`, path, field);
  }
}

function schemaError(problem: string, path: string, field: string): ParseError {
  const where = field === "" ? `at ${path}` : `at ${path} (field '${field}')`;
  return new ParseError(`json schema: ${problem} ${where}`);
}

function join(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
