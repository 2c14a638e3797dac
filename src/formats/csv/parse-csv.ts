/**
 * CSV lines → typed columns, per Spark's CSV reader (`UnivocityParser` + `FailureSafeParser`) for
 * single-line records.
 *
 * Contract:
 * - Lines that are blank (only bytes ≤ 0x20) or start with the `comment` character are skipped.
 * - With `header`, when `startOfFile` is set, the first line not skipped is the header and yields
 *   no row (with `enforceSchema` false its names must match the data columns, case-insensitively).
 * - Cells map to the schema's fields by position, leaving out the `columnNameOfCorruptRecord` field
 *   (which must be a nullable string). A row is malformed when its cell count differs from the
 *   number of data fields, or a cell does not convert (or is null for a non-nullable field).
 * - PERMISSIVE: a malformed row keeps what did convert (missing and failed cells are null, extra
 *   cells dropped) and the raw line goes into the corrupt-record column if the schema has it.
 *   DROPMALFORMED: the row is dropped. FAILFAST: a {@link SourceError} naming the source and line.
 */
import type { StructType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { decodeUtf8, validUtf8 } from "../../columnar/utf8.js";
import { ConfigError, SourceError } from "../../errors.js";
import type { CsvOptions } from "./options.js";
import { CsvTokenizer, CELL_EMPTY, CELL_EMPTY_QUOTED } from "./tokenizer.js";
import { cellWriterFor } from "./cell-writers.js";
import type { CellWriter } from "./cell-writers.js";

/** Where the lines come from, for messages and header handling. */
export interface CsvParseContext {
  /** The file (URL) the lines come from. */
  readonly source: string;
  /** 1-based line number of `starts[0]` within the file. */
  readonly firstLine: number;
  /** Whether the first line given is the first line of the file (a header is expected there). */
  readonly startOfFile: boolean;
}

export interface CsvParseResult {
  /** One vector per field of the schema, in schema order. */
  readonly columns: Vector[];
  readonly numRows: number;
  /** Rows that were malformed (kept in PERMISSIVE, dropped in DROPMALFORMED). */
  readonly malformedRows: number;
  /** Whether the header line was consumed from these lines. */
  readonly headerSeen: boolean;
}

/**
 * Checks that `schema` suits the CSV reader: the corrupt-record field, if present, is a nullable
 * string; other fields are atomic types. Throws {@link ConfigError}.
 */
export function checkCsvSchema(schema: StructType, options: CsvOptions): void {
  for (const f of schema.fields) {
    if (f.name === options.columnNameOfCorruptRecord) {
      if (f.dataType.typeName !== "string" || !f.nullable) {
        throw new ConfigError(`csv source: the corrupt record field '${f.name}' must be a nullable string, got ${f.dataType.typeName}`);
      }
      continue;
    }
    cellWriterFor(f.name, f.dataType, 0, options);
  }
}

/** Parses `data[starts[i], ends[i])` for every i into columns of `schema`. */
export function parseCsvLines(
  data: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  schema: StructType,
  options: CsvOptions,
  ctx: CsvParseContext,
): CsvParseResult {
  const n = starts.length;
  const fields = schema.fields;
  const corruptIndex = fields.findIndex((f) => f.name === options.columnNameOfCorruptRecord);
  const dataFields: number[] = [];
  for (let i = 0; i < fields.length; i++) if (i !== corruptIndex) dataFields.push(i);
  const writers: CellWriter[] = fields.map((f) => cellWriterFor(f.name, f.dataType, n, options));
  const corrupt = corruptIndex >= 0 ? writers[corruptIndex] : null;
  const tok = new CsvTokenizer(options);
  const nullBytes = new TextEncoder().encode(options.nullValue);
  const emptyBytes = new TextEncoder().encode(options.emptyValue);
  const emptyIsNull = options.emptyValue === options.nullValue;
  const comment = options.comment === "" ? -1 : options.comment.charCodeAt(0);
  const expected = dataFields.length;
  // Local copies: imported bindings are accessors under some loaders, too slow for the cell loop.
  const cellEmpty = CELL_EMPTY;
  const cellEmptyQuoted = CELL_EMPTY_QUOTED;
  let headerPending = options.header && ctx.startOfFile;
  let headerSeen = false;
  let rows = 0;
  let malformed = 0;

  for (let li = 0; li < n; li++) {
    const s = starts[li];
    const e = ends[li];
    if (isBlank(data, s, e) || data[s] === comment) continue;
    const cells = tok.tokenize(data, s, e);
    if (headerPending) {
      headerPending = false;
      headerSeen = true;
      if (!options.enforceSchema) checkHeader(tok, data, cells, dataFields.map((k) => fields[k].name), ctx, li);
      continue;
    }
    for (let k = 0; k < writers.length; k++) writers[k].beginRow(rows);
    let bad = cells !== expected || cells > options.maxColumns;
    for (let k = 0; k < expected; k++) {
      const fi = dataFields[k];
      const w = writers[fi];
      if (k >= cells) {
        w.setNull(rows);
        continue;
      }
      const kind = tok.empty[k];
      let buf: Uint8Array;
      let cs: number;
      let ce: number;
      if (kind === cellEmpty || (kind === cellEmptyQuoted && emptyIsNull)) {
        buf = nullBytes;
        cs = 0;
        ce = 0;
      } else if (kind === cellEmptyQuoted) {
        buf = emptyBytes;
        cs = 0;
        ce = emptyBytes.length;
      } else {
        buf = tok.bufferOf(k, data);
        cs = tok.starts[k];
        ce = tok.ends[k];
      }
      if (kind === cellEmpty || (kind === cellEmptyQuoted && emptyIsNull) || bytesEqual(buf, cs, ce, nullBytes)) {
        w.setNull(rows);
        if (!fields[fi].nullable) bad = true;
        continue;
      }
      if (!w.write(rows, buf, cs, ce)) {
        w.setNull(rows);
        bad = true;
      }
    }
    if (bad) {
      malformed++;
      if (options.mode === "FAILFAST") {
        throw new SourceError(
          `csv source: malformed record at ${ctx.source} line ${ctx.firstLine + li} (mode FAILFAST): ${JSON.stringify(decodeUtf8(data, s, Math.min(e, s + 200)))}`,
          { path: ctx.source },
        );
      }
      if (options.mode === "DROPMALFORMED") continue;
      if (corrupt !== null) {
        // The raw line, made valid UTF-8 (a string column other readers can read).
        const text = validUtf8(data, s, e);
        corrupt.write(rows, text, 0, text.length);
      }
    } else if (corrupt !== null) {
      corrupt.setNull(rows);
    }
    rows++;
  }
  return { columns: writers.map((w) => w.finish(rows)), numRows: rows, malformedRows: malformed, headerSeen };
}

function isBlank(data: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (data[i] > 0x20) return false;
  return true;
}

function bytesEqual(buf: Uint8Array, s: number, e: number, other: Uint8Array): boolean {
  if (e - s !== other.length || other.length === 0) return false;
  for (let i = 0; i < other.length; i++) if (buf[s + i] !== other[i]) return false;
  return true;
}

function checkHeader(tok: CsvTokenizer, data: Uint8Array, cells: number, names: string[], ctx: CsvParseContext, li: number): void {
  const header: string[] = [];
  for (let k = 0; k < cells; k++) header.push(decodeUtf8(tok.bufferOf(k, data), tok.starts[k], tok.ends[k]));
  const ok = header.length === names.length && header.every((h, i) => h.toLowerCase() === names[i].toLowerCase());
  if (!ok) {
    throw new SourceError(
      `csv source: header of ${ctx.source} (line ${ctx.firstLine + li}) does not match the schema with enforceSchema=false: ` +
        `header [${header.join(", ")}], schema [${names.join(", ")}]`,
      { path: ctx.source },
    );
  }
}
