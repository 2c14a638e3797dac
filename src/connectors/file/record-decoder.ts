/**
 * Lines → columns for each format the file source reads:
 * - text: each line is one `value` string, byte for byte (separators removed);
 * - json: each non-blank line is one record (a top-level array of objects gives one per object),
 *   parsed with the engine's JSON reader; blank lines yield none, as in Spark; a malformed line
 *   never affects its neighbours;
 * - csv: see `formats/csv/parse-csv.ts`.
 */
import { asBuffer, isValidUtf8, validUtf8Vector } from "../../columnar/utf8.js";
import type { StructType } from "../../types/data-types.js";
import type { BytesVector, Vector } from "../../columnar/vector.js";
import { ExecutionError, InternalError, SourceError } from "../../errors.js";
import { parseJsonLines } from "../../exec/json/from-json.js";
import { parseCsvLines } from "../../formats/csv/parse-csv.js";
import type { FormatOptions } from "./options.js";
import type { LineChunk } from "./line-chunks.js";
import type { LinesKernel } from "../../exec/eval/functions/json-functions.js";

/** Rows decoded from one chunk. */
export interface DecodedRows {
  /** One vector per field of the data schema given. */
  readonly columns: Vector[];
  readonly numRows: number;
  /** Malformed records seen (kept or dropped per the mode). */
  readonly malformed: number;
  /** CSV: whether the file's header line was in this chunk. */
  readonly headerSeen: boolean;
}

/**
 * Decodes `chunk` of the file `url` into columns of `schema`. Text with a `valueKernel` (the fused
 * `from_json` read) returns the kernel's parse of the lines in place of the `value` strings.
 */
export function decodeChunk(format: FormatOptions, schema: StructType, chunk: LineChunk, url: string, headerPending: boolean, valueKernel: LinesKernel | null = null): DecodedRows {
  switch (format.format) {
    case "text": {
      const n = chunk.starts.length;
      if (valueKernel === null) return { columns: [linesAsStrings(chunk, schema)], numRows: n, malformed: 0, headerSeen: false };
      try {
        return { columns: [valueKernel(chunk.data, chunk.starts, chunk.ends, n)], numRows: n, malformed: 0, headerSeen: false };
      } catch (cause) {
        // The fused from_json (FAILFAST) knows the record's index in the chunk, not its file and line.
        if (!(cause instanceof ExecutionError) || typeof cause.context.offset !== "number") throw cause;
        const line = chunk.firstLine + cause.context.offset;
        throw new ExecutionError(`${cause.message} (${url} line ${line})`, { ...cause.context, path: url, offset: line, cause });
      }
    }
    case "json":
      return decodeJson(format, schema, chunk, url);
    case "csv": {
      const r = parseCsvLines(chunk.data, chunk.starts, chunk.ends, schema, format.csv, {
        source: url,
        firstLine: chunk.firstLine,
        startOfFile: headerPending,
      });
      return { columns: r.columns, numRows: r.numRows, malformed: r.malformedRows, headerSeen: r.headerSeen };
    }
    case "parquet":
      throw new InternalError(`file source: parquet file ${url} was handed to the line decoder`);
  }
}

function linesAsStrings(chunk: LineChunk, schema: StructType): Vector {
  const { data, starts, ends } = chunk;
  const n = starts.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += ends[i] - starts[i];
  const out = new Uint8Array(total);
  // Buffer#copy: a native copy without allocating a view per line.
  const src = asBuffer(data);
  const dst = asBuffer(out);
  let at = 0;
  for (let i = 0; i < n; i++) {
    src.copy(dst, at, starts[i], ends[i]);
    at += ends[i] - starts[i];
    offsets[i + 1] = at;
  }
  // A line that is not valid UTF-8 (a native check of the whole chunk first) gets U+FFFD for its
  // invalid bytes, so the string column holds text every reader accepts.
  const lines: BytesVector = { kind: "bytes", type: schema.fields[0].dataType, length: n, valid: null, offsets, data: out };
  return isValidUtf8(out) ? lines : validUtf8Vector(lines);
}

function decodeJson(format: Extract<FormatOptions, { format: "json" }>, schema: StructType, chunk: LineChunk, url: string): DecodedRows {
  try {
    const r = parseJsonLines(chunk.data, chunk.starts, chunk.ends, schema, format.reader);
    return { columns: r.columns, numRows: r.numRows, malformed: r.malformed, headerSeen: false };
  } catch (cause) {
    if (!(cause instanceof ExecutionError)) throw cause;
    // FAILFAST: name the file and the line, which the line parser does not know.
    const index = typeof cause.context.offset === "number" ? cause.context.offset : -1;
    const where = index >= 0 ? `${url} line ${chunk.firstLine + index}` : url;
    throw new SourceError(`json source: malformed record at ${where} (mode FAILFAST): ${cause.message}`, { path: url, cause });
  }
}
