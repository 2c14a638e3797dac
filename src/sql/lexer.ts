/**
 * Tokeniser shared by the SQL expression parser (`sql/parser.ts`) and the DDL type parser
 * (`sql/ddl.ts`). It follows Spark's lexer: keywords are case-insensitive words, identifiers may
 * be back-quoted (with ` `` ` as an escaped back-tick), strings are '...' or "..." with backslash
 * escapes, `--` and `/* *\/` are comments, and numbers keep their raw text so the parser can type
 * them as Spark does.
 */
import { ParseError } from "../errors.js";

/** The kinds of token the lexer produces. */
export type TokenKind = "word" | "quoted" | "number" | "string" | "op" | "eof";

/**
 * One token. `start`/`end` are 0-based character offsets into the source text (end exclusive).
 * - `word`: an unquoted identifier or keyword; `value` is the text as written, `upper` its upper case.
 *   `!` (Spark's synonym for NOT) is a word whose `upper` is `NOT`.
 * - `quoted`: a back-quoted identifier; `value` is the name with escapes removed.
 * - `number`: `value` is the raw text (`12`, `1.5e3`, `10L`, `2BD`).
 * - `string`: `value` is the unescaped contents.
 * - `op`: `value` is the operator or punctuation (`(`, `<=>`, `||`, `::` …).
 */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly upper: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Builds the ParseError every parser in sluice raises: the subsystem, what went wrong and where
 * (0-based position), the text quoted, then the line of text holding the position with a caret under
 * it. `context.position` is set to `position`.
 *
 * @example parseErrorAt("sql", "syntax error", "a + * b", 4, "unexpected '*'")
 * // sql: syntax error at position 4 in "a + * b": unexpected '*'
 * //   a + * b
 * //       ^
 */
export function parseErrorAt(subsystem: string, headline: string, text: string, position: number, problem: string): ParseError {
  const pos = Math.max(0, Math.min(position, text.length));
  const message = `${subsystem}: ${headline} at position ${pos} in ${quoteForMessage(text)}: ${problem}\n${caretExcerpt(text, pos)}`;
  return new ParseError(message, { position: pos });
}

/**
 * Splits `text` into tokens, ending with one `eof` token. Throws a {@link ParseError} (prefixed
 * with `subsystem`) on an unterminated string, back-quoted identifier or comment, or a character
 * that starts no token.
 */
export function tokenize(text: string, subsystem: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const ch = text[i];
    // Comments: `-- ...` to end of line and (nestable, as in Spark) `/* ... */`.
    if (ch === "-" && text[i + 1] === "-") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === "/" && text[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (text[i] === "*" && text[i + 1] === "/") {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      if (depth > 0) throw parseErrorAt(subsystem, "syntax error", text, start, "unterminated comment '/*'");
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readString(text, i, subsystem);
      tokens.push({ kind: "string", value, upper: value, start, end });
      i = end;
      continue;
    }
    if (ch === "`") {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw parseErrorAt(subsystem, "syntax error", text, start, "unterminated back-quoted identifier");
        if (text[i] === "`") {
          if (text[i + 1] === "`") {
            value += "`";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: "quoted", value, upper: value.toUpperCase(), start, end: i });
      continue;
    }
    if (isDigit(c) || (ch === "." && isDigit(text.charCodeAt(i + 1)))) {
      const tok = readNumberOrWord(text, i, subsystem);
      tokens.push(tok);
      i = tok.end;
      continue;
    }
    if (isWordStart(c)) {
      while (i < n && isWordPart(text.charCodeAt(i))) i++;
      const value = text.slice(start, i);
      tokens.push({ kind: "word", value, upper: value.toUpperCase(), start, end: i });
      continue;
    }
    const op = readOperator(text, i);
    if (op === undefined) {
      throw parseErrorAt(subsystem, "syntax error", text, start, `unexpected character '${ch}'`);
    }
    if (op === "!") {
      tokens.push({ kind: "word", value: "!", upper: "NOT", start, end: i + 1 });
    } else {
      tokens.push({ kind: "op", value: op, upper: op, start, end: i + op.length });
    }
    i += op.length;
  }
  tokens.push({ kind: "eof", value: "", upper: "", start: n, end: n });
  return tokens;
}

/** How a token reads in an error message: `'*'`, `'THEN'`, `end of input`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of input";
    case "string":
      return `string ${quoteSql(t.value)}`;
    case "quoted":
      return `\`${t.value}\``;
    default:
      return `'${t.value}'`;
  }
}

/** Quotes a string as a Spark SQL literal: `'it\'s'`. */
export function quoteSql(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------

const OPERATORS = [
  "<=>",
  "<=",
  ">=",
  "<>",
  "!=",
  "==",
  "||",
  "::",
  "->",
  "=>",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
  "*",
  "+",
  "-",
  "/",
  "%",
  "~",
  "&",
  "|",
  "^",
  "=",
  "<",
  ">",
  ":",
  "!",
  ";",
] as const;

function readOperator(text: string, i: number): string | undefined {
  for (const op of OPERATORS) {
    if (text.startsWith(op, i)) return op;
  }
  return undefined;
}

// Spark's numeric literal forms (case-insensitive): digits, decimal digits, optional exponent,
// optional suffix L (bigint), S (smallint), Y (tinyint), D (double), F (float), BD (decimal).
const NUMBER_RE = /(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?:[bB][dD]|[lLsSyYdDfF])?/y;

function readNumberOrWord(text: string, i: number, subsystem: string): Token {
  NUMBER_RE.lastIndex = i;
  const m = NUMBER_RE.exec(text);
  const raw = m === null ? "" : m[0];
  let end = i + raw.length;
  if (end < text.length && isWordPart(text.charCodeAt(end))) {
    // As in Spark, an unquoted identifier may start with digits (`1st_col`) when the longest match
    // is not a number; a decimal point cannot be part of one.
    if (raw.includes(".")) {
      throw parseErrorAt(subsystem, "syntax error", text, i, `invalid number '${text.slice(i, wordEnd(text, end))}'`);
    }
    end = wordEnd(text, i);
    const value = text.slice(i, end);
    return { kind: "word", value, upper: value.toUpperCase(), start: i, end };
  }
  return { kind: "number", value: raw, upper: raw.toUpperCase(), start: i, end };
}

function wordEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && isWordPart(text.charCodeAt(j))) j++;
  return j;
}

/** Reads a quoted string starting at `i` (the quote) and unescapes it as Spark's unescapeSQLString. */
function readString(text: string, i: number, subsystem: string): { value: string; end: number } {
  const quote = text[i];
  let j = i + 1;
  let out = "";
  for (;;) {
    if (j >= text.length) {
      throw parseErrorAt(subsystem, "syntax error", text, i, `unterminated string literal (missing closing ${quote})`);
    }
    const ch = text[j];
    if (ch === quote) return { value: out, end: j + 1 };
    if (ch !== "\\") {
      out += ch;
      j++;
      continue;
    }
    if (j + 1 >= text.length) {
      throw parseErrorAt(subsystem, "syntax error", text, i, `unterminated string literal (missing closing ${quote})`);
    }
    const e = text[j + 1];
    if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
      out += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
      j += 6;
      continue;
    }
    if (e === "U" && /^[0-9a-fA-F]{8}$/.test(text.slice(j + 2, j + 10))) {
      const cp = parseInt(text.slice(j + 2, j + 10), 16);
      if (cp > 0x10ffff) throw parseErrorAt(subsystem, "syntax error", text, j, `invalid unicode escape '${text.slice(j, j + 10)}'`);
      out += String.fromCodePoint(cp);
      j += 10;
      continue;
    }
    // `\ooo` octal (first digit 0 or 1), as Spark.
    const o = text.slice(j + 1, j + 4);
    if (/^[01][0-7][0-7]$/.test(o)) {
      out += String.fromCharCode(parseInt(o, 8));
      j += 4;
      continue;
    }
    out += unescapeChar(e);
    j += 2;
  }
}

function unescapeChar(e: string): string {
  switch (e) {
    case "0":
      return "\u0000";
    case "b":
      return "\b";
    case "n":
      return "\n";
    case "r":
      return "\r";
    case "t":
      return "\t";
    case "Z":
      return "\u001A";
    // Kept escaped so LIKE patterns still see them as literal `%` / `_` (Spark does the same).
    case "%":
      return "\\%";
    case "_":
      return "\\_";
    default:
      return e;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && /\p{L}/u.test(String.fromCharCode(c)));
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c) || (c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c)));
}

const MAX_QUOTED = 160;

function quoteForMessage(text: string): string {
  const t = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  return JSON.stringify(t);
}

function caretExcerpt(text: string, pos: number): string {
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  let lineEnd = text.indexOf("\n", pos);
  if (lineEnd < 0) lineEnd = text.length;
  let line = text.slice(lineStart, lineEnd).replace(/[\t\r]/g, " ");
  let col = pos - lineStart;
  // Keep long lines readable: a window around the position.
  const WINDOW = 100;
  if (line.length > WINDOW) {
    const from = Math.max(0, Math.min(col - WINDOW / 2, line.length - WINDOW));
    const prefix = from > 0 ? "…" : "";
    const suffix = from + WINDOW < line.length ? "…" : "";
    line = prefix + line.slice(from, from + WINDOW) + suffix;
    col = col - from + prefix.length;
  }
  return `  ${line}\n  ${" ".repeat(col)}^`;
}

/**
 * A cursor over the tokens of one text, with the look-ahead and error helpers both parsers use.
 * Errors it builds are prefixed with the `subsystem` given at construction (`sql`, `ddl`).
 */
export class TokenStream {
  readonly text: string;
  readonly subsystem: string;
  private readonly tokens: Token[];
  private index = 0;

  constructor(text: string, subsystem: string) {
    this.text = text;
    this.subsystem = subsystem;
    this.tokens = tokenize(text, subsystem);
  }

  /** The token `k` places ahead (0 = current); past the end, the `eof` token. */
  peek(k = 0): Token {
    const i = Math.min(this.index + k, this.tokens.length - 1);
    return this.tokens[i];
  }

  /** Consumes and returns the current token (the `eof` token is never consumed past). */
  next(): Token {
    const t = this.tokens[this.index];
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  /** A position to return to with {@link reset}. */
  mark(): number {
    return this.index;
  }

  /** Returns to a position taken with {@link mark} (for a bounded look-ahead that backs out). */
  reset(mark: number): void {
    this.index = mark;
  }

  /** True when the token `k` ahead (0 = current) is the unquoted word `upper` (case-insensitively). */
  atWord(upper: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "word" && t.upper === upper;
  }

  /** True when the token `k` ahead is the operator `op`. */
  atOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.value === op;
  }

  /** True when only the `eof` token is left. */
  atEnd(): boolean {
    return this.peek().kind === "eof";
  }

  /** Consumes the current token if it is the keyword `upper`. */
  acceptWord(upper: string): boolean {
    if (!this.atWord(upper)) return false;
    this.next();
    return true;
  }

  /** Consumes the current token if it is the operator `op`. */
  acceptOp(op: string): boolean {
    if (!this.atOp(op)) return false;
    this.next();
    return true;
  }

  /** Consumes the keyword `upper` or throws `expected UPPER, found …`. */
  expectWord(upper: string): Token {
    if (!this.atWord(upper)) throw this.unexpected(`expected ${upper}`);
    return this.next();
  }

  /** Consumes the operator `op` or throws `expected 'op', found …`. */
  expectOp(op: string, context = ""): Token {
    if (!this.atOp(op)) throw this.unexpected(`expected '${op}'${context}`);
    return this.next();
  }

  /** Throws unless every token has been consumed. */
  expectEnd(): void {
    if (!this.atEnd()) throw this.unexpected();
  }

  /** A syntax error at the current token: `unexpected 'x'` or `<expected>, found 'x'`. */
  unexpected(expected?: string, token: Token = this.peek()): ParseError {
    const problem = expected === undefined ? `unexpected ${describeToken(token)}` : `${expected}, found ${describeToken(token)}`;
    return this.errorAt(token.start, problem);
  }

  /** A ParseError at `position` with the given problem text. */
  errorAt(position: number, problem: string, headline = "syntax error"): ParseError {
    return parseErrorAt(this.subsystem, headline, this.text, position, problem);
  }
}
