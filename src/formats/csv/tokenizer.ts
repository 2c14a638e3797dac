/**
 * Splits one CSV line (bytes) into cells, following univocity's parser as Spark configures it for
 * single-line records (`multiLine` false, `unescapedQuoteHandling` STOP_AT_DELIMITER):
 * - a cell starting with the quote character is quoted: inside it the escape character followed by
 *   the quote (or by itself) stands for that character, and a doubled quote stands for one quote;
 * - text after a closing quote other than the separator makes the cell an unquoted value, read
 *   verbatim (quotes included) up to the next separator;
 * - a quote left open runs to the end of the line;
 * - an unquoted empty cell reads as `nullValue`, a quoted empty cell (`""`) as `emptyValue`;
 * - with `ignoreLeadingWhiteSpace`/`ignoreTrailingWhiteSpace`, bytes ≤ 0x20 around unquoted
 *   values (and before an opening quote) are dropped.
 *
 * Cells are byte ranges into the line's buffer; only cells whose escapes must be removed are copied
 * (into an internal scratch buffer). The tokenizer is reused line after line: no allocation per cell.
 */
import type { CsvOptions } from "./options.js";

/** A cell read from an empty unquoted field (→ `nullValue`). */
export const CELL_EMPTY = 1;
/** A cell read from `""` (→ `emptyValue`). */
export const CELL_EMPTY_QUOTED = 2;

export class CsvTokenizer {
  /** Number of cells of the last line tokenized. */
  count = 0;
  /** Cell i is `buffer(i)[starts[i], ends[i])`. */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 1 when cell i lives in `scratch` (escapes removed), 0 when it points into the line's data. */
  inScratch = new Uint8Array(64);
  /** 0, {@link CELL_EMPTY} or {@link CELL_EMPTY_QUOTED}. */
  empty = new Uint8Array(64);
  scratch = new Uint8Array(1024);
  private scratchSize = 0;

  private readonly sep: Uint8Array;
  private readonly sep0: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly escapeEscape: number;
  private readonly trimLeading: boolean;
  private readonly trimTrailing: boolean;

  constructor(options: CsvOptions) {
    this.sep = new TextEncoder().encode(options.sep);
    this.sep0 = this.sep[0];
    this.quote = options.quote === "" ? -1 : options.quote.charCodeAt(0);
    this.escape = options.escape === "" ? -1 : options.escape.charCodeAt(0);
    // univocity: the character escaping the escape defaults to the escape itself.
    this.escapeEscape = options.charToEscapeQuoteEscaping === "" ? this.escape : options.charToEscapeQuoteEscaping.charCodeAt(0);
    this.trimLeading = options.ignoreLeadingWhiteSpace;
    this.trimTrailing = options.ignoreTrailingWhiteSpace;
  }

  /** The buffer cell `i` lives in, given the line's data buffer. */
  bufferOf(i: number, data: Uint8Array): Uint8Array {
    return this.inScratch[i] === 1 ? this.scratch : data;
  }

  /** Tokenizes `data[start, end)`; returns the number of cells (at least 1). */
  tokenize(data: Uint8Array, start: number, end: number): number {
    this.count = 0;
    this.scratchSize = 0;
    let pos = start;
    while (true) {
      pos = this.readCell(data, pos, end);
      if (pos >= end) {
        // A line ending in a separator has a final empty cell.
        if (pos === end + 1) this.push(end, end, 0, CELL_EMPTY);
        return this.count;
      }
    }
  }

  /** Reads one cell from `pos`; returns the position after its separator, `end` at the line end. */
  private readCell(data: Uint8Array, pos: number, end: number): number {
    const fieldStart = pos;
    if (this.trimLeading) while (pos < end && data[pos] <= 0x20 && !this.isSep(data, pos, end)) pos++;
    if (pos < end && data[pos] === this.quote) {
      const r = this.readQuoted(data, pos, end);
      if (r >= 0) return r;
      // Text after the closing quote: the whole field is an unquoted value (STOP_AT_DELIMITER).
      pos = this.trimLeading ? pos : fieldStart;
    }
    let e = pos;
    while (e < end && !(data[e] === this.sep0 && this.isSep(data, e, end))) e++;
    let ve = e;
    if (this.trimTrailing) while (ve > pos && data[ve - 1] <= 0x20) ve--;
    this.push(pos, ve, 0, ve === pos ? CELL_EMPTY : 0);
    return e < end ? e + this.sep.length + (e + this.sep.length === end ? 1 : 0) : end;
  }

  /**
   * Reads a quoted cell whose opening quote is at `q`. Returns the position after the separator (or
   * `end`, or `end + 1` when the separator is the line's last byte), or -1 when text follows the
   * closing quote (the caller re-reads the field as unquoted).
   */
  private readQuoted(data: Uint8Array, q: number, end: number): number {
    const quote = this.quote;
    const escape = this.escape;
    let j = q + 1;
    let segStart = j;
    let copied = false;
    const scratchStart = this.scratchSize;
    let closed = false;
    let valueEnd = end;
    while (j < end) {
      const c = data[j];
      if (c === escape && escape !== quote && j + 1 < end && (data[j + 1] === quote || (c === this.escapeEscape && data[j + 1] === escape))) {
        this.copy(data, segStart, j);
        copied = true;
        this.copy(data, j + 1, j + 2);
        j += 2;
        segStart = j;
        continue;
      }
      if (c === quote) {
        if (j + 1 < end && data[j + 1] === quote) {
          this.copy(data, segStart, j + 1);
          copied = true;
          j += 2;
          segStart = j;
          continue;
        }
        closed = true;
        valueEnd = j;
        j++;
        break;
      }
      j++;
    }
    if (!closed) valueEnd = end;
    let after = j;
    if (closed) {
      while (after < end && data[after] <= 0x20 && !this.isSep(data, after, end)) after++;
      if (after < end && !this.isSep(data, after, end)) {
        this.scratchSize = scratchStart;
        return -1;
      }
    }
    if (copied) {
      this.copy(data, segStart, valueEnd);
      const len = this.scratchSize - scratchStart;
      this.push(scratchStart, scratchStart + len, 1, len === 0 ? CELL_EMPTY_QUOTED : 0);
    } else {
      this.push(q + 1, valueEnd, 0, valueEnd === q + 1 ? CELL_EMPTY_QUOTED : 0);
    }
    if (!closed || after >= end) return end;
    const next = after + this.sep.length;
    return next === end ? end + 1 : next;
  }

  private isSep(data: Uint8Array, pos: number, end: number): boolean {
    const sep = this.sep;
    if (data[pos] !== sep[0]) return false;
    if (pos + sep.length > end) return false;
    for (let k = 1; k < sep.length; k++) if (data[pos + k] !== sep[k]) return false;
    return true;
  }

  private copy(data: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    if (this.scratchSize + len > this.scratch.length) {
      const s = new Uint8Array(Math.max(this.scratch.length * 2, this.scratchSize + len));
      s.set(this.scratch.subarray(0, this.scratchSize));
      this.scratch = s;
    }
    this.scratch.set(data.subarray(from, to), this.scratchSize);
    this.scratchSize += len;
  }

  private push(start: number, end: number, scratch: number, empty: number): void {
    const i = this.count;
    if (i === this.starts.length) {
      const n = i * 2;
      const grow32 = (a: Int32Array) => {
        const b = new Int32Array(n);
        b.set(a);
        return b;
      };
      const grow8 = (a: Uint8Array) => {
        const b = new Uint8Array(n);
        b.set(a);
        return b;
      };
      this.starts = grow32(this.starts);
      this.ends = grow32(this.ends);
      this.inScratch = grow8(this.inScratch);
      this.empty = grow8(this.empty);
    }
    this.starts[i] = start;
    this.ends[i] = end;
    this.inScratch[i] = scratch;
    this.empty[i] = empty;
    this.count = i + 1;
  }
}
