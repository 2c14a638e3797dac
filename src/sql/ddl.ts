/**
 * Spark's DDL type syntax: `parseDataType("array<struct<a: int>>")`, `parseDDL("id STRING, ts
 * BIGINT NOT NULL")`, and {@link toSchema}, which accepts whatever a user may pass where Spark
 * takes a schema (a StructType, a DDL string, or Spark's JSON schema text).
 */
import { AnalysisError, ParseError, suggestion } from "../errors.js";
import { TokenStream, type Token } from "./lexer.js";
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
  CalendarIntervalType,
  TimestampNTZType,
  intervalTypeFromName,
  type DataType,
} from "../types/data-types.js";
import { schemaFromJson } from "../types/json-schema.js";
import { parseSettings } from "./parse-settings.js";

/**
 * Parses one Spark data type, case-insensitively: `string`, `varchar(n)`/`char(n)` (read as
 * string), `bigint`/`long`, `int`/`integer`, `smallint`/`short`, `tinyint`/`byte`, `double`,
 * `float`/`real`, `boolean`, `binary`, `timestamp`/`timestamp_ltz`, `date`, `void`,
 * `decimal`/`dec`/`numeric` [`(p[, s])`] (default `(10, 0)`), `array<T>`, `map<K, V>`,
 * `struct<a: T, b T NOT NULL COMMENT '…'>`. Collections and fields are nullable unless `NOT NULL`.
 *
 * @throws ParseError (`ddl: …`, with `context.position`) on bad syntax, an unknown type name (with a
 *   did-you-mean) or a type sluice does not support (`timestamp_ntz`, `interval`, `variant`).
 * @example parseDataType("map<string, array<bigint>>")
 */
export function parseDataType(text: string): DataType {
  const s = new TokenStream(text, "ddl");
  const t = readDataType(s);
  s.expectEnd();
  return t;
}

/**
 * Parses a DDL schema: comma-separated `name type [NOT NULL] [COMMENT 'text']` (a `:` after the
 * name is allowed), or a bare `struct<...>`. Names may be back-quoted; keywords are valid names.
 * `NOT NULL` makes the field non-nullable; `COMMENT 'x'` becomes metadata `{ comment: "x" }`.
 *
 * @throws ParseError (`ddl: …`) on bad syntax or an empty schema.
 * @example parseDDL("event_id STRING, ts BIGINT NOT NULL, data STRUCT<a: INT>")
 */
export function parseDDL(text: string): StructType {
  const s = new TokenStream(text, "ddl");
  if (s.atEnd()) throw s.errorAt(0, "the schema is empty; expected 'name type, ...'");
  if (s.atWord("STRUCT") && (s.atOp("<", 1) || s.atOp("<>", 1))) {
    s.next();
    const t = readStructBody(s);
    s.expectEnd();
    return t;
  }
  const fields: StructField[] = [];
  do {
    fields.push(readField(s, true));
  } while (s.acceptOp(","));
  if (!s.atEnd()) throw s.unexpected("expected ',' or end of schema");
  return StructType(fields);
}

/**
 * The schema a user passed, as a StructType: a StructType is returned as is; a string starting with
 * `{` is read as Spark's JSON schema (Delta's `schemaString`); any other string as DDL ({@link parseDDL}).
 *
 * @throws ParseError when the text does not parse or does not describe a struct.
 */
export function toSchema(schema: StructType | string): StructType {
  if (typeof schema !== "string") {
    if (schema.typeName !== "struct") {
      throw new ParseError(`ddl: expected a struct schema, got type '${String((schema as DataType).typeName)}'`);
    }
    return schema;
  }
  if (schema.trimStart().startsWith("{")) {
    const t = schemaFromJson(schema);
    if (t.typeName !== "struct") throw new ParseError(`json schema: expected a struct schema, got type '${t.typeName}'`);
    return t;
  }
  return parseDDL(schema);
}

/**
 * Like {@link toSchema} but for places that take any type (from_json's schema may be an array or a
 * map): a DataType is returned as is; JSON schema text is parsed; other text is read as a type
 * (`array<string>`) or, failing that, as a DDL field list (Spark's `DataType.fromDDL`).
 */
export function toDataType(schema: DataType | string): DataType {
  if (typeof schema !== "string") return schema;
  if (schema.trimStart().startsWith("{")) return schemaFromJson(schema);
  try {
    return parseDataType(schema);
  } catch (typeError) {
    try {
      return parseDDL(schema);
    } catch (ddlError) {
      // Report the reading that got further: `a INT, b STRNG` fails late as a field list, `map<int, strng>` as a type.
      // A single word (`strng`) is always meant as a type.
      const preferDdl = !/^\s*\w+\s*$/.test(schema) && errorPosition(ddlError) > errorPosition(typeError);
      throw preferDdl ? ddlError : typeError;
    }
  }
}

/**
 * Reads one data type from a token stream (shared with the SQL parser for `CAST(x AS type)`).
 * Errors carry the stream's subsystem prefix.
 */
export function readDataType(s: TokenStream): DataType {
  const tok = s.peek();
  if (tok.kind !== "word") throw s.errorAt(tok.start, `unexpected ${tokenText(tok)}`, "expected a type");
  s.next();
  switch (tok.upper) {
    case "ARRAY": {
      s.expectOp("<", " after ARRAY");
      const element = readDataType(s);
      s.expectOp(">", " to close ARRAY<");
      return ArrayType(element, true);
    }
    case "MAP": {
      s.expectOp("<", " after MAP");
      const key = readDataType(s);
      s.expectOp(",", " between the MAP key and value types");
      const value = readDataType(s);
      s.expectOp(">", " to close MAP<");
      return MapType(key, value, true);
    }
    case "STRUCT":
      return readStructBody(s);
    default:
      return readPrimitive(s, tok);
  }
}

// ---------------------------------------------------------------------------------------------

/** `<field, ...>` (or `<>`) after the STRUCT keyword. */
function readStructBody(s: TokenStream): StructType {
  if (s.acceptOp("<>")) return StructType([]);
  s.expectOp("<", " after STRUCT");
  const fields: StructField[] = [];
  if (!s.acceptOp(">")) {
    do {
      fields.push(readField(s, false));
    } while (s.acceptOp(","));
    s.expectOp(">", " to close STRUCT<");
  }
  return StructType(fields);
}

const SIMPLE_TYPES: Readonly<Record<string, () => DataType>> = {
  STRING: StringType,
  BIGINT: LongType,
  LONG: LongType,
  INT: IntegerType,
  INTEGER: IntegerType,
  SMALLINT: ShortType,
  SHORT: ShortType,
  TINYINT: ByteType,
  BYTE: ByteType,
  DOUBLE: DoubleType,
  FLOAT: FloatType,
  REAL: FloatType,
  BOOLEAN: BooleanType,
  BINARY: BinaryType,
  TIMESTAMP: TimestampType,
  TIMESTAMP_LTZ: TimestampType,
  TIMESTAMP_NTZ: TimestampNTZType,
  DATE: DateType,
  VOID: NullType,
};

const DECIMAL_NAMES = new Set(["DECIMAL", "DEC", "NUMERIC"]);
const CHAR_NAMES = new Set(["CHAR", "CHARACTER", "VARCHAR"]);
const UNSUPPORTED = new Set(["VARIANT", "OBJECT", "GEOMETRY", "GEOGRAPHY", "TIME"]);

/** Every type keyword, for did-you-mean suggestions. */
const TYPE_KEYWORDS = [...Object.keys(SIMPLE_TYPES), ...DECIMAL_NAMES, ...CHAR_NAMES, "ARRAY", "MAP", "STRUCT"];

function readPrimitive(s: TokenStream, tok: Token): DataType {
  const name = tok.upper;
  if (name === "INTERVAL") return readIntervalType(s, tok);
  const params = readTypeParams(s);
  // spark.sql.timestampType=TIMESTAMP_NTZ: the TIMESTAMP type is TIMESTAMP_NTZ.
  const simple = name === "TIMESTAMP" && parseSettings().timestampNtz ? TimestampNTZType : SIMPLE_TYPES[name];
  if (simple !== undefined) {
    if (params.length > 0) throw s.errorAt(tok.start, `type ${name} takes no parameters`);
    if (name === "STRING" && s.atWord("COLLATE")) throw s.errorAt(s.peek().start, "collated strings are not supported");
    return simple();
  }
  if (DECIMAL_NAMES.has(name)) {
    if (params.length > 2) throw s.errorAt(tok.start, `${name} takes at most 2 parameters (precision, scale), got ${params.length}`);
    const precision = params.length > 0 ? params[0] : 10;
    const scale = params.length > 1 ? params[1] : 0;
    try {
      return DecimalType(precision, scale);
    } catch (e) {
      if (e instanceof AnalysisError) throw s.errorAt(tok.start, e.message.replace(/^types: /, ""), "invalid type");
      throw e;
    }
  }
  if (CHAR_NAMES.has(name)) {
    if (params.length !== 1) throw s.errorAt(tok.start, `${name} needs a length, e.g. ${name}(20)`);
    return StringType();
  }
  if (UNSUPPORTED.has(name)) {
    throw s.errorAt(tok.start, `type '${tok.value}' is not supported by sluice`, "unsupported type");
  }
  const candidates = tok.value === tok.value.toLowerCase() ? TYPE_KEYWORDS.map((k) => k.toLowerCase()) : TYPE_KEYWORDS;
  throw s.errorAt(tok.start, `unknown type '${tok.value}'${suggestion(tok.value, candidates)}`, "expected a type");
}

const INTERVAL_FIELDS = new Set(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]);

/** `INTERVAL` (calendar), `INTERVAL YEAR [TO MONTH]`, `INTERVAL DAY TO SECOND` … after the INTERVAL keyword. */
function readIntervalType(s: TokenStream, tok: Token): DataType {
  const start = s.peek();
  if (start.kind !== "word" || !INTERVAL_FIELDS.has(start.upper)) return CalendarIntervalType();
  s.next();
  let text = `interval ${start.value}`;
  if (s.atWord("TO")) {
    s.next();
    const end = s.peek();
    if (end.kind !== "word" || !INTERVAL_FIELDS.has(end.upper)) throw s.unexpected("expected an interval field (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND)");
    s.next();
    text += ` to ${end.value}`;
  }
  const t = intervalTypeFromName(text);
  if (t === null) throw s.errorAt(tok.start, `invalid interval type '${text.toUpperCase()}'`, "invalid type");
  return t;
}

/** `(n, m, ...)` after a type name: non-negative integers. */
function readTypeParams(s: TokenStream): number[] {
  const params: number[] = [];
  if (!s.acceptOp("(")) return params;
  do {
    const t = s.peek();
    if (t.kind !== "number" || !/^\d+$/.test(t.value)) throw s.unexpected("expected an integer type parameter");
    s.next();
    params.push(Number(t.value));
  } while (s.acceptOp(","));
  s.expectOp(")", " to close the type parameters");
  return params;
}

/** `name [:] type [NOT NULL] [COMMENT 'text']`; at top level (`topLevel`) as in a table schema. */
function readField(s: TokenStream, topLevel: boolean): StructField {
  const nameTok = s.peek();
  if (nameTok.kind !== "word" && nameTok.kind !== "quoted") {
    throw s.unexpected(topLevel ? "expected a column name" : "expected a struct field name");
  }
  if (nameTok.kind === "word" && nameTok.value === "!") throw s.unexpected("expected a field name");
  s.next();
  s.acceptOp(":");
  const dataType = readDataType(s);
  let nullable = true;
  let comment: string | undefined;
  for (;;) {
    if (s.atWord("NOT") && s.atWord("NULL", 1)) {
      s.next();
      s.next();
      nullable = false;
    } else if (s.atWord("COMMENT")) {
      s.next();
      const t = s.peek();
      if (t.kind !== "string") throw s.unexpected("expected a quoted comment after COMMENT");
      comment = "";
      while (s.peek().kind === "string") comment += s.next().value;
    } else if (s.atWord("DEFAULT")) {
      throw s.errorAt(s.peek().start, "column DEFAULT values are not supported in a schema");
    } else {
      break;
    }
  }
  return StructField(nameTok.value, dataType, nullable, comment === undefined ? {} : { comment });
}

function tokenText(t: Token): string {
  return t.kind === "eof" ? "end of input" : `'${t.value}'`;
}

function errorPosition(e: unknown): number {
  return e instanceof ParseError ? (e.context.position ?? -1) : -1;
}
