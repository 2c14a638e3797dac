/**
 * The CSV data source's writer, as Spark's (Univocity with Spark's write defaults) writes rows:
 * - values: integers as digits, doubles and floats as Java prints them, decimals as Java's
 *   `BigDecimal.toString`, booleans `true`/`false`, dates `yyyy-MM-dd`, timestamps
 *   `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone (UTC here), strings as they are;
 * - leading and trailing whitespace is trimmed (`ignoreLeadingWhiteSpace`/`ignoreTrailingWhiteSpace`
 *   are true for writes);
 * - a value holding the separator, the quote character or a line break is quoted, and a quote
 *   inside is escaped with the escape character (`\` by default; `"` gives RFC 4180's `""`), as is
 *   the escape character itself when it is not the quote; an empty quote character turns quoting off;
 * - null is `nullValue` (empty by default, unquoted); an empty string is `emptyValue` (`""`);
 * - rows end with `\n`; the header row (column names) is written when asked.
 * Structs, arrays, maps and binary cannot be written, as in Spark.
 */
import type { Batch } from "../../columnar/batch.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { decodeUtf8, encodeUtf8 } from "../../columnar/utf8.js";
import { javaBigDecimalString, javaDoubleString, javaFloatString } from "../../columnar/java-text.js";
import { AnalysisError } from "../../errors.js";
import type { StructType } from "../../types/data-types.js";
import { catalogString } from "../../types/print-schema.js";
import { formatDate, formatJsonTimestamp, formatJsonTimestampNtz } from "../json/json-text.js";
import { intervalSlotText, isIntervalVector } from "../../columnar/interval-text.js";

/** How CSV text is written (Spark's option names). */
export interface CsvWriteOptions {
  /** Field separator, one character. Default `,`. */
  readonly sep: string;
  /** Quote character. Default `"`. */
  readonly quote: string;
  /** Escape character for quotes inside quoted values. Default `\`. */
  readonly escape: string;
  /** Write the column names as the first row of every file. Default false. */
  readonly header: boolean;
  /** Text of a null. Default empty. */
  readonly nullValue: string;
  /** Text of an empty string. Default `""`. */
  readonly emptyValue: string;
  /** Quote every value. Default false. */
  readonly quoteAll: boolean;
}

/** Spark's defaults. */
export const CSV_WRITE_DEFAULTS: CsvWriteOptions = { sep: ",", quote: '"', escape: "\\", header: false, nullValue: "", emptyValue: '""', quoteAll: false };

/**
 * Checks that every column of `schema` can be written as CSV.
 * @throws AnalysisError naming the column and its type, as Spark's "CSV data source does not support … data type".
 */
export function checkCsvSchema(schema: StructType): void {
  for (const f of schema.fields) {
    const t = f.dataType.typeName;
    if (t === "struct" || t === "array" || t === "map" || t === "binary") {
      throw new AnalysisError(`csv: the CSV data source does not support ${catalogString(f.dataType)} data type (column ${f.name})`);
    }
  }
}

/** The header row: the column names, each quoted where needed. */
export function csvHeader(schema: StructType, o: CsvWriteOptions): Uint8Array {
  return encodeUtf8(schema.fields.map((f) => field(f.name, o)).join(o.sep) + "\n");
}

/** UTF-8 CSV rows for every row of `batch` (empty for an empty batch). */
export function writeCsvLines(batch: Batch, o: CsvWriteOptions): Uint8Array {
  const cols = batch.columns;
  const lines: string[] = [];
  const cells = new Array<string>(cols.length);
  for (let i = 0; i < batch.numRows; i++) {
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c];
      cells[c] = isValid(v, i) ? field(valueText(v, i), o) : o.nullValue;
    }
    lines.push(cells.join(o.sep));
  }
  return encodeUtf8(lines.length === 0 ? "" : `${lines.join("\n")}\n`);
}

function valueText(v: Vector, i: number): string {
  // Intervals as their text (Spark's UnivocityGenerator: the ANSI literal form, `1 days` for calendar).
  if (isIntervalVector(v)) return intervalSlotText(v, i, false);
  switch (v.kind) {
    case "i64":
      if (v.type.typeName === "timestamp_ntz") return formatJsonTimestampNtz(v.values[i]);
      return v.type.typeName === "timestamp" ? formatJsonTimestamp(v.values[i], "UTC") : v.values[i].toString();
    case "i32":
      return v.type.typeName === "date" ? formatDate(v.values[i]) : String(v.values[i]);
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
    default:
      throw new AnalysisError(`csv: the CSV data source does not support ${catalogString(v.type)} data type`);
  }
}

/** One field: trimmed, then quoted and escaped where needed; `""` (emptyValue) for an empty string. */
function field(raw: string, o: CsvWriteOptions): string {
  const text = trimControl(raw);
  if (text === "") return o.quoteAll ? o.quote + o.quote : o.emptyValue;
  // An empty quote character turns quoting off (Spark: quote "" writes values as they are).
  if (o.quote === "") return text;
  const needs = o.quoteAll || text.includes(o.sep) || text.includes(o.quote) || text.includes("\n") || text.includes("\r");
  if (!needs) return text;
  if (o.escape === "") return o.quote + text + o.quote;
  // Spark's charToEscapeQuoteEscaping defaults to the escape character when it differs from the
  // quote: an escape character inside a quoted value is escaped too, so `x\` does not read as `x"`.
  let body = o.escape === o.quote ? text : text.replaceAll(o.escape, o.escape + o.escape);
  body = body.replaceAll(o.quote, o.escape + o.quote);
  return o.quote + body + o.quote;
}

/** Univocity trims characters up to the space on both ends of a written value. */
function trimControl(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
