/**
 * JSON function kernels, with Spark 3.5's semantics:
 * - from_json and to_json delegate to the JSON codec in `exec/json` (with `timestampFormat` /
 *   `dateFormat` applied around it, and map keys written as Spark's `toString` of the key);
 * - get_json_object, json_array_length and json_object_keys read the text with `JsonReader` (in
 *   the definitions' file), a pull tokenizer that accepts and rejects what Spark's shared Jackson
 *   factory does (single quotes and raw control characters allowed), and turn malformed text into null;
 * - schema_of_json returns the DDL its definition infers (`STRUCT<a: BIGINT>`).
 */
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { javaBigDecimalString, javaDoubleString, javaFloatString } from "../../../columnar/java-text.js";
import { ConfigError, ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import {
  ArrayType,
  IntegerType,
  MapType,
  StringType,
  StructField,
  StructType,
} from "../../../types/data-types.js";
import type { DataType } from "../../../types/data-types.js";
import { fromJson, fromJsonLines } from "../../json/from-json.js";
import type { FromJsonOptions } from "../../json/from-json.js";
import { toJson } from "../../json/to-json.js";
import { compileDatetimePattern, parseDateWithPattern, parseTimestampWithPattern } from "../../../formats/csv/datetime.js";
import type { DatetimePattern } from "../../../formats/csv/datetime.js";
import { compilePattern, formatWithPattern, MICROS_PER_DAY } from "../datetime.js";
import { zoneOffsetSeconds } from "../../../formats/json/json-datetime.js";
import { UTC } from "../../../columnar/time-zone.js";
import { formatJsonTimestamp } from "../../../formats/json/json-text.js";
import type { DateTimePattern } from "../datetime.js";
import { isMalformedJson, JsonReader, resolveJsonFunctionOptions, schemaOfJson, Tok } from "../../../plan/expressions/functions/json.js";
import type { JsonFunctionOptions } from "../../../plan/expressions/functions/json.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { literalArg } from "./kernel.js";

/** The options of the `exec/json` codec (the rest is applied by the kernels here). */
function codecOptions(o: JsonFunctionOptions): FromJsonOptions {
  return {
    mode: o.mode,
    columnNameOfCorruptRecord: o.columnNameOfCorruptRecord,
    allowNumericLeadingZeros: o.allowNumericLeadingZeros,
    allowSingleQuotes: o.allowSingleQuotes,
    allowNonNumericNumbers: o.allowNonNumericNumbers,
    allowBackslashEscapingAnyCharacter: o.allowBackslashEscapingAnyCharacter,
    allowUnquotedControlChars: o.allowUnquotedControlChars,
    timeZone: o.timeZone,
  };
}

// ---------------------------------------------------------------------------------------------
// from_json / to_json

/**
 * from_json(json, schema[, options]): the call's data type is the schema. With `timestampFormat`
 * or `dateFormat`, those fields are read as text by the codec and then parsed with the pattern;
 * text the pattern rejects is null (FAILFAST: an error), and a text a year-less pattern rejects
 * only because the default year 1970 has no Feb 29 raises Spark's INCONSISTENT_BEHAVIOR_CROSS_VERSION
 * error (Spark's legacy parser would have accepted it).
 */
export function fromJsonKernel(call: BoundCall): Kernel {
  const parse = fromJsonParser(call);
  return ([v]) => parse((schema, options) => fromJson(v, schema, options));
}

/**
 * A `from_json` call's parse of a text chunk's lines in place: line i is `data[starts[i], ends[i])`.
 * The text source runs it for `from_json(CAST(value AS STRING), …)` over `format("text")` (see
 * `fuseTextFromJson` in the planner), with the results {@link fromJsonKernel} gives over the lines
 * copied into a `value` column.
 */
export type LinesKernel = (data: Uint8Array, starts: Int32Array, ends: Int32Array, n: number) => Vector;

export function fromJsonLinesKernel(call: BoundCall): LinesKernel {
  const parse = fromJsonParser(call);
  return (data, starts, ends, n) => parse((schema, options) => fromJsonLines(data, starts, ends, null, n, schema, options));
}

/** The call's options resolved once; runs `scan` with the schema to scan and applies the datetime patterns. */
function fromJsonParser(call: BoundCall): (scan: (schema: DataType, options: FromJsonOptions) => Vector) => Vector {
  const o = resolveJsonFunctionOptions("from_json", call.fn.options);
  if (o.mode === "DROPMALFORMED") {
    throw new ConfigError("from_json: [PARSE_MODE_UNSUPPORTED] from_json() doesn't support the DROPMALFORMED mode; use PERMISSIVE or FAILFAST", {
      option: "mode",
    });
  }
  const codec = codecOptions(o);
  const formats: ReadFormats = {
    timestamp: o.timestampFormat === undefined ? null : readPattern(o.timestampFormat, "timestampFormat"),
    date: o.dateFormat === undefined ? null : readPattern(o.dateFormat, "dateFormat"),
    failFast: o.mode === "FAILFAST",
    zone: o.timeZone,
  };
  if (formats.timestamp === null && formats.date === null) return (scan) => scan(call.dataType, codec);
  const textSchema = withDatetimesAsText(call.dataType, formats);
  return (scan) => parseDatetimeTexts(scan(textSchema, codec), call.dataType, formats);
}

/**
 * to_json(struct | array | map[, options]): `ignoreNullFields`, `timeZone`, `timestampFormat` and
 * `dateFormat` are honoured. Keys of maps whose key type is not a string are written as Spark's
 * `toString` of the key (a struct key `[1,2]`).
 */
export function toJsonKernel(call: BoundCall): Kernel {
  const o = resolveJsonFunctionOptions("to_json", call.fn.options);
  const formats: WriteFormats = {
    timestamp: o.timestampFormat === undefined ? null : compilePattern(o.timestampFormat),
    date: o.dateFormat === undefined ? null : compilePattern(o.dateFormat),
    zone: o.timeZone,
  };
  const options = { ignoreNullFields: o.ignoreNullFields, timeZone: o.timeZone };
  return ([v]) => toJson(prepareForWrite(v, formats, true), options);
}

interface ReadFormats {
  readonly timestamp: DatetimePattern | null;
  readonly date: DatetimePattern | null;
  readonly failFast: boolean;
  /** Zone of timestamp texts that name none (Spark's `timeZone` option, else the session's). */
  readonly zone: string;
}

/** Patterns for dates and timestamps written as text (null: the writer's default form). */
export interface WriteFormats {
  readonly timestamp: DateTimePattern | null;
  readonly date: DateTimePattern | null;
  /** Zone timestamps are written in. */
  readonly zone: string;
  /** Write timestamps without a pattern as Spark's default `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in `zone` too. */
  readonly defaultTimestamps?: boolean;
}

function readPattern(pattern: string, option: string): DatetimePattern {
  try {
    return compileDatetimePattern(pattern, option);
  } catch (e) {
    throw new ConfigError(`from_json: option '${option}' has an invalid pattern ${JSON.stringify(pattern)}`, { option, cause: e });
  }
}

/** `t` with the timestamp / date types that have a read pattern replaced by string. */
function withDatetimesAsText(t: DataType, f: ReadFormats): DataType {
  switch (t.typeName) {
    case "timestamp":
      return f.timestamp === null ? t : StringType();
    case "date":
      return f.date === null ? t : StringType();
    case "struct":
      return StructType(t.fields.map((x) => StructField(x.name, withDatetimesAsText(x.dataType, f), x.nullable, x.metadata)));
    case "array":
      return ArrayType(withDatetimesAsText(t.elementType, f), t.containsNull);
    case "map":
      return MapType(t.keyType, withDatetimesAsText(t.valueType, f), t.valueContainsNull);
    default:
      return t;
  }
}

/** Converts the text slots of `v` (parsed with {@link withDatetimesAsText}) back to `target`. */
function parseDatetimeTexts(v: Vector, target: DataType, f: ReadFormats): Vector {
  switch (target.typeName) {
    case "timestamp":
    case "date": {
      if (v.kind !== "bytes") return v;
      const isTs = target.typeName === "timestamp";
      const pattern = isTs ? f.timestamp : f.date;
      if (pattern === null) return v;
      const n = v.length;
      const valid = new Uint8Array(n);
      const longs = isTs ? new BigInt64Array(n) : null;
      const ints = isTs ? null : new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (!isValid(v, i)) continue;
        const text = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
        const days = isTs ? null : parseDateWithPattern(pattern, text);
        const micros = isTs ? inZone(parseTimestampWithPattern(pattern, text, UTC), pattern, f.zone) : null;
        if (days === null && micros === null) {
          checkLegacyLeapDay(pattern, text);
          if (f.failFast) {
            throw new ExecutionError(`from_json: malformed record in FAILFAST mode: ${JSON.stringify(text)} does not match ${isTs ? "timestampFormat" : "dateFormat"} '${pattern.pattern}'`);
          }
          continue;
        }
        valid[i] = 1;
        if (longs !== null && micros !== null) longs[i] = micros;
        if (ints !== null && days !== null) ints[i] = days;
      }
      if (longs !== null) return { kind: "i64", type: target, length: n, valid, values: longs };
      return { kind: "i32", type: target, length: n, valid, values: ints ?? new Int32Array(n) };
    }
    case "struct":
      if (v.kind !== "struct") return v;
      return { ...v, type: target, children: v.children.map((c, k) => parseDatetimeTexts(c, target.fields[k].dataType, f)) };
    case "array":
      if (v.kind !== "list") return v;
      return { ...v, type: target, child: parseDatetimeTexts(v.child, target.elementType, f) };
    case "map":
      if (v.kind !== "map") return v;
      return { ...v, type: target, items: parseDatetimeTexts(v.items, target.valueType, f) };
    default:
      return v;
  }
}

/**
 * A timestamp read at UTC as the same wall-clock time in `zone`, unless the pattern reads an
 * offset or zone itself.
 */
function inZone(localMicros: bigint | null, pattern: DatetimePattern, zone: string): bigint | null {
  if (localMicros === null || /[XxZVzO]/.test(pattern.pattern.replace(/'[^']*'/g, ""))) return localMicros;
  const local = Number(localMicros / 1_000_000n);
  // Two rounds settle the offset (outside a DST gap).
  let offset = zoneOffsetSeconds(zone, local);
  offset = zoneOffsetSeconds(zone, local - offset);
  return localMicros - BigInt(offset) * 1_000_000n;
}

/**
 * Spark reads with java.time and, when that fails, asks its legacy parser (lenient
 * `FastDateFormat`): if the legacy one accepts the text, Spark raises instead of returning null,
 * since results would differ across versions. The case that matters in practice is a pattern
 * without a year given Feb 29: java.time defaults the year to 1970 and rejects it, the legacy
 * parser rolls it over to March 1.
 */
function checkLegacyLeapDay(pattern: DatetimePattern, text: string): void {
  if (/[yu]/.test(pattern.pattern.replace(/'[^']*'/g, ""))) return;
  let leap: DatetimePattern;
  try {
    leap = compileDatetimePattern(`yyyy ${pattern.pattern}`, "pattern");
  } catch {
    return;
  }
  if (parseDateWithPattern(leap, `1972 ${text}`) !== null) {
    throw new ExecutionError(
      `from_json: [INCONSISTENT_BEHAVIOR_CROSS_VERSION.PARSE_DATETIME_BY_NEW_PARSER] You may get a different result due to the upgrading to Spark >= 3.0: ` +
        `Fail to parse '${text}' in the new parser. You can set "spark.sql.legacy.timeParserPolicy" to "LEGACY" to restore the behavior before Spark 3.0, ` +
        `or set to "CORRECTED" and treat it as an invalid datetime string.`,
    );
  }
}

/**
 * `v` ready for a text writer: timestamps and dates with a write pattern become their formatted
 * text, and (when `mapKeysAsText`) keys of non-string map keys become Spark's `toString` of the key.
 */
export function prepareForWrite(v: Vector, f: WriteFormats, mapKeysAsText: boolean): Vector {
  switch (v.kind) {
    case "i64":
      if (v.type.typeName !== "timestamp") return v;
      if (f.timestamp === null) return f.defaultTimestamps === true ? mapToText(v, (i) => formatJsonTimestamp(v.values[i], f.zone)) : v;
      return mapToText(v, (i) => {
        const us = v.values[i];
        return formatWithPattern(us + BigInt(zoneOffsetSeconds(f.zone, Number(us / 1_000_000n))) * 1_000_000n, f.timestamp ?? []);
      });
    case "i32":
      if (v.type.typeName !== "date" || f.date === null) return v;
      return mapToText(v, (i) => formatWithPattern(BigInt(v.values[i]) * MICROS_PER_DAY, f.date ?? []));
    case "struct": {
      const children = v.children.map((c) => prepareForWrite(c, f, mapKeysAsText));
      if (children.every((c, k) => c === v.children[k])) return v;
      const type = StructType(v.type.fields.map((x, k) => StructField(x.name, children[k].type, x.nullable, x.metadata)));
      return { ...v, type, children };
    }
    case "list": {
      const child = prepareForWrite(v.child, f, mapKeysAsText);
      return child === v.child ? v : { ...v, type: ArrayType(child.type, v.type.containsNull), child };
    }
    case "map": {
      const items = prepareForWrite(v.items, f, mapKeysAsText);
      const keys = mapKeysAsText && v.keys.type.typeName !== "string" ? mapToText(v.keys, (i) => keyText(v.keys, i)) : v.keys;
      if (keys === v.keys && items === v.items) return v;
      return { ...v, type: MapType(keys.type, items.type, v.type.valueContainsNull), keys, items };
    }
    default:
      return v;
  }
}

function mapToText(v: Vector, text: (i: number) => string): Vector {
  const b = new BytesBuilder(v.length);
  for (let i = 0; i < v.length; i++) {
    if (isValid(v, i)) b.appendString(text(i));
    else b.appendNull();
  }
  return b.finish(StringType());
}

/**
 * Spark's `toString` of a value held in Catalyst's internal form, as JacksonGenerator writes map
 * keys: numbers as Java prints them, dates as day numbers and timestamps as microseconds (their
 * internal values), structs as `[a,b]` (GenericInternalRow), arrays as `[a, b]`.
 */
function keyText(v: Vector, i: number): string {
  if (!isValid(v, i)) return "null";
  switch (v.kind) {
    case "i64":
      return v.values[i].toString();
    case "i32":
    case "i16":
    case "i8":
      return String(v.values[i]);
    case "f64":
      return javaDoubleString(v.values[i]);
    case "f32":
      return javaFloatString(v.values[i]);
    case "bool":
      return v.values[i] === 1 ? "true" : "false";
    case "bytes":
      return decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    case "decimal":
      return javaBigDecimalString(v.values[i], v.type.scale);
    case "struct":
      return `[${v.children.map((c) => keyText(c, i)).join(",")}]`;
    case "list": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(keyText(v.child, k));
      return `[${parts.join(", ")}]`;
    }
    case "map": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(`${keyText(v.keys, k)} -> ${keyText(v.items, k)}`);
      return `{${parts.join(", ")}}`;
    }
    case "null":
      return "null";
  }
}

function perRow<T>(v: Vector, n: number, read: (text: string) => T | null): (T | null)[] {
  if (v.kind !== "bytes") throw new ExecutionError(`json: expected a string column, got ${v.type.typeName}`);
  const out = new Array<T | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    try {
      out[i] = read(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]));
    } catch (e) {
      if (!isMalformedJson(e)) throw e;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// json_array_length / json_object_keys

/** json_array_length(json): elements of the outermost array; null for anything else or bad text. */
export function jsonArrayLengthKernel(): Kernel {
  const p = new JsonReader();
  return ([v], n) => {
    if (v.kind === "null") return { kind: "null", type: IntegerType(), length: n, valid: null };
    const lengths = perRow(v, n, (text) => {
      if (p.reset(text).next() !== Tok.START_ARRAY) return null;
      let length = 0;
      while (p.next() !== Tok.END_ARRAY) {
        length++;
        p.skipChildren();
      }
      return length;
    });
    const values = new Int32Array(n);
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = lengths[i];
      if (x !== null) {
        values[i] = x;
        valid[i] = 1;
      }
    }
    return { kind: "i32", type: IntegerType(), length: n, valid, values };
  };
}

/** json_object_keys(json): the outermost object's keys in order; null for anything else or bad text. */
export function jsonObjectKeysKernel(call: BoundCall): Kernel {
  const p = new JsonReader();
  return ([v], n) => {
    const type = ArrayType(StringType());
    if (v.kind === "null") return { kind: "null", type, length: n, valid: null };
    const keys = perRow(v, n, (text) => {
      if (p.reset(text).next() !== Tok.START_OBJECT) return null;
      const out: string[] = [];
      while (p.next() !== Tok.END_OBJECT) {
        out.push(p.text);
        p.next();
        p.skipChildren();
      }
      return out;
    });
    return listOfStrings(keys, call.dataType.typeName === "array" ? call.dataType : type);
  };
}

function listOfStrings(rows: readonly (readonly string[] | null)[], type: DataType): Vector {
  const n = rows.length;
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  const child = new BytesBuilder(n * 2);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r !== null) {
      valid[i] = 1;
      for (const s of r) child.appendString(s);
    }
    offsets[i + 1] = child.length;
  }
  if (type.typeName !== "array") throw new ExecutionError(`json: expected an array type, got ${type.typeName}`);
  return { kind: "list", type, length: n, valid, offsets, child: child.finish(StringType()) };
}

// ---------------------------------------------------------------------------------------------
// get_json_object

const RAW = 0;
const QUOTED = 1;
const FLATTEN = 2;

/** One instruction of a parsed JSON path (Spark's `PathInstruction`). */
type PathStep =
  | { readonly k: "subscript" }
  | { readonly k: "wildcard" }
  | { readonly k: "key" }
  | { readonly k: "index"; readonly index: number }
  | { readonly k: "named"; readonly name: string };

const SUBSCRIPT: PathStep = { k: "subscript" };
const WILDCARD: PathStep = { k: "wildcard" };
const KEY: PathStep = { k: "key" };

/**
 * Parses a JSON path as Spark's `JsonPathParser`: `$` then any of `.name`, `['name']`, `[n]`,
 * `[*]`, `.*`, `['*']`, whitespace allowed between them. Null for a path Spark rejects.
 */
export function parseJsonPath(path: string): PathStep[] | null {
  let i = 0;
  const ws = () => {
    while (i < path.length && /\s/.test(path[i])) i++;
  };
  ws();
  if (path[i] !== "$") return null;
  i++;
  const out: PathStep[] = [];
  for (;;) {
    ws();
    if (i >= path.length) return out;
    if (path.startsWith(".*", i)) {
      out.push(WILDCARD);
      i += 2;
    } else if (path.startsWith("['*']", i)) {
      out.push(WILDCARD);
      i += 5;
    } else if (path[i] === ".") {
      i++;
      ws();
      const m = /^[^.[]+/.exec(path.slice(i));
      if (m === null) return null;
      out.push(KEY, { k: "named", name: m[0] });
      i += m[0].length;
    } else if (path.startsWith("['", i)) {
      const m = /^[^'?]+/.exec(path.slice(i + 2));
      if (m === null || !path.startsWith("']", i + 2 + m[0].length)) return null;
      out.push(KEY, { k: "named", name: m[0] });
      i += 2 + m[0].length + 2;
    } else if (path[i] === "[") {
      i++;
      ws();
      if (path[i] === "*") {
        out.push(SUBSCRIPT, WILDCARD);
        i++;
      } else {
        const m = /^\d+/.exec(path.slice(i));
        if (m === null) return null;
        const index = Number(m[0]);
        if (!Number.isSafeInteger(index)) return null;
        out.push(SUBSCRIPT, { k: "index", index });
        i += m[0].length;
      }
      ws();
      if (path[i] !== "]") return null;
      i++;
    } else return null;
  }
}

/** Jackson's generator as get_json_object uses it: separators between values, raw writes without. */
class PathWriter {
  out = "";
  private readonly inArray: boolean[] = [false];
  private readonly counts: number[] = [0];

  /** A complete value (with a separator before it when one is due). */
  value(text: string): void {
    this.separate();
    this.out += text;
  }

  /** Text written as it is, no separator (Jackson's `writeRaw`). */
  raw(text: string): void {
    this.out += text;
  }

  startArray(): void {
    this.separate();
    this.out += "[";
    this.inArray.push(true);
    this.counts.push(0);
  }

  endArray(): void {
    this.out += "]";
    this.inArray.pop();
    this.counts.pop();
  }

  private separate(): void {
    const d = this.counts.length - 1;
    // Jackson separates root-level values with a space, array elements with a comma.
    if (this.counts[d] > 0) this.out += this.inArray[d] ? "," : " ";
    this.counts[d]++;
  }
}

/** Spark's `GetJsonObject.evaluatePath`: writes the matches at `path[k..]` to `g`; true when any. */
function evaluatePath(p: JsonReader, g: PathWriter, style: number, path: readonly PathStep[], k: number): boolean {
  const tok = p.token;
  if (k === path.length) {
    if (tok === Tok.STRING && style === RAW) {
      g.raw(p.text);
      return true;
    }
    if (tok === Tok.START_ARRAY && style === FLATTEN) {
      let dirty = false;
      while (p.next() !== Tok.END_ARRAY) dirty = evaluatePath(p, g, style, path, k) || dirty;
      return dirty;
    }
    g.value(p.copyStructure());
    return true;
  }
  const step = path[k];
  const next = path[k + 1] as PathStep | undefined;
  if (tok === Tok.START_OBJECT && step.k === "key") {
    let dirty = false;
    while (p.next() !== Tok.END_OBJECT) {
      if (dirty) p.skipChildren();
      else dirty = evaluatePath(p, g, style, path, k + 1);
    }
    return dirty;
  }
  if (tok === Tok.START_ARRAY && step.k === "subscript" && next !== undefined) {
    const doubleWildcard = next.k === "wildcard" && path[k + 2]?.k === "subscript" && path[k + 3]?.k === "wildcard";
    if (doubleWildcard) {
      // Hive's non-structure-preserving double wildcard.
      let dirty = false;
      g.startArray();
      while (p.next() !== Tok.END_ARRAY) dirty = evaluatePath(p, g, FLATTEN, path, k + 4) || dirty;
      g.endArray();
      return dirty;
    }
    if (next.k === "wildcard" && style !== QUOTED) {
      // One match is written bare, several as an array (Hive's behaviour).
      const buffer = new PathWriter();
      buffer.startArray();
      let dirty = 0;
      while (p.next() !== Tok.END_ARRAY) if (evaluatePath(p, buffer, style === RAW ? QUOTED : FLATTEN, path, k + 2)) dirty++;
      buffer.endArray();
      if (dirty > 1) g.value(buffer.out);
      else if (dirty === 1) g.value(buffer.out.slice(1, -1));
      return dirty > 0;
    }
    if (next.k === "wildcard") {
      let dirty = false;
      g.startArray();
      while (p.next() !== Tok.END_ARRAY) dirty = evaluatePath(p, g, QUOTED, path, k + 2) || dirty;
      g.endArray();
      return dirty;
    }
    if (next.k === "index") {
      const quoted = path[k + 2]?.k === "subscript" && path[k + 3]?.k === "wildcard";
      p.next();
      return arrayIndex(p, next.index, () => evaluatePath(p, g, quoted ? QUOTED : style, path, k + 2));
    }
  }
  if (tok === Tok.FIELD_NAME && step.k === "named" && p.text === step.name) {
    return p.next() !== Tok.NULL && evaluatePath(p, g, style, path, k + 1);
  }
  if (tok === Tok.FIELD_NAME && step.k === "wildcard") {
    p.next();
    return evaluatePath(p, g, style, path, k + 1);
  }
  p.skipChildren();
  return false;
}

/** Advances to element `index` of the array whose first element is current and evaluates `f` there. */
function arrayIndex(p: JsonReader, index: number, f: () => boolean): boolean {
  for (let i = index; ; i--) {
    if (p.token === Tok.END_ARRAY) return false;
    if (i === 0) {
      const dirty = f();
      while (p.next() !== Tok.END_ARRAY) p.skipChildren();
      return dirty;
    }
    p.skipChildren();
    p.next();
  }
}

/** get_json_object(json, path): the matched JSON (strings unquoted), null when none or invalid. */
export function getJsonObjectKernel(call: BoundCall): Kernel {
  const lit = literalArg(call, 1);
  const fixed = typeof lit === "string" ? parseJsonPath(lit) : lit === null ? null : undefined;
  const reader = new JsonReader();
  return ([v, pathVector], n) => {
    if (v.kind === "null") return { kind: "null", type: StringType(), length: n, valid: null };
    if (v.kind !== "bytes") throw new ExecutionError(`get_json_object: expected a string, got ${v.type.typeName}`);
    const b = new BytesBuilder(n);
    for (let i = 0; i < n; i++) {
      let path = fixed;
      if (path === undefined) {
        path =
          pathVector.kind === "bytes" && isValid(pathVector, i)
            ? parseJsonPath(decodeUtf8(pathVector.data, pathVector.offsets[i], pathVector.offsets[i + 1]))
            : null;
      }
      let r: string | null = null;
      if (isValid(v, i) && path !== null) {
        try {
          reader.reset(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1])).next();
          const g = new PathWriter();
          if (evaluatePath(reader, g, RAW, path, 0)) r = g.out;
        } catch (e) {
          if (!isMalformedJson(e)) throw e;
        }
      }
      if (r === null) b.appendNull();
      else b.appendString(r);
    }
    return b.finish(StringType());
  };
}

/** schema_of_json(json[, options]): the argument is a constant, so is the result. */
export function schemaOfJsonKernel(call: BoundCall): Kernel {
  const lit = literalArg(call, 0);
  if (typeof lit !== "string") throw new ExecutionError("schema_of_json: the json argument must be a constant string");
  const ddl = schemaOfJson(lit, resolveJsonFunctionOptions("schema_of_json", call.fn.options));
  return (_args, n) => {
    const b = new BytesBuilder(n, n * ddl.length);
    for (let i = 0; i < n; i++) b.appendString(ddl);
    return b.finish(StringType());
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const JSON_KERNELS: Readonly<Record<string, KernelFactory>> = {
  get_json_object: getJsonObjectKernel,
  from_json: fromJsonKernel,
  to_json: toJsonKernel,
  schema_of_json: schemaOfJsonKernel,
  json_array_length: jsonArrayLengthKernel,
  json_object_keys: jsonObjectKeysKernel,
};
