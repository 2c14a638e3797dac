/**
 * Printing a query result: as the text table of Spark's `df.show()` (same borders, `NULL`, Java's
 * double format, right-aligned cells when truncating), as CSV (RFC 4180, header row, empty
 * cells for nulls) or as JSON lines (one object per row, numbers exact).
 */
import { cut, grid } from "../exec/show.js";
import { javaDoubleString } from "../columnar/java-text.js";

/** A JSON value as a SQL engine hands it over (big integers and decimals as strings). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The kinds of column the formatter distinguishes. */
export type ColumnKind = "integer" | "decimal" | "double" | "boolean" | "timestamptz" | "list" | "struct" | "map" | "other";

/** A result column: its name and kind. */
export interface ResultColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** Output formats of `sluice query`. */
export const RESULT_FORMATS = ["table", "csv", "json"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Options of {@link formatResult}. */
export interface FormatOptions {
  /** Table format: cut cells longer than this many characters (0: never), as `show(truncate)`. Default 20. */
  readonly truncate?: number;
}

/**
 * The text of a whole result (ends with a newline unless empty): `table` as `df.show()` prints it
 * (every row, no "only showing" footer), `csv` with a header row, `json` one object per line.
 */
export function formatResult(columns: readonly ResultColumn[], rows: readonly (readonly JsonValue[])[], format: ResultFormat, options: FormatOptions = {}): string {
  switch (format) {
    case "table":
      return showTable(columns, rows, options.truncate ?? 20);
    case "csv":
      return csv(columns, rows);
    case "json":
      return jsonLines(columns, rows);
  }
}

function showTable(columns: readonly ResultColumn[], rows: readonly (readonly JsonValue[])[], truncate: number): string {
  const header = columns.map((c) => cut(c.name, truncate));
  const cells = rows.map((r) => r.map((v, i) => cut(display(v, columns[i].kind), truncate)));
  return grid(header, cells, truncate > 0);
}

/** A value as `show()` prints it. */
function display(v: JsonValue, kind: ColumnKind): string {
  if (v === null) return "NULL";
  switch (kind) {
    case "double":
      return typeof v === "number" ? javaDoubleString(v) : String(v);
    case "timestamptz":
      // DuckDB prints the zone offset; the session is in UTC, as Spark's show() with UTC.
      return typeof v === "string" ? v.replace(/\+00(:00)?$/, "") : String(v);
    default:
      return nested(v);
  }
}

/** Spark's rendering of nested values: `[a, b]`, structs `{a, b}`, maps `{k -> v}`. */
function nested(v: JsonValue): string {
  if (v === null) return "NULL";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    // DuckDB hands maps over as [{key, value}, …].
    const entries = v as readonly JsonValue[];
    if (entries.length > 0 && entries.every(isMapEntry)) {
      return `{${entries.map((e) => (isMapEntry(e) ? `${nested(e.key)} -> ${nested(e.value)}` : "")).join(", ")}}`;
    }
    return `[${entries.map(nested).join(", ")}]`;
  }
  return `{${Object.values(v as Record<string, JsonValue>).map(nested).join(", ")}}`;
}

function isMapEntry(v: JsonValue): v is { readonly key: JsonValue; readonly value: JsonValue } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 && keys[0] === "key" && keys[1] === "value";
}

function csv(columns: readonly ResultColumn[], rows: readonly (readonly JsonValue[])[]): string {
  let out = columns.map((c) => csvCell(c.name)).join(",") + "\n";
  for (const r of rows) out += r.map((v) => (v === null ? "" : csvCell(typeof v === "object" ? JSON.stringify(v) : String(v)))).join(",") + "\n";
  return out;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

function jsonLines(columns: readonly ResultColumn[], rows: readonly (readonly JsonValue[])[]): string {
  let out = "";
  for (const r of rows) {
    const parts = r.map((v, i) => {
      const kind = columns[i].kind;
      // Integers and decimals arrive as exact decimal strings: written as JSON numbers, digit for digit.
      const exact = (kind === "integer" || kind === "decimal") && typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v);
      return `${JSON.stringify(columns[i].name)}:${exact ? v : JSON.stringify(v)}`;
    });
    out += `{${parts.join(",")}}\n`;
  }
  return out;
}
