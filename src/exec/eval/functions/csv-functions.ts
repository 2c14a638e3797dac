/**
 * CSV function kernels, with Spark 3.5's semantics: from_csv parses each string with the CSV
 * reader of `formats/csv` (one record per value), to_csv writes a struct with its CSV writer, and
 * schema_of_csv returns the DDL its definition infers (`plan/expressions/functions/csv.ts`).
 */
import { z } from "zod";
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { makeBatch } from "../../../columnar/batch.js";
import { takeOrNull } from "../../../columnar/ops.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ConfigError, ExecutionError, SourceError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { booleanOption, onlyDefault, validateOptions } from "../../../options.js";
import { StringType } from "../../../types/data-types.js";
import { resolveCsvOptions } from "../../../formats/csv/options.js";
import { parseCsvLines } from "../../../formats/csv/parse-csv.js";
import { CSV_WRITE_DEFAULTS, writeCsvLines } from "../../../formats/csv/csv-writer.js";
import type { CsvWriteOptions } from "../../../formats/csv/csv-writer.js";
import { compilePattern } from "../datetime.js";
import { prepareForWrite } from "./json-functions.js";
import { schemaOfCsv } from "../../../plan/expressions/functions/csv.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { literalArg } from "./kernel.js";

// ---------------------------------------------------------------------------------------------
// from_csv

/**
 * from_csv(csv, schema[, options]): each string is one CSV record read with Spark's CSV options
 * (`sep`, `quote`, `timestampFormat`, `mode`, …). A null string gives a null struct; a record
 * whose cells do not fit gives the cells that did (PERMISSIVE) or an error (FAILFAST); an empty
 * string is a malformed record (all fields null).
 */
export function fromCsvKernel(call: BoundCall): Kernel {
  const options = resolveCsvOptions(call.fn.options, "from_csv");
  if (options.mode === "DROPMALFORMED") {
    throw new ConfigError("from_csv: [PARSE_MODE_UNSUPPORTED] from_csv() doesn't support the DROPMALFORMED mode; use PERMISSIVE or FAILFAST", {
      option: "mode",
    });
  }
  const schema = call.dataType;
  if (schema.typeName !== "struct") throw new ExecutionError(`from_csv: the schema must be a struct, got ${schema.typeName}`);
  return ([v], n) => {
    if (v.kind === "null") return { kind: "null", type: schema, length: n, valid: null };
    if (v.kind !== "bytes") throw new ExecutionError(`from_csv: expected a string column, got ${v.type.typeName}`);
    // The reader skips blank lines; those records are malformed here, so they are left out and
    // come back as all-null structs.
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const rowOf = new Int32Array(n).fill(-1);
    const valid = new Uint8Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      valid[i] = 1;
      const s = v.offsets[i];
      const e = v.offsets[i + 1];
      if (isBlank(v.data, s, e)) continue;
      starts[m] = s;
      ends[m] = e;
      rowOf[i] = m++;
    }
    let columns: Vector[];
    try {
      columns = parseCsvLines(v.data, starts.subarray(0, m), ends.subarray(0, m), schema, options, {
        source: "from_csv",
        firstLine: 1,
        startOfFile: false,
      }).columns;
    } catch (e) {
      if (e instanceof SourceError) throw new ExecutionError(`from_csv: malformed CSV record in FAILFAST mode`, { cause: e });
      throw e;
    }
    return { kind: "struct", type: schema, length: n, valid, children: columns.map((c) => takeOrNull(c, rowOf)) };
  };
}

function isBlank(data: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (data[i] > 0x20) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// to_csv

/** Spark's CSV write options as to_csv takes them (names case-insensitive; `delimiter` = `sep`). */
const csvWriteOptionShape = {
  sep: z.string().refine((s) => s.length === 1, { message: "must be a single character" }).default(CSV_WRITE_DEFAULTS.sep),
  quote: z.string().refine((s) => s.length <= 1, { message: "must be a single character" }).default(CSV_WRITE_DEFAULTS.quote),
  escape: z.string().refine((s) => s.length <= 1, { message: "must be a single character" }).default(CSV_WRITE_DEFAULTS.escape),
  nullValue: z.string().default(CSV_WRITE_DEFAULTS.nullValue),
  emptyValue: z.string().default(CSV_WRITE_DEFAULTS.emptyValue),
  quoteAll: booleanOption.default(false),
  escapeQuotes: onlyDefault("true", "quotes inside values are escaped"),
  ignoreLeadingWhiteSpace: onlyDefault("true", "written values are trimmed"),
  ignoreTrailingWhiteSpace: onlyDefault("true", "written values are trimmed"),
  dateFormat: z.string().min(1, { message: "must not be empty" }).optional(),
  timestampFormat: z.string().min(1, { message: "must not be empty" }).optional(),
  timestampNTZFormat: z.string().optional(),
  timeZone: z.string().optional(),
  locale: onlyDefault("en-US", "values are written in en-US"),
  charToEscapeQuoteEscaping: z.string().optional(),
  header: z.string().optional(),
  lineSep: z.string().optional(),
  encoding: z.string().optional(),
  charset: z.string().optional(),
  compression: z.string().optional(),
  mode: z.string().optional(),
};

/**
 * to_csv(struct[, options]): the struct's fields as one CSV record without a line end, written as
 * Spark's CSV writer writes (see `formats/csv/csv-writer.ts`); `timestampFormat` / `dateFormat`
 * format those fields. A null struct gives null.
 */
export function toCsvKernel(call: BoundCall): Kernel {
  const o = validateOptions("to_csv", csvWriteOptionShape, call.fn.options, { delimiter: "sep" });
  const write: CsvWriteOptions = {
    sep: o.sep,
    quote: o.quote,
    escape: o.escape,
    header: false,
    nullValue: o.nullValue,
    emptyValue: o.emptyValue,
    quoteAll: o.quoteAll,
  };
  const formats = {
    timestamp: o.timestampFormat === undefined ? null : compilePattern(o.timestampFormat),
    date: o.dateFormat === undefined ? null : compilePattern(o.dateFormat),
    zone: o.timeZone ?? "UTC",
    // The CSV writer writes the default form in UTC; Spark writes it in the session zone.
    defaultTimestamps: true,
  };
  return ([v], n) => {
    if (v.kind === "null") return { kind: "null", type: StringType(), length: n, valid: null };
    if (v.kind !== "struct") throw new ExecutionError(`to_csv: expected a struct column, got ${v.type.typeName}`);
    const input = prepareForWrite(v, formats, false);
    if (input.kind !== "struct") throw new ExecutionError("to_csv: expected a struct column");
    const text = decodeUtf8(writeCsvLines(makeBatch(input.type, input.children, n), write), 0, Number.MAX_SAFE_INTEGER);
    const rows = splitRecords(text, write);
    const out = new BytesBuilder(n, text.length);
    for (let i = 0; i < n; i++) {
      if (isValid(v, i) && i < rows.length) out.appendString(rows[i]);
      else out.appendNull();
    }
    return out.finish(StringType());
  };
}

/**
 * Splits the writer's output into its records: each ends with `\n`, and a line break inside a
 * quoted value (which the writer always quotes) does not end one.
 */
function splitRecords(text: string, o: CsvWriteOptions): string[] {
  const rows: string[] = [];
  let inQuote = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote && c === o.escape && o.escape !== o.quote && i + 1 < text.length) i++;
    else if (c === o.quote && o.quote !== "") inQuote = !inQuote;
    else if (c === "\n" && !inQuote) {
      rows.push(text.slice(from, i));
      from = i + 1;
    }
  }
  return rows;
}

/** schema_of_csv(csv[, options]): the argument is a constant, so is the result. */
export function schemaOfCsvKernel(call: BoundCall): Kernel {
  const lit = literalArg(call, 0);
  if (typeof lit !== "string") throw new ExecutionError("schema_of_csv: the csv argument must be a constant string");
  const ddl = schemaOfCsv(lit, call.fn.options);
  return (_args, n) => {
    const b = new BytesBuilder(n, n * ddl.length);
    for (let i = 0; i < n; i++) b.appendString(ddl);
    return b.finish(StringType());
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const CSV_KERNELS: Readonly<Record<string, KernelFactory>> = {
  from_csv: fromCsvKernel,
  to_csv: toCsvKernel,
  schema_of_csv: schemaOfCsvKernel,
};
