/**
 * A recursive-descent parser for Spark SQL expressions (what `expr()`, `selectExpr`, string
 * `filter`s and sort strings take), producing the unresolved {@link Expr} IR.
 *
 * Precedence follows Spark's grammar, lowest first: OR; AND; NOT; a predicate after a value
 * expression (IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE/ILIKE/RLIKE); comparison
 * (= == <=> <> != < <= > >=); `|`; `^`; `&`; `+ - ||`; `* / % DIV`; unary `- + ~`; postfix `.field`,
 * `[index]`, `::type`. Keywords are case-insensitive; function names are lower-cased.
 *
 * Mapping to the IR, where Spark's own node has no direct equivalent:
 * - `a[i]` → call `get_item(a, i)` (0-based array index or map key, as Spark's subscript);
 * - `expr.f` where `expr` is not a column path (`a[0].f`, `f(x).y`) → call `get_field(expr, 'f')`;
 *   a column path `a.b.c` stays one `column` with parts.
 * - `x IS [NOT] DISTINCT FROM y` → `[not] (x <=> y)`; `x IS [NOT] TRUE|FALSE` → `[not] (x <=> true|false)`;
 *   `x IS [NOT] UNKNOWN` → `isNull`.
 * - `x ILIKE p` → `like(lower(x), lower(p))`; `LIKE ANY|SOME|ALL (p, …)` → OR / AND of `like`s.
 * - `EXTRACT(f FROM x)` → call `extract('f', x)`; `SUBSTRING(s FROM p FOR l)` → `substring(s, p, l)`;
 *   `POSITION(a IN b)` → `locate(a, b)`; `TRIM([BOTH|LEADING|TRAILING] [c] FROM s)` → call
 *   `trim`/`ltrim`/`rtrim` with args `(s)` or `(s, c)` (source first);
 *   `first(x IGNORE NULLS)` (also last/any_value) → `first(x, true)`; `(a, b)` → `struct(a, b)`;
 *   bare `current_date` / `current_timestamp` → calls with no arguments.
 */
import { ParseError } from "../errors.js";
import { lambdaExpr, node, type BinaryOp, type Expr, type FrameBound, type LiteralExpr, type SortOrderExpr, type WindowFrame, type WindowSpec } from "./expression.js";
import { BooleanType, IntegerType, NullType, StringType } from "../types/data-types.js";
import { readDataType } from "./ddl.js";
import type { QueryAst } from "./query-ast.js";
import { TokenStream, describeToken, parseErrorAt, type Token } from "./lexer.js";
import { dateLiteral, hexLiteral, numericLiteral, timestampLiteral, timestampNtzLiteral, type LiteralResult } from "./literals.js";
import { atIntervalLiteral, parseIntervalLiteral } from "./interval-literal.js";
import { parseSettings } from "./parse-settings.js";

/**
 * Parses one whole SQL expression.
 *
 * @throws ParseError (`sql: syntax error at position N in "…": …` plus a caret line) on bad syntax
 *   or trailing tokens; `context.position` is the 0-based offset.
 * @example parseExpression("a + 1 > b AND c IS NOT NULL")
 */
export function parseExpression(text: string): Expr {
  const p = new ExpressionParser(text);
  const e = p.item();
  p.end();
  return e;
}

/**
 * Parses a `selectExpr` item: an expression with an optional alias (`expr AS name`, or a bare
 * trailing name: `a + 1 total`), or `*` / `data.*`. Returns an `alias` node when aliased.
 *
 * @throws ParseError as {@link parseExpression}; also when a star is aliased.
 */
export function parseNamedExpression(text: string): Expr {
  const p = new ExpressionParser(text);
  const e = p.namedExpression();
  p.end();
  return e;
}

/**
 * Parses a sort key: `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]` → a `sortOrder` node. As in
 * Spark, ascending sorts put nulls first and descending ones put them last unless stated.
 */
export function parseSortExpression(text: string): SortOrderExpr {
  const p = new ExpressionParser(text);
  const e = p.sortExpression();
  p.end();
  return e;
}

/**
 * Splits a column name the way Spark's `col("...")` does (UnresolvedAttribute.parseAttributeName):
 * dots separate parts, back-quotes protect dots (` `a.b`.c ` → `["a.b", "c"]`), ` `` ` inside
 * back-quotes is one back-tick.
 *
 * @throws ParseError (`sql: …`) on unbalanced back-quotes, empty parts (`a..b`, `a.`), or text after
 *   a closing back-quote that is not a dot.
 */
export function parseAttributeName(name: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let inQuote = false;
  let quotedPart = false;
  const fail = (i: number, problem: string): ParseError => parseErrorAt("sql", "invalid column name", name, i, problem);
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (inQuote) {
      if (ch === "`") {
        if (name[i + 1] === "`") {
          cur += "`";
          i++;
        } else {
          inQuote = false;
          if (i + 1 < name.length && name[i + 1] !== ".") throw fail(i + 1, "expected '.' after a back-quoted name part");
        }
      } else {
        cur += ch;
      }
    } else if (ch === "`") {
      if (cur.length > 0) throw fail(i, "a back-quote may only start a name part");
      inQuote = true;
      quotedPart = true;
    } else if (ch === ".") {
      if (cur.length === 0 && !quotedPart) throw fail(i, "empty name part");
      if (i === name.length - 1) throw fail(i, "the name ends with '.'");
      parts.push(cur);
      cur = "";
      quotedPart = false;
    } else {
      cur += ch;
    }
  }
  if (inQuote) throw fail(name.lastIndexOf("`"), "unterminated back-quote");
  parts.push(cur);
  return parts;
}

// ---------------------------------------------------------------------------------------------

/** The functions that take named arguments in Spark 3.5, with their parameters and defaults. */
const NAMED_SIGNATURES: Readonly<Record<string, readonly { name: string; fallback?: Expr }[]>> = {
  mask: [
    { name: "str" },
    { name: "upperChar", fallback: literal("X", StringType()) },
    { name: "lowerChar", fallback: literal("x", StringType()) },
    { name: "digitChar", fallback: literal("n", StringType()) },
    { name: "otherChar", fallback: literal(null, StringType()) },
  ],
  count_min_sketch: [{ name: "column" }, { name: "epsilon" }, { name: "confidence" }, { name: "seed" }],
  explode: [{ name: "collection" }],
  explode_outer: [{ name: "collection" }],
  posexplode: [{ name: "collection" }],
  posexplode_outer: [{ name: "collection" }],
};

/** Functions whose three-argument form is another function (the unit-first datetime forms). */
const THREE_ARGUMENT_ALIASES: Readonly<Record<string, string>> = { dateadd: "timestampadd", date_add: "timestampadd", datediff: "timestampdiff", date_diff: "timestampdiff" };

/** Predicate keywords that are also function names when a `(` follows. */
const PREDICATE_FUNCTIONS = new Set(["LIKE", "ILIKE", "RLIKE", "REGEXP"]);

/** Words that cannot be a column name or a bare alias (they continue or end an expression). */
const RESERVED = new Set([
  "AND",
  "OR",
  "NOT",
  "IS",
  "IN",
  "BETWEEN",
  "LIKE",
  "ILIKE",
  "RLIKE",
  "REGEXP",
  "ESCAPE",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "AS",
  "DISTINCT",
  "FROM",
  "DIV",
  "NULL",
  "TRUE",
  "FALSE",
]);

const COMPARISON: Readonly<Record<string, BinaryOp>> = {
  "=": "=",
  "==": "=",
  "<=>": "<=>",
  "<>": "!=",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

const TYPED_LITERALS = new Set(["DATE", "TIMESTAMP", "TIMESTAMP_LTZ", "TIMESTAMP_NTZ", "X", "INTERVAL", "BINARY_HEX"]);

/**
 * The expression grammar over a token stream. The query parser (`query-parser.ts`) shares its
 * stream and passes the clause keywords (FROM, WHERE, JOIN …) as `stopWords`, which can then be
 * neither a column name nor a bare alias.
 */
export class ExpressionParser {
  private readonly s: TokenStream;
  private readonly stopWords: ReadonlySet<string>;
  /** How many function-call argument lists enclose the current position. */
  private callDepth = 0;
  /** Token index where the current list item (top-level or argument) starts: where `*` may stand. */
  private itemStart = 0;

  /** Parses a query at the current token (the query parser's); absent, subqueries are refused. */
  private readonly subquery: (() => QueryAst) | null;

  constructor(source: string | TokenStream, stopWords: ReadonlySet<string> = new Set(), subquery: (() => QueryAst) | null = null) {
    this.s = typeof source === "string" ? new TokenStream(source, "sql") : source;
    this.stopWords = stopWords;
    this.subquery = subquery;
  }

  private atQuery(): boolean {
    return this.queryAt(0);
  }

  /** Whether the token `k` ahead starts a query. */
  private queryAt(k: number): boolean {
    return this.s.atWord("SELECT", k) || this.s.atWord("WITH", k) || this.s.atWord("VALUES", k) || this.s.atWord("FROM", k);
  }

  end(): void {
    const t = this.s.peek();
    if (t.kind === "eof") return;
    if (t.kind === "op" && t.value === ")") throw this.s.errorAt(t.start, "unexpected ')' without a matching '('");
    throw this.s.unexpected();
  }

  namedExpression(): Expr {
    const start = this.s.peek();
    const e = this.item();
    let alias: string | undefined;
    if (this.s.acceptWord("AS")) {
      if (this.s.atOp("(")) throw this.s.errorAt(this.s.peek().start, "multi-name aliases 'AS (a, b)' are not supported");
      // After AS any word names the column (`AS end`, `AS left`), as in Spark without ANSI mode.
      const t = this.s.peek();
      alias = t.kind === "word" && !this.s.atOp("(", 1) ? this.s.next().value : this.identifier("expected an alias name after AS");
    } else if (this.isIdentifierAt(0)) {
      alias = this.identifier("expected an alias name");
    }
    if (alias === undefined) return e;
    if (e.kind === "star") throw this.s.errorAt(start.start, `'*' cannot have an alias ('${alias}')`);
    return node({ kind: "alias", child: e, name: alias });
  }

  sortExpression(): SortOrderExpr {
    const child = this.expression();
    let ascending = true;
    if (this.s.acceptWord("DESC")) ascending = false;
    else this.s.acceptWord("ASC");
    let nullsFirst = ascending;
    if (this.s.acceptWord("NULLS")) {
      if (this.s.acceptWord("FIRST")) nullsFirst = true;
      else if (this.s.acceptWord("LAST")) nullsFirst = false;
      else throw this.s.unexpected("expected FIRST or LAST after NULLS");
    }
    return node({ kind: "sortOrder", child, ascending, nullsFirst });
  }

  expression(): Expr {
    return this.or();
  }

  /** An expression that is a whole list item, where `*` and `x.*` are allowed. */
  item(): Expr {
    this.itemStart = this.s.mark();
    return this.or();
  }

  // --- boolean levels ------------------------------------------------------------------------

  private or(): Expr {
    let left = this.and();
    while (this.s.acceptWord("OR")) left = binary("or", left, this.and());
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.s.acceptWord("AND")) left = binary("and", left, this.not());
    return left;
  }

  private not(): Expr {
    if (this.s.atWord("NOT")) {
      this.s.next();
      return node({ kind: "unary", op: "not", child: this.not() });
    }
    // `EXISTS (query)`; `exists(array, x -> …)` is the higher-order function.
    if (this.s.atWord("EXISTS") && this.s.atOp("(", 1) && this.queryAt(2)) {
      if (this.subquery === null) throw this.s.errorAt(this.s.peek().start, "EXISTS subqueries are only supported in spark.sql");
      this.s.next();
      const open = this.s.next();
      const query = this.subquery();
      this.close(open);
      return node({ kind: "subquery", type: "exists", query, value: null, negated: false });
    }
    return this.predicated();
  }

  private predicated(): Expr {
    const value = this.valueExpression();
    const s = this.s;
    let negated = false;
    if (s.atWord("NOT") && ["BETWEEN", "IN", "LIKE", "ILIKE", "RLIKE", "REGEXP"].some((k) => s.atWord(k, 1))) {
      s.next();
      negated = true;
    }
    const t = s.peek();
    if (t.kind !== "word") return value;
    switch (t.upper) {
      case "BETWEEN": {
        s.next();
        const low = this.valueExpression();
        s.expectWord("AND");
        const high = this.valueExpression();
        return node({ kind: "between", child: value, low, high, negated });
      }
      case "IN": {
        s.next();
        const open = s.expectOp("(", " after IN");
        if (this.atQuery()) {
          if (this.subquery === null) throw s.errorAt(s.peek().start, "IN subqueries are only supported in spark.sql");
          const query = this.subquery();
          this.close(open);
          return node({ kind: "subquery", type: "in", query, value, negated });
        }
        if (s.atOp(")")) throw s.unexpected("expected at least one value in IN (...)");
        const list = [this.expression()];
        while (s.acceptOp(",")) list.push(this.expression());
        this.close(open);
        return node({ kind: "in", child: value, list, negated });
      }
      case "RLIKE":
      case "REGEXP": {
        s.next();
        const pattern = this.valueExpression();
        return node({ kind: "like", child: value, pattern, negated, regex: true, escape: "\\" });
      }
      case "LIKE":
      case "ILIKE":
        s.next();
        return this.like(value, negated, t.upper === "ILIKE");
      case "IS":
        s.next();
        return this.isPredicate(value);
      default:
        return value;
    }
  }

  private like(value: Expr, negated: boolean, caseInsensitive: boolean): Expr {
    const s = this.s;
    const lower = (e: Expr): Expr => (caseInsensitive ? call("lower", [e]) : e);
    const quantifier = s.peek();
    if ((s.atWord("ANY") || s.atWord("SOME") || s.atWord("ALL")) && s.atOp("(", 1)) {
      s.next();
      const open = s.expectOp("(");
      if (s.atOp(")")) throw s.unexpected(`expected at least one pattern in LIKE ${quantifier.upper} (...)`);
      const patterns = [this.expression()];
      while (s.acceptOp(",")) patterns.push(this.expression());
      this.close(open);
      const likes: Expr[] = patterns.map((p) =>
        node({ kind: "like", child: lower(value), pattern: lower(p), negated, regex: false, escape: "\\", ...(caseInsensitive ? { caseInsensitive } : {}) }),
      );
      const op = quantifier.upper === "ALL" ? "and" : "or";
      return likes.reduce((acc, e) => binary(op, acc, e));
    }
    const pattern = this.valueExpression();
    let escape = "\\";
    if (s.atWord("ESCAPE")) {
      s.next();
      const t = s.peek();
      if (t.kind !== "string") throw s.unexpected("expected a one-character string after ESCAPE");
      s.next();
      if ([...t.value].length !== 1) throw s.errorAt(t.start, `the ESCAPE string must be one character, got '${t.value}'`);
      escape = t.value;
    }
    return node({ kind: "like", child: lower(value), pattern: lower(pattern), negated, regex: false, escape, ...(caseInsensitive ? { caseInsensitive } : {}) });
  }

  private isPredicate(value: Expr): Expr {
    const s = this.s;
    const negated = s.acceptWord("NOT");
    const t = s.peek();
    const maybeNot = (e: Expr): Expr => (negated ? node({ kind: "unary", op: "not", child: e }) : e);
    if (t.kind === "word") {
      switch (t.upper) {
        case "NULL":
          s.next();
          return node({ kind: "isNull", child: value, negated });
        case "UNKNOWN":
          s.next();
          return node({ kind: "isNull", child: value, negated });
        case "TRUE":
        case "FALSE":
          s.next();
          return maybeNot(binary("<=>", value, literal(t.upper === "TRUE", BooleanType())));
        case "DISTINCT": {
          s.next();
          s.expectWord("FROM");
          const right = this.valueExpression();
          const same = binary("<=>", value, right);
          return negated ? same : node({ kind: "unary", op: "not", child: same });
        }
        default:
          break;
      }
    }
    throw s.unexpected(`expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS${negated ? " NOT" : ""}`);
  }

  // --- value levels ------------------------------------------------------------------------

  /** An expression without predicates (comparisons, IN, BETWEEN, LIKE …): PIVOT's column. */
  valueExpression(): Expr {
    let left = this.bitOr();
    for (;;) {
      const t = this.s.peek();
      const op = t.kind === "op" ? COMPARISON[t.value] : undefined;
      if (op === undefined) return left;
      this.s.next();
      left = binary(op, left, this.bitOr());
    }
  }

  private bitOr(): Expr {
    let left = this.bitXor();
    while (this.s.acceptOp("|")) left = binary("|", left, this.bitXor());
    return left;
  }

  private bitXor(): Expr {
    let left = this.bitAnd();
    while (this.s.acceptOp("^")) left = binary("^", left, this.bitAnd());
    return left;
  }

  private bitAnd(): Expr {
    let left = this.additive();
    while (this.s.acceptOp("&")) left = binary("&", left, this.additive());
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      if (this.s.acceptOp("+")) left = binary("+", left, this.multiplicative());
      else if (this.s.acceptOp("-")) left = binary("-", left, this.multiplicative());
      else if (this.s.acceptOp("||")) left = binary("||", left, this.multiplicative());
      else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      if (this.s.acceptOp("*")) left = binary("*", left, this.unary());
      else if (this.s.acceptOp("/")) left = binary("/", left, this.unary());
      else if (this.s.acceptOp("%")) left = binary("%", left, this.unary());
      else if (this.s.acceptWord("DIV")) left = binary("div", left, this.unary());
      else return left;
    }
  }

  private unary(): Expr {
    const s = this.s;
    if (s.atOp("-")) {
      s.next();
      // Spark's grammar reads `-1` as one (negative) literal, so `-2147483648` is an int.
      const t = s.peek();
      if (t.kind === "number") {
        s.next();
        return this.postfix(this.number(t, true), -1);
      }
      return node({ kind: "unary", op: "-", child: this.unary() });
    }
    if (s.acceptOp("+")) return node({ kind: "unary", op: "+", child: this.unary() });
    if (s.acceptOp("~")) return node({ kind: "unary", op: "~", child: this.unary() });
    const start = s.mark();
    return this.postfix(this.primary(), start);
  }

  private postfix(base: Expr, start: number): Expr {
    const s = this.s;
    let e = base;
    for (;;) {
      if (s.atOp(".")) {
        const dot = s.next();
        const t = s.peek();
        if (t.kind === "op" && t.value === "*") {
          if (e.kind !== "column") throw s.errorAt(dot.start, "'.*' can only follow a column or struct name");
          this.checkStarPlacement(start, t);
          s.next();
          e = node({ kind: "star", qualifier: e.parts });
          continue;
        }
        if (t.kind !== "word" && t.kind !== "quoted") throw s.unexpected("expected a field name after '.'");
        s.next();
        if (e.kind === "column") {
          if (t.kind === "word" && s.atOp("(")) {
            throw s.errorAt(t.start, `qualified function names are not supported ('${[...e.parts, t.value].join(".")}')`);
          }
          e = node({ kind: "column", parts: [...e.parts, t.value] });
        } else {
          e = call("get_field", [e, literal(t.value, StringType())]);
        }
      } else if (s.atOp("[")) {
        const open = s.next();
        const index = this.expression();
        if (!s.atOp("]")) throw s.unexpected(`expected ']' to close '[' at position ${open.start}`);
        s.next();
        e = call("get_item", [e, index]);
      } else if (s.atOp("::")) {
        s.next();
        e = node({ kind: "cast", child: e, to: readDataType(s) });
      } else {
        return e;
      }
    }
  }

  // --- primary ------------------------------------------------------------------------------

  private primary(): Expr {
    const s = this.s;
    const t = s.peek();
    switch (t.kind) {
      case "number":
        s.next();
        return this.number(t, false);
      case "string":
        return literal(this.strings(), StringType());
      case "quoted":
        s.next();
        if (s.atOp("(")) return this.functionCall(t);
        if (s.atOp("->")) return this.lambda([t.value]);
        return node({ kind: "column", parts: [t.value] });
      case "op":
        if (t.value === "*") {
          this.checkStarPlacement(s.mark(), t);
          s.next();
          return node({ kind: "star", qualifier: [] });
        }
        if (t.value === "(") return this.parenthesized();
        throw s.unexpected();
      case "eof":
        throw s.unexpected("expected an expression");
      case "word":
        return this.wordPrimary(t);
    }
  }

  private wordPrimary(t: Token): Expr {
    const s = this.s;
    switch (t.upper) {
      case "NULL":
        s.next();
        return literal(null, NullType());
      case "TRUE":
      case "FALSE":
        s.next();
        return literal(t.upper === "TRUE", BooleanType());
      case "CASE":
        return this.caseExpression();
      default:
        break;
    }
    // `div(a, b)`: Spark's function form of the `a div b` operator.
    if (t.upper === "DIV" && s.atOp("(", 1)) {
      s.next();
      const open = s.expectOp("(");
      const a = this.expression();
      s.expectOp(",", " between the arguments of div");
      const b = this.expression();
      this.close(open);
      return binary("div", a, b);
    }
    // A clause keyword starts an expression only as a call or a qualified name (`window(ts, …)`,
    // `window.start`: Spark's non-reserved keywords).
    // LIKE, ILIKE, RLIKE and REGEXP are also functions: `rlike(str, regex)`.
    const called = PREDICATE_FUNCTIONS.has(t.upper) && s.atOp("(", 1);
    if ((RESERVED.has(t.upper) && !called) || (this.stopWords.has(t.upper) && this.callDepth === 0 && !s.atOp("(", 1) && !s.atOp(".", 1) && !s.atOp(",", 1))) throw s.unexpected("expected an expression");
    const next = s.peek(1);
    if (atIntervalLiteral(s)) return parseIntervalLiteral(s);
    if (next.kind === "string") return this.typedLiteral(t);
    if (next.kind === "op" && next.value === "(") {
      if (t.upper === "CAST") return this.cast();
      if (t.upper === "TRY_CAST") return this.cast(true);
      s.next();
      return this.functionCall(t);
    }
    s.next();
    if (t.upper === "CURRENT_DATE" || t.upper === "CURRENT_TIMESTAMP") return call(t.value.toLowerCase(), []);
    if (s.atOp("->")) return this.lambda([t.value]);
    return node({ kind: "column", parts: [t.value] });
  }

  /** `*` / `x.*` must be a whole list item: `count(*)`, `struct(a, *)`, `data.*`, not `a + *`. */
  private checkStarPlacement(start: number, star: Token): void {
    const next = this.s.peek(1);
    const ends = next.kind === "eof" || (next.kind === "op" && (next.value === ")" || next.value === ",")) || next.kind === "word" || next.kind === "quoted";
    if (start !== this.itemStart || !ends) throw this.s.unexpected(undefined, star);
  }

  /** `params -> body`, at the arrow (Spark's `#lambda`: the body is a whole expression). */
  private lambda(params: readonly string[]): Expr {
    this.s.next();
    return lambdaExpr(params, this.expression());
  }

  /** The parameter names of `(a, b)` before `->`: every item a bare name, else null. */
  private lambdaParams(items: readonly Expr[]): string[] | null {
    const names: string[] = [];
    for (const it of items) {
      if (it.kind !== "column" || it.parts.length !== 1) return null;
      names.push(it.parts[0]);
    }
    return names;
  }

  /**
   * `(left, right) ->`: parameter names that are keywords elsewhere (Spark's documented
   * array_sort comparator uses them). Consumes through `)` when the tokens are names, commas and
   * `) ->`; otherwise consumes nothing and returns null.
   */
  private keywordLambdaParams(): string[] | null {
    const s = this.s;
    const names: string[] = [];
    let k = 0;
    for (;;) {
      const t = s.peek(k);
      if (t.kind !== "word" && t.kind !== "quoted") return null;
      names.push(t.value);
      const next = s.peek(k + 1);
      if (next.kind === "op" && next.value === ",") {
        k += 2;
        continue;
      }
      if (next.kind === "op" && next.value === ")" && s.peek(k + 2).kind === "op" && s.peek(k + 2).value === "->") break;
      return null;
    }
    for (let i = 0; i <= k + 1; i++) s.next();
    return names;
  }

  private parenthesized(): Expr {
    const s = this.s;
    const open = s.next();
    if (this.atQuery()) {
      if (this.subquery === null) throw s.errorAt(s.peek().start, "scalar subqueries are only supported in spark.sql");
      const query = this.subquery();
      this.close(open);
      return node({ kind: "subquery", type: "scalar", query, value: null, negated: false });
    }
    if (s.atOp(")")) throw s.unexpected("expected an expression inside '()'");
    const keywordParams = this.keywordLambdaParams();
    if (keywordParams !== null) return this.lambda(keywordParams);
    const first = this.namedExpression();
    if (!s.atOp(",")) {
      if (first.kind === "alias") throw s.errorAt(open.start, `an alias ('${first.name}') is only allowed in a list of expressions`);
      this.close(open);
      const one = s.atOp("->") ? this.lambdaParams([first]) : null;
      return one === null ? first : this.lambda(one);
    }
    // `(a, b)`: Spark's row constructor, a struct; `(a, b) -> body`: a lambda.
    const items = [first];
    while (s.acceptOp(",")) items.push(this.namedExpression());
    this.close(open);
    if (s.atOp("->")) {
      const params = this.lambdaParams(items);
      if (params === null) throw s.errorAt(s.peek().start, "a lambda's parameters must be names: (x, y) -> ...");
      return this.lambda(params);
    }
    return call("struct", items);
  }

  private caseExpression(): Expr {
    const s = this.s;
    const start = s.next();
    const operand = s.atWord("WHEN") ? null : this.expression();
    const branches: { when: Expr; then: Expr }[] = [];
    while (s.acceptWord("WHEN")) {
      const when = this.expression();
      s.expectWord("THEN");
      branches.push({ when, then: this.expression() });
    }
    if (branches.length === 0) throw s.unexpected("expected WHEN");
    const otherwise = s.acceptWord("ELSE") ? this.expression() : null;
    if (!s.atWord("END")) throw s.unexpected(`expected ${otherwise === null ? "WHEN, ELSE or " : ""}END to close CASE at position ${start.start}`);
    s.next();
    return node({ kind: "case", operand, branches, otherwise });
  }

  /** `CAST(x AS type)`; `TRY_CAST`, which without ANSI mode is the same cast (null when it cannot convert). */
  private cast(isTry = false): Expr {
    const s = this.s;
    s.next();
    const open = s.expectOp("(");
    const child = this.expression();
    if (!s.atWord("AS")) throw s.unexpected(`expected AS in ${isTry ? "TRY_CAST" : "CAST"}(expr AS type)`);
    s.next();
    const to = readDataType(s);
    this.close(open);
    return node({ kind: "cast", child, to, ...(isTry ? { isTry } : {}) });
  }

  private functionCall(nameTok: Token): Expr {
    const s = this.s;
    const name = nameTok.value.toLowerCase();
    const open = s.expectOp("(");
    const special = nameTok.kind === "word" ? this.specialForm(name, open) : undefined;
    if (special !== undefined) return this.afterCall(special, name);
    let distinct = false;
    if (s.atWord("DISTINCT")) {
      s.next();
      distinct = true;
    } else if (s.atWord("ALL") && !s.atOp(")", 1) && !s.atOp(",", 1)) {
      s.next();
    }
    let args: Expr[] = [];
    const named: { name: string; value: Expr; at: number }[] = [];
    if (!s.atOp(")")) {
      // Inside a call's parentheses no clause can start, so clause keywords are names there
      // (`window_time(window)`, a lambda's `left`), as in Spark without ANSI mode.
      this.callDepth++;
      try {
        do {
          const t = s.peek();
          if ((t.kind === "word" || t.kind === "quoted") && s.atOp("=>", 1)) {
            s.next();
            s.next();
            named.push({ name: t.value, value: this.item(), at: t.start });
          } else {
            if (named.length > 0) throw s.errorAt(t.start, `[UNEXPECTED_POSITIONAL_ARGUMENT] a positional argument of ${name} follows the named argument '${named[named.length - 1].name}'`);
            args.push(name === "struct" ? this.namedExpression() : this.item());
          }
        } while (s.acceptOp(","));
      } finally {
        this.callDepth--;
      }
      if (named.length > 0) args = this.withNamedArguments(name, args, named, nameTok.start);
    } else if (distinct) {
      throw s.unexpected("expected an argument after DISTINCT");
    }
    this.close(open, ` in the call to ${name}`);
    // Spark's grammar reads dateadd/date_add(unit, n, ts) and datediff/date_diff(unit, a, b) as
    // timestampadd/timestampdiff.
    const called = args.length === 3 ? (THREE_ARGUMENT_ALIASES[name] ?? name) : name;
    return this.afterCall(node({ kind: "call", name: called, args, distinct }), called);
  }

  /**
   * Spark 3.5's named arguments (`mask(str, lowerChar => 'q')`) for the functions that declare a
   * signature: the positional arguments first, then each named one in its place, and the defaults
   * of optional parameters left out, as Spark's NamedParametersSupport rearranges them.
   */
  withNamedArguments(name: string, positional: Expr[], named: readonly { name: string; value: Expr; at: number }[], at: number): Expr[] {
    const s = this.s;
    const signature = NAMED_SIGNATURES[name];
    if (signature === undefined) throw s.errorAt(at, `[NAMED_PARAMETERS_NOT_SUPPORTED] Named parameters are not supported for function ${name}; please retry the query with positional arguments to the function call instead`);
    if (positional.length > signature.length) throw s.errorAt(at, `[WRONG_NUM_ARGS] function ${name} takes at most ${signature.length} arguments, got ${positional.length + named.length}`);
    const slots: (Expr | undefined)[] = [...positional];
    for (const n of named) {
      const k = signature.findIndex((p) => p.name.toLowerCase() === n.name.toLowerCase());
      if (k < 0) throw s.errorAt(n.at, `[UNRECOGNIZED_PARAMETER_NAME] function ${name} has no parameter '${n.name}'; its parameters are ${signature.map((p) => p.name).join(", ")}`);
      if (slots[k] !== undefined) {
        throw s.errorAt(n.at, k < positional.length ? `[BOTH_POSITIONAL_AND_NAMED_PARAMETERS_SET] parameter '${n.name}' of ${name} is set both by position and by name` : `[DOUBLE_NAMED_ARGUMENT_REFERENCE] parameter '${n.name}' of ${name} is named twice`);
      }
      slots[k] = n.value;
    }
    const out: Expr[] = [];
    signature.forEach((p, k) => {
      const v = slots[k] ?? p.fallback;
      if (v === undefined) throw s.errorAt(at, `[REQUIRED_PARAMETER_NOT_FOUND] function ${name} needs parameter '${p.name}'`);
      out.push(v);
    });
    // Trailing defaults are left out, so the call reads (and is named) as its positional form.
    while (out.length > positional.length && slots[out.length - 1] === undefined) out.pop();
    return out;
  }

  /** `IGNORE NULLS` / `RESPECT NULLS` after the call, and rejection of FILTER / OVER. */
  private afterCall(e: Expr, name: string): Expr {
    const s = this.s;
    let result = e;
    if ((s.atWord("IGNORE") || s.atWord("RESPECT")) && s.atWord("NULLS", 1)) {
      const ignore = s.next().upper === "IGNORE";
      s.next();
      if ((!IGNORE_NULLS_FUNCTIONS.has(name) && !WINDOW_IGNORE_NULLS.has(name)) || result.kind !== "call") {
        throw s.errorAt(s.peek().start, `IGNORE/RESPECT NULLS is not supported for ${name}`);
      }
      if (ignore && WINDOW_IGNORE_NULLS.has(name)) {
        // lag/lead(value, offset, default, ignoreNulls) and nth_value(value, n, ignoreNulls).
        const a = result.args;
        const filled = name === "nth_value" ? [...a.slice(0, 2)] : [a[0], a[1] ?? literal(1, IntegerType()), a[2] ?? literal(null, NullType())];
        result = node({ ...result, args: [...filled, literal(true, BooleanType())] });
      } else if (ignore) result = withIgnoreNulls(result.name, result.args, result.distinct);
    }
    if (s.atWord("WITHIN") && s.atWord("GROUP", 1) && result.kind === "call") {
      // `percentile_cont(p) WITHIN GROUP (ORDER BY v [ASC|DESC])`: the call becomes
      // `percentile_cont(v, p, descending)`, the binder's form of Spark's PercentileCont/Disc.
      const at = s.peek().start;
      s.next();
      s.next();
      const open = s.expectOp("(");
      s.expectWord("ORDER");
      s.expectWord("BY");
      const order = this.expression();
      let descending = false;
      if (s.acceptWord("DESC")) descending = true;
      else s.acceptWord("ASC");
      this.close(open, " in WITHIN GROUP");
      if (result.args.length !== 1) throw s.errorAt(at, `${name} takes one percentage before WITHIN GROUP, got ${result.args.length}`);
      result = node({ ...result, args: [order, result.args[0], literal(descending, BooleanType())], withinGroup: true });
    }
    if (s.atWord("FILTER") && s.atOp("(", 1) && result.kind === "call") {
      s.next();
      const open = s.expectOp("(");
      s.expectWord("WHERE");
      const filter = this.expression();
      this.close(open, " in the FILTER clause");
      result = node({ ...result, filter });
    }
    if (s.acceptWord("OVER")) {
      if (s.atOp("(")) return node({ kind: "window", fn: result, spec: this.windowSpec() });
      return node({ kind: "window", fn: result, spec: { partitionBy: [], orderBy: [], frame: null, name: this.identifier("expected a window name or '(' after OVER") } });
    }
    return result;
  }

  /**
   * `( [name] [PARTITION|DISTRIBUTE BY e, …] [ORDER|SORT BY k, …] [ROWS|RANGE frame] )`: a window
   * specification (also the body of SQL's `WINDOW w AS (…)`).
   */
  windowSpec(): WindowSpec {
    const s = this.s;
    const open = s.expectOp("(");
    let name: string | null = null;
    if (this.isIdentifierAt(0) && !["PARTITION", "DISTRIBUTE", "ORDER", "SORT", "CLUSTER", "ROWS", "RANGE"].includes(s.peek().upper)) {
      name = this.identifier("expected a window name");
    }
    const partitionBy: Expr[] = [];
    const orderBy: SortOrderExpr[] = [];
    if ((s.atWord("PARTITION") || s.atWord("DISTRIBUTE") || s.atWord("CLUSTER")) && s.atWord("BY", 1)) {
      const cluster = s.next().upper === "CLUSTER";
      s.next();
      do partitionBy.push(this.expression());
      while (s.acceptOp(","));
      if (cluster) for (const p of partitionBy) orderBy.push(node({ kind: "sortOrder", child: p, ascending: true, nullsFirst: true }));
    }
    if ((s.atWord("ORDER") || s.atWord("SORT")) && s.atWord("BY", 1)) {
      s.next();
      s.next();
      do orderBy.push(this.sortExpression());
      while (s.acceptOp(","));
    }
    let frame: WindowFrame | null = null;
    if (s.atWord("ROWS") || s.atWord("RANGE")) {
      const type = s.next().upper === "ROWS" ? "rows" : "range";
      if (s.acceptWord("BETWEEN")) {
        const lower = this.frameBound();
        s.expectWord("AND");
        frame = { type, lower, upper: this.frameBound() };
      } else {
        frame = { type, lower: this.frameBound(), upper: { kind: "currentRow" } };
      }
    }
    this.close(open, " in the window specification");
    return { partitionBy, orderBy, frame, name };
  }

  private frameBound(): FrameBound {
    const s = this.s;
    if (s.acceptWord("UNBOUNDED")) {
      if (s.acceptWord("PRECEDING")) return { kind: "unboundedPreceding" };
      if (s.acceptWord("FOLLOWING")) return { kind: "unboundedFollowing" };
      throw s.unexpected("expected PRECEDING or FOLLOWING after UNBOUNDED");
    }
    if (s.atWord("CURRENT") && s.atWord("ROW", 1)) {
      s.next();
      s.next();
      return { kind: "currentRow" };
    }
    const value = this.valueExpression();
    if (s.acceptWord("PRECEDING")) return { kind: "offset", value: node({ kind: "unary", op: "-", child: value }) };
    if (s.acceptWord("FOLLOWING")) return { kind: "offset", value };
    throw s.unexpected("expected PRECEDING or FOLLOWING after a frame offset");
  }

  /** Spark's keyword-argument function forms; undefined when the call is an ordinary one. */
  private specialForm(name: string, open: Token): Expr | undefined {
    const s = this.s;
    switch (name) {
      case "extract": {
        const field = s.peek();
        if ((field.kind !== "word" && field.kind !== "quoted") || !s.atWord("FROM", 1)) return undefined;
        s.next();
        s.next();
        const source = this.valueExpression();
        this.close(open, " in EXTRACT");
        return call("extract", [literal(field.value, StringType()), source]);
      }
      case "substring":
      case "substr": {
        const mark = s.mark();
        const str = this.valueExpression();
        if (!s.atWord("FROM")) {
          s.reset(mark);
          return undefined;
        }
        s.next();
        const args = [str, this.valueExpression()];
        if (s.acceptWord("FOR") || s.acceptOp(",")) args.push(this.valueExpression());
        this.close(open, ` in ${name.toUpperCase()}`);
        // The SQL-standard form is Spark's substring(…), whichever name it was written with.
        return call("substring", args);
      }
      case "position": {
        const mark = s.mark();
        const substr = this.valueExpression();
        if (!s.atWord("IN") || s.atOp("(", 1)) {
          s.reset(mark);
          return undefined;
        }
        s.next();
        const str = this.valueExpression();
        this.close(open, " in POSITION");
        return call("locate", [substr, str]);
      }
      case "overlay": {
        // OVERLAY(input PLACING replace FROM pos [FOR len]) is overlay(input, replace, pos[, len]).
        const mark = s.mark();
        const input = this.valueExpression();
        if (!s.atWord("PLACING")) {
          s.reset(mark);
          return undefined;
        }
        s.next();
        const args = [input, this.valueExpression()];
        s.expectWord("FROM");
        args.push(this.valueExpression());
        if (s.acceptWord("FOR")) args.push(this.valueExpression());
        this.close(open, " in OVERLAY");
        return call("overlay", args);
      }
      case "trim":
        return this.trimForm(open);
      case "first":
      case "last":
      case "any_value":
      case "first_value":
      case "last_value": {
        const mark = s.mark();
        if (s.atOp(")")) return undefined;
        const arg = this.expression();
        if (!(s.atWord("IGNORE") || s.atWord("RESPECT")) || !s.atWord("NULLS", 1)) {
          s.reset(mark);
          return undefined;
        }
        const ignore = s.next().upper === "IGNORE";
        s.next();
        this.close(open, ` in ${name}`);
        return ignore ? withIgnoreNulls(name, [arg], false) : call(name, [arg]);
      }
      default:
        return undefined;
    }
  }

  private trimForm(open: Token): Expr | undefined {
    const s = this.s;
    let fn = "trim";
    const option = s.peek();
    const isOption =
      option.kind === "word" &&
      (option.upper === "BOTH" || option.upper === "LEADING" || option.upper === "TRAILING") &&
      !s.atOp(")", 1) &&
      !s.atOp(",", 1);
    if (isOption) {
      s.next();
      fn = option.upper === "LEADING" ? "ltrim" : option.upper === "TRAILING" ? "rtrim" : "trim";
      if (s.acceptWord("FROM")) {
        const src = this.valueExpression();
        this.close(open, " in TRIM");
        return call(fn, [src]);
      }
      const chars = this.valueExpression();
      s.expectWord("FROM");
      const src = this.valueExpression();
      this.close(open, " in TRIM");
      return call(fn, [src, chars]);
    }
    const mark = s.mark();
    if (s.atOp(")")) return undefined;
    const chars = this.valueExpression();
    if (!s.atWord("FROM")) {
      s.reset(mark);
      return undefined;
    }
    s.next();
    const src = this.valueExpression();
    this.close(open, " in TRIM");
    return call(fn, [src, chars]);
  }

  private typedLiteral(t: Token): Expr {
    const s = this.s;
    s.next();
    const strTok = s.peek();
    const text = this.strings();
    if (!TYPED_LITERALS.has(t.upper)) {
      throw s.errorAt(t.start, `literals of type '${t.value}' are not supported (only DATE, TIMESTAMP and X'..')`);
    }
    let r: LiteralResult;
    switch (t.upper) {
      case "DATE":
        r = dateLiteral(text);
        break;
      case "TIMESTAMP_NTZ":
        r = timestampNtzLiteral(text);
        break;
      case "TIMESTAMP":
      case "TIMESTAMP_LTZ": {
        const ts = timestampLiteral(text);
        // spark.sql.timestampType=TIMESTAMP_NTZ: a TIMESTAMP literal without a zone is TIMESTAMP_NTZ.
        if (t.upper === "TIMESTAMP" && ts.ok && ts.zoneless === true && parseSettings().timestampNtz) {
          r = timestampNtzLiteral(text);
          break;
        }
        if (ts.ok && ts.zoneless === true) return { ...literal(ts.value, ts.dataType), zonelessText: text };
        r = ts;
        break;
      }
      case "X":
      case "BINARY_HEX":
        r = hexLiteral(text);
        break;
      default:
        throw s.errorAt(t.start, `${t.upper} literals are not supported`);
    }
    if (!r.ok) throw s.errorAt(strTok.start, r.problem);
    return literal(r.value, r.dataType);
  }

  private number(t: Token, negative: boolean): LiteralExpr {
    const r = numericLiteral(t.value, negative);
    if (!r.ok) throw this.s.errorAt(t.start, r.problem);
    return literal(r.value, r.dataType);
  }

  /** One or more adjacent string tokens, concatenated (`'a' 'b'` is `'ab'`, as in Spark). */
  private strings(): string {
    let out = "";
    while (this.s.peek().kind === "string") out += this.s.next().value;
    return out;
  }

  // --- helpers ------------------------------------------------------------------------------

  /** Consumes an identifier (a word that is not reserved, or a back-quoted name) or throws `expected`. */
  identifier(expected: string): string {
    if (!this.isIdentifierAt(0)) throw this.s.unexpected(expected);
    return this.s.next().value;
  }

  /** Whether the token `k` ahead can be a name (not a reserved word nor a stop word). */
  isIdentifierAt(k: number): boolean {
    const t = this.s.peek(k);
    return t.kind === "quoted" || (t.kind === "word" && !RESERVED.has(t.upper) && !this.stopWords.has(t.upper) && t.value !== "!");
  }

  private close(open: Token, context = ""): void {
    const s = this.s;
    if (s.atOp(")")) {
      s.next();
      return;
    }
    const t = s.peek();
    throw s.errorAt(t.start, `expected ')' to close '(' at position ${open.start}${context}, found ${describeToken(t)}`);
  }
}

const IGNORE_NULLS_FUNCTIONS = new Set(["first", "last", "any_value", "first_value", "last_value"]);

/** Window functions whose IGNORE NULLS becomes a trailing boolean argument. */
const WINDOW_IGNORE_NULLS = new Set(["lag", "lead", "nth_value"]);

function withIgnoreNulls(name: string, args: readonly Expr[], distinct: boolean): Expr {
  return node({ kind: "call", name, args: [...args, literal(true, BooleanType())], distinct });
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return node({ kind: "binary", op, left, right });
}

function call(name: string, args: readonly Expr[]): Expr {
  return node({ kind: "call", name, args, distinct: false });
}

function literal(value: LiteralExpr["value"], dataType: LiteralExpr["dataType"]): LiteralExpr {
  return node({ kind: "literal", value, dataType });
}
