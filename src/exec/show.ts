/**
 * Spark's `show()` text table (`df.show()`, the console sink, `sluice query`). Values are rendered as
 * Spark's `Dataset.showString` does: NULL for nulls, timestamps as `yyyy-MM-dd HH:mm:ss[.SSSSSS]`
 * (UTC), dates as `yyyy-MM-dd`, arrays `[a, b]`, structs `{a, b}`, maps `{k -> v}`, binary as hex
 * bytes `[0A FF]`; with truncation, cells longer than `truncate` characters are cut and end in `...`.
 */
import type { Batch } from "../columnar/batch.js";
import type { Vector } from "../columnar/vector.js";
import { isValid } from "../columnar/vector.js";
import type { StructType } from "../types/data-types.js";
import { PRETTY, slotText } from "./eval/cast.js";
import type { ZoneRules } from "../columnar/time-zone.js";
import { UTC, requireZone } from "../columnar/time-zone.js";

export interface ShowOptions {
  /** Rows to print (default 20). */
  readonly numRows?: number;
  /** `true` (20 characters), `false` (no truncation) or a character count. */
  readonly truncate?: boolean | number;
  /** One line per column and row block, as Spark's `vertical = true`. */
  readonly vertical?: boolean;
  /** The session time zone timestamps are shown in (default UTC). */
  readonly timeZone?: string;
}

/** Renders the first `numRows` rows of `batches` as Spark's show table (ends with a newline). */
export function showString(schema: StructType, batches: readonly Batch[], options: ShowOptions = {}): string {
  const numRows = options.numRows ?? 20;
  const truncate = options.truncate === undefined || options.truncate === true ? 20 : options.truncate === false ? 0 : options.truncate;
  const zone = options.timeZone === undefined ? UTC : requireZone(options.timeZone);
  const rows: string[][] = [];
  let total = 0;
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      total++;
      if (rows.length < numRows) rows.push(b.columns.map((c) => cut(render(c, i, zone), truncate)));
    }
  }
  const header = schema.fields.map((f) => cut(f.name, truncate));
  let out = options.vertical === true ? vertical(header, rows) : grid(header, rows, truncate > 0);
  // Spark: a vertical table with no rows says "(0 rows)" and nothing more.
  if (total > numRows && !(options.vertical === true && rows.length === 0)) out += `only showing top ${numRows} row${numRows === 1 ? "" : "s"}\n`;
  return out;
}

/**
 * Spark's bordered text table of already rendered cells: columns at least 3 characters wide, cells
 * right-aligned when `alignRight` (Spark aligns right when truncating), left otherwise.
 */
export function grid(header: readonly string[], rows: readonly (readonly string[])[], alignRight: boolean): string {
  const widths = header.map((h, c) => Math.max(3, width(h), ...rows.map((r) => width(r[c]))));
  const sep = `+${widths.map((w) => "-".repeat(w)).join("+")}+\n`;
  const line = (cells: readonly string[]) =>
    `|${cells.map((s, c) => (alignRight ? pad(s, widths[c], true) : pad(s, widths[c], false))).join("|")}|\n`;
  let out = sep + line(header) + sep;
  for (const r of rows) out += line(r);
  return out + sep;
}

function vertical(header: readonly string[], rows: readonly string[][]): string {
  // Spark: names and values padded to their widest (at least 3); the record banner is padded with
  // dashes to the width of a line (name + value + 5).
  const nameWidth = Math.max(3, ...header.map(width));
  const valueWidth = Math.max(3, ...rows.flatMap((r) => r.map(width)));
  let out = "";
  rows.forEach((r, i) => {
    const banner = `-RECORD ${i}`;
    out += `${banner}${"-".repeat(Math.max(0, nameWidth + valueWidth + 5 - width(banner)))}\n`;
    r.forEach((v, c) => {
      out += ` ${pad(header[c], nameWidth, false)} | ${pad(v, valueWidth, false)} \n`;
    });
  });
  return out === "" ? "(0 rows)\n" : out;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

function width(s: string): number {
  return [...s].length;
}

/** `s` cut to `truncate` characters (0: never) as Spark's show() cuts cells, ending in `...`. */
export function cut(s: string, truncate: number): string {
  if (truncate <= 0) return s;
  const chars = [...s];
  if (chars.length <= truncate) return s;
  if (truncate < 4) return chars.slice(0, truncate).join("");
  return chars.slice(0, truncate - 3).join("") + "...";
}

/** A value as Spark's show() prints it (Spark 3.5's `ToPrettyString`), timestamps in `zone`. */
export function render(v: Vector, i: number, zone: ZoneRules = UTC): string {
  return isValid(v, i) ? slotText(v, i, PRETTY, zone) : "NULL";
}
