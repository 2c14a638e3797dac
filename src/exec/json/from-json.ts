/**
 * `from_json` and the JSON source's line parser: UTF-8 JSON records → columnar vectors of a
 * schema, with Spark 3.5's semantics (JacksonParser + FailureSafeParser, default options).
 *
 * Record level (struct schema):
 * - a null input gives a null struct; blank input (only whitespace) gives a null struct for
 *   `from_json` and no row for the JSON source;
 * - input that is not valid JSON, or whose top-level value is not an object (an array, a scalar,
 *   `null`), is malformed: PERMISSIVE gives a non-null struct whose fields are all null (except the
 *   corrupt-record column, which gets the record's text); FAILFAST throws; DROPMALFORMED (JSON
 *   source only) drops it. Text after the first complete value is ignored, as Jackson never reads it;
 * - a field whose value does not fit its type is null while the other fields keep their values
 *   (partial results, Spark ≥ 3.4); the record still counts as malformed: the corrupt-record
 *   column is set, FAILFAST throws, DROPMALFORMED drops it.
 *
 * Field level (JSON token → type; anything else does not fit):
 * - string: a string's unescaped text; any other value re-serialised as Spark 3.5 does (compact,
 *   e.g. `{"a": [1, 2.50]}` → `{"a":[1,2.5]}`; Spark 4 keeps the original text instead);
 * - byte/short/int/long: integer tokens in range (byte accepts −128..255 as Jackson does); no
 *   strings, no `1.0`, no `1e2`;
 * - float/double: any number (`1e400` → Infinity), the bare tokens `NaN`/`Infinity`/…, and the
 *   strings "NaN", "Infinity", "+Infinity", "+INF", "-Infinity", "-INF";
 * - decimal(p,s): numbers and numeric strings (grouping commas dropped), rounded half-up to s,
 *   null when more than p digits are needed;
 * - boolean: `true`/`false` only; timestamp: strings in Spark's lenient format, integers as
 *   seconds since the epoch; date: strings `yyyy[-m[-d]]…` or an integer string of days;
 *   binary: base64 strings;
 * - struct / array / map: recursively; a failing array element or map value nulls the whole
 *   array or map; `null` is null; unknown keys are skipped; for duplicate keys the last valid
 *   value wins; keys match field names case-sensitively.
 */
import type { Vector } from "../../columnar/vector.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { AnalysisError, ConfigError, ExecutionError } from "../../errors.js";
import { ColumnBuilder } from "./column-builder.js";
import * as kinds from "./column-builder.js";
import * as scan from "./json-scanner.js";
import { JsonScanner } from "./json-scanner.js";
import { resolveJsonOptions } from "../../formats/json/json-options.js";
import type { FromJsonOptions, JsonOptions } from "../../formats/json/json-options.js";
import { decodeUtf8, validUtf8 } from "../../columnar/utf8.js";
import { currentInputFile } from "../eval/input-file.js";

export type { FromJsonOptions, JsonParseMode } from "../../formats/json/json-options.js";

// Local copies: imported bindings can compile to property getters, which cost in per-row loops.
const ROOT_BAD = scan.ROOT_BAD;
const ROOT_EMPTY = scan.ROOT_EMPTY;
const K_STRING = kinds.K_STRING;

/**
 * Parses each slot of `input` (a string or binary `bytes` vector of JSON texts) as `schema`
 * (a struct, array or map type) and returns a vector of type `schema`, one slot per input slot.
 * Modes: PERMISSIVE (default) and FAILFAST, which throws an {@link ExecutionError} naming the
 * record index and the reason. DROPMALFORMED is rejected, as in Spark.
 */
export function fromJson(input: Vector, schema: DataType, options?: FromJsonOptions): Vector {
  if (input.kind !== "bytes") {
    throw new AnalysisError(`from_json: input must be a string column, got ${input.type.typeName}`);
  }
  const { data, offsets } = input;
  return fromJsonLines(data, offsets, offsets.subarray(1), input.valid, input.length, schema, options);
}

/**
 * {@link fromJson} over texts that need not be contiguous: slot i is `data[starts[i], ends[i])`,
 * or null where `valid[i]` is 0. The text source hands its lines here in place (`starts`/`ends`
 * of a chunk's lines), so `from_json(CAST(value AS STRING))` over `format("text")` parses the
 * file's bytes without first copying every line into a `value` column; results are identical.
 */
export function fromJsonLines(
  data: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  valid: Uint8Array | null,
  n: number,
  schema: DataType,
  options?: FromJsonOptions,
): Vector {
  const opts = resolveJsonOptions("from_json", options);
  if (opts.mode === "DROPMALFORMED") {
    throw new ConfigError("from_json: mode DROPMALFORMED is not supported; use PERMISSIVE or FAILFAST", { option: "mode" });
  }
  if (schema.typeName !== "struct" && schema.typeName !== "array" && schema.typeName !== "map") {
    throw new AnalysisError(`from_json: schema must be a struct, array or map type, got ${schema.typeName}`);
  }
  const root = new ColumnBuilder(schema, n);
  const corruptIndex = schema.typeName === "struct" ? corruptColumnIndex(schema, opts) : -1;
  const scanner = new JsonScanner(opts, schema.typeName === "struct" ? opts.columnNameOfCorruptRecord : null);
  scanner.prepare(root);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) {
      root.clearSlot(i);
      continue;
    }
    const s = starts[i];
    const e = ends[i];
    const status = scanner.parseRoot(data, s, e, root, i, false);
    if (status === ROOT_EMPTY) {
      root.clearSlot(i);
    } else if (status === ROOT_BAD) {
      if (opts.mode === "FAILFAST") {
        // The file the rows came from, when a file source fed them (input_file_name()).
        const file = currentInputFile().path;
        throw new ExecutionError(
          `from_json: malformed record at index ${i} of its chunk${file === "" ? "" : ` read from ${file}`} in FAILFAST mode: ${scanner.reason}; record: ${preview(data, s, e)}`,
          { offset: i, ...(file === "" ? {} : { path: file }) },
        );
      }
      if (corruptIndex >= 0) writeCorrupt(root.children[corruptIndex], i, data, s, e);
    }
  }
  return root.finish(n);
}

/** Result of {@link parseJsonLines}. */
export interface JsonLinesResult {
  /** One vector per field of the schema, `numRows` long. */
  columns: Vector[];
  /** Per output row: 1 where the record was malformed (kept in PERMISSIVE mode). */
  corrupt: Uint8Array;
  /** Rows produced. Blank lines give none; a top-level array of objects gives one per object. */
  numRows: number;
  /** Per output row: the index (into `lineStarts`) of the line it came from. */
  lineIndex: Int32Array;
  /** Malformed lines seen, including the ones DROPMALFORMED dropped. */
  malformed: number;
}

/**
 * The JSON source's parser: line i is `data[lineStarts[i], lineEnds[i])` (no copy per line; a
 * trailing `\r` is ignored). Blank lines give no row; a top-level array of objects gives one row
 * per object (Spark's JSON source does the same). PERMISSIVE keeps malformed records (flagged in
 * `corrupt`, text in the corrupt-record column if the schema has one); DROPMALFORMED drops them;
 * FAILFAST throws an {@link ExecutionError} naming the line index and the reason.
 */
export function parseJsonLines(
  data: Uint8Array,
  lineStarts: Int32Array,
  lineEnds: Int32Array,
  schema: StructType,
  options?: FromJsonOptions,
): JsonLinesResult {
  const opts = resolveJsonOptions("json source", options);
  const n = lineStarts.length;
  const root = new ColumnBuilder(schema, n);
  const corruptIndex = corruptColumnIndex(schema, opts);
  const scanner = new JsonScanner(opts, opts.columnNameOfCorruptRecord);
  scanner.prepare(root);
  let corrupt = new Uint8Array(Math.max(1, n));
  let lineIndex = new Int32Array(Math.max(1, n));
  let r = 0;
  let malformed = 0;
  for (let i = 0; i < n; i++) {
    const s = lineStarts[i];
    let e = lineEnds[i];
    if (e > s && data[e - 1] === 0x0d) e--;
    const status = scanner.parseRoot(data, s, e, root, r, true);
    if (status === ROOT_EMPTY) continue;
    const rows = scanner.rowsOut;
    if (r + rows > corrupt.length) {
      const cap = Math.max(corrupt.length * 2, r + rows);
      const c2 = new Uint8Array(cap);
      c2.set(corrupt);
      corrupt = c2;
      const l2 = new Int32Array(cap);
      l2.set(lineIndex);
      lineIndex = l2;
    }
    if (status === ROOT_BAD) {
      malformed++;
      if (opts.mode === "FAILFAST") {
        throw new ExecutionError(`json source: malformed record at line index ${i} in FAILFAST mode: ${scanner.reason}; record: ${preview(data, s, e)}`, {
          offset: i,
        });
      }
      if (opts.mode === "DROPMALFORMED") continue;
      for (let k = r; k < r + rows; k++) {
        corrupt[k] = 1;
        if (corruptIndex >= 0) writeCorrupt(root.children[corruptIndex], k, data, s, e);
      }
    }
    for (let k = r; k < r + rows; k++) lineIndex[k] = i;
    r += rows;
  }
  const struct = root.finish(r);
  const columns = struct.kind === "struct" ? [...struct.children] : [];
  return { columns, corrupt: corrupt.slice(0, r), numRows: r, lineIndex: lineIndex.slice(0, r), malformed };
}

/** Index of the corrupt-record column in `schema`, or -1; it must be a nullable string. */
function corruptColumnIndex(schema: StructType, opts: JsonOptions): number {
  const name = opts.columnNameOfCorruptRecord;
  let idx = -1;
  schema.fields.forEach((f, i) => {
    if (f.name === name) idx = i;
  });
  if (idx >= 0) {
    const f = schema.fields[idx];
    if (f.dataType.typeName !== "string" || !f.nullable) {
      throw new AnalysisError(`from_json: the corrupt record field '${name}' must be a nullable string, got ${f.dataType.typeName}${f.nullable ? "" : " not null"}`);
    }
  }
  return idx;
}

/** The record's text into the corrupt-record column; bytes that are not UTF-8 become U+FFFD. */
function writeCorrupt(b: ColumnBuilder, r: number, data: Uint8Array, s: number, e: number): void {
  if (b.code !== K_STRING) return;
  const text = validUtf8(data, s, e);
  const at = b.startSlot(r);
  b.reserveBytes(text.length);
  b.bytes.set(text, at);
  b.pos = at + text.length;
  b.endSlot(r);
}

function preview(data: Uint8Array, s: number, e: number): string {
  const text = decodeUtf8(data, s, Math.min(e, s + 200));
  return e - s > 200 ? `${text}…` : text;
}
