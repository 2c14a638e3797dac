/**
 * The SQL statement parser behind `spark.sql(text)`: Spark 3.5's query grammar (SELECT, FROM with
 * joins and aliases, WHERE, GROUP BY with GROUPING SETS / ROLLUP / CUBE, HAVING, ORDER BY, LIMIT,
 * OFFSET, set operations, WITH, VALUES, subqueries in FROM, table-valued functions, LATERAL VIEW)
 * and the session statements (CREATE/DROP TEMP VIEW, SET), producing the unresolved AST of
 * `query-ast.ts`. Expressions are parsed by the shared {@link ExpressionParser}.
 *
 * Precedence of set operations is Spark's default (`spark.sql.legacy.setopsPrecedence.enabled`
 * false): INTERSECT binds tighter than UNION and EXCEPT, which associate to the left.
 * Hints (`/*+ … *\/`) are comments to the lexer: accepted, with no effect.
 */
import { node, type Expr, type SortOrderExpr } from "./expression.js";
import { ExpressionParser } from "./parser.js";
import { TokenStream } from "./lexer.js";
import type {
  CommonTableExpr,
  GroupByAst,
  NamedWindow,
  QueryAst,
  QueryBody,
  RelationAst,
  SelectAst,
  SqlJoinType,
  Statement,
  ValuesAst,
} from "./query-ast.js";

/** Words that end a clause: never a column name or a bare alias inside a query. */
const CLAUSE_WORDS = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "GROUP",
  "HAVING",
  "ORDER",
  "SORT",
  "CLUSTER",
  "DISTRIBUTE",
  "LIMIT",
  "OFFSET",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "MINUS",
  "JOIN",
  "INNER",
  "LEFT",
  "RIGHT",
  "FULL",
  "CROSS",
  "NATURAL",
  "ON",
  "USING",
  "LATERAL",
  "WINDOW",
  "SEMI",
  "ANTI",
  "PIVOT",
  "UNPIVOT",
  "WITH",
  "VALUES",
  "TABLESAMPLE",
  "QUALIFY",
]);

/**
 * Parses one SQL statement (a trailing `;` is allowed).
 * @throws ParseError with the position and a caret line on bad syntax or an unsupported statement.
 * @example parseStatement("SELECT k, count(*) FROM t GROUP BY k")
 */
export function parseStatement(text: string): Statement {
  const p = new QueryParser(text);
  const st = p.statement();
  p.end();
  return st;
}

/** Parses a query (SELECT …, WITH …, VALUES …). @throws ParseError as {@link parseStatement}. */
export function parseQuery(text: string): QueryAst {
  const p = new QueryParser(text);
  const q = p.query();
  p.end();
  return q;
}

class QueryParser {
  private readonly s: TokenStream;
  private readonly e: ExpressionParser;

  constructor(text: string) {
    this.s = new TokenStream(text, "sql");
    this.e = new ExpressionParser(this.s, CLAUSE_WORDS);
  }

  end(): void {
    while (this.s.acceptOp(";"));
    this.s.expectEnd();
  }

  statement(): Statement {
    const s = this.s;
    if (s.atWord("CREATE")) return this.createView();
    if (s.atWord("SET")) return this.set();
    if (s.atWord("DROP") && s.atWord("VIEW", 1)) {
      s.next();
      s.next();
      const ifExists = s.acceptWord("IF") ? (s.expectWord("EXISTS"), true) : false;
      return { kind: "dropView", name: this.qualifiedName("expected a view name"), ifExists };
    }
    if (s.atWord("SELECT") || s.atWord("WITH") || s.atWord("VALUES") || s.atWord("TABLE") || s.atWord("FROM") || s.atOp("(")) {
      return { kind: "query", query: this.query() };
    }
    throw s.unexpected("expected a statement (SELECT, WITH, VALUES, CREATE TEMP VIEW, SET)");
  }

  private createView(): Statement {
    const s = this.s;
    const start = s.expectWord("CREATE");
    const replace = s.acceptWord("OR") ? (s.expectWord("REPLACE"), true) : false;
    const global = s.acceptWord("GLOBAL");
    if (!s.acceptWord("TEMP") && !s.acceptWord("TEMPORARY")) {
      throw s.errorAt(start.start, "only CREATE [OR REPLACE] [GLOBAL] TEMP VIEW is supported here; CREATE TABLE is not supported yet");
    }
    s.expectWord("VIEW");
    let ifNotExists = false;
    if (s.acceptWord("IF")) {
      s.expectWord("NOT");
      s.expectWord("EXISTS");
      ifNotExists = true;
    }
    const name = this.qualifiedName("expected a view name");
    const columns = s.atOp("(") ? this.columnAliasList() : null;
    s.expectWord("AS");
    const query = this.query();
    return { kind: "createView", name, replace, ifNotExists, scope: global ? "global" : "temp", columns, query };
  }

  /** `SET`, `SET key`, `SET key = value` (the value is the rest of the text, trimmed). */
  private set(): Statement {
    const s = this.s;
    s.expectWord("SET");
    if (s.atEnd() || s.atOp(";")) return { kind: "set", key: null, value: null };
    const first = s.peek();
    let keyEnd = first.start;
    while (!s.atEnd() && !s.atOp("=") && !s.atOp(";")) keyEnd = s.next().end;
    const key = s.text.slice(first.start, keyEnd).trim().replace(/^`|`$/g, "");
    if (!s.acceptOp("=")) return { kind: "set", key, value: null };
    const valueStart = s.peek().start;
    let valueEnd = valueStart;
    while (!s.atEnd() && !s.atOp(";")) valueEnd = s.next().end;
    const raw = s.text.slice(valueStart, valueEnd).trim();
    const value = /^'.*'$|^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
    return { kind: "set", key, value };
  }

  // --- queries ------------------------------------------------------------------------------

  query(): QueryAst {
    const s = this.s;
    const ctes: CommonTableExpr[] = [];
    if (s.acceptWord("WITH")) {
      s.acceptWord("RECURSIVE");
      do {
        const name = this.e.identifier("expected a name for the common table expression");
        const columns = s.atOp("(") ? this.columnAliasList() : null;
        s.expectWord("AS");
        const open = s.expectOp("(", " before the common table expression's query");
        const query = this.query();
        this.close(open.start);
        ctes.push({ name, columns, query });
      } while (s.acceptOp(","));
    }
    const body = this.unionTerm();
    const orderBy: SortOrderExpr[] = [];
    if (s.atWord("ORDER") || s.atWord("SORT")) {
      s.next();
      s.expectWord("BY");
      do orderBy.push(this.e.sortExpression());
      while (s.acceptOp(","));
    }
    let limit: Expr | null = null;
    let offset: Expr | null = null;
    for (;;) {
      if (s.acceptWord("LIMIT")) {
        limit = s.acceptWord("ALL") ? null : this.e.expression();
      } else if (s.acceptWord("OFFSET")) {
        offset = this.e.expression();
      } else break;
    }
    return Object.freeze({ kind: "query", ctes, body, orderBy, limit, offset });
  }

  private unionTerm(): QueryBody {
    const s = this.s;
    let left = this.intersectTerm();
    for (;;) {
      let op: "union" | "except";
      if (s.acceptWord("UNION")) op = "union";
      else if (s.acceptWord("EXCEPT") || s.acceptWord("MINUS")) op = "except";
      else return left;
      const all = s.acceptWord("ALL") ? true : (s.acceptWord("DISTINCT"), false);
      left = { kind: "setOp", op, all, left, right: this.intersectTerm() };
    }
  }

  private intersectTerm(): QueryBody {
    const s = this.s;
    let left = this.primaryTerm();
    while (s.acceptWord("INTERSECT")) {
      const all = s.acceptWord("ALL") ? true : (s.acceptWord("DISTINCT"), false);
      left = { kind: "setOp", op: "intersect", all, left, right: this.primaryTerm() };
    }
    return left;
  }

  private primaryTerm(): QueryBody {
    const s = this.s;
    if (s.atWord("SELECT")) return this.select(null);
    if (s.atWord("FROM")) {
      // `FROM t SELECT …` (Hive's from-first form).
      s.next();
      const from = this.relations();
      if (!s.atWord("SELECT")) return { kind: "select", distinct: false, items: [node({ kind: "star", qualifier: [] })], from, where: this.where(), groupBy: null, having: null, windows: [], hints: [] };
      return this.select(from);
    }
    if (s.atWord("VALUES")) return this.values();
    if (s.acceptWord("TABLE")) return { kind: "tableBody", relation: { kind: "table", name: this.qualifiedName("expected a table name"), alias: null, columnAliases: null } };
    if (s.atOp("(")) {
      const open = s.next();
      const q = this.query();
      this.close(open.start);
      return q;
    }
    throw s.unexpected("expected SELECT, VALUES, TABLE or '('");
  }

  private select(from: RelationAst | null): SelectAst {
    const s = this.s;
    s.expectWord("SELECT");
    let distinct = false;
    if (s.acceptWord("DISTINCT")) distinct = true;
    else s.acceptWord("ALL");
    const items: Expr[] = [];
    do items.push(this.e.namedExpression());
    while (s.acceptOp(","));
    if (from === null && s.acceptWord("FROM")) from = this.relations();
    const where = this.where();
    let groupBy: GroupByAst | null = null;
    if (s.atWord("GROUP") && s.atWord("BY", 1)) {
      s.next();
      s.next();
      groupBy = this.groupBy();
    }
    const having = s.acceptWord("HAVING") ? this.e.expression() : null;
    const windows: NamedWindow[] = [];
    if (s.acceptWord("WINDOW")) {
      do {
        const at = s.peek().start;
        const name = this.e.identifier("expected a window name");
        if (windows.some((w) => w.name.toLowerCase() === name.toLowerCase())) throw s.errorAt(at, `the window '${name}' is defined twice in the WINDOW clause`);
        s.expectWord("AS");
        const spec = s.atOp("(") ? this.e.windowSpec() : { partitionBy: [], orderBy: [], frame: null, name: this.e.identifier("expected a window name or '('") };
        windows.push({ name, spec });
      } while (s.acceptOp(","));
    }
    return { kind: "select", distinct, items, from, where, groupBy, having, windows, hints: [] };
  }

  private where(): Expr | null {
    return this.s.acceptWord("WHERE") ? this.e.expression() : null;
  }

  /** GROUP BY: expressions, `ALL`, `WITH ROLLUP|CUBE`, `GROUPING SETS (…)`, `ROLLUP (…)`, `CUBE (…)`. */
  private groupBy(): GroupByAst {
    const s = this.s;
    if (s.atWord("ALL") && !s.atOp("(", 1)) {
      s.next();
      return { exprs: [], sets: null, all: true };
    }
    const exprs: Expr[] = [];
    const indexOf = (e: Expr): number => {
      const key = JSON.stringify(e, bigintSafe);
      const i = exprs.findIndex((x) => JSON.stringify(x, bigintSafe) === key);
      if (i >= 0) return i;
      exprs.push(e);
      return exprs.length - 1;
    };
    // Each element contributes a list of grouping sets; the query's sets are their cross product.
    const factors: number[][][] = [];
    let plain = true;
    do {
      if (s.atWord("GROUPING") && s.atWord("SETS", 1)) {
        s.next();
        s.next();
        plain = false;
        const open = s.expectOp("(", " after GROUPING SETS");
        const sets: number[][] = [];
        do sets.push(this.groupingSet(indexOf));
        while (s.acceptOp(","));
        this.close(open.start);
        factors.push(sets);
      } else if ((s.atWord("ROLLUP") || s.atWord("CUBE")) && s.atOp("(", 2 - 1)) {
        const kind = s.next().upper;
        plain = false;
        const open = s.expectOp("(");
        const cols: number[][] = [];
        do cols.push(this.groupingSet(indexOf));
        while (s.acceptOp(","));
        this.close(open.start);
        factors.push(kind === "ROLLUP" ? rollupSets(cols) : cubeSets(cols));
      } else {
        factors.push([[indexOf(this.e.expression())]]);
      }
    } while (s.acceptOp(","));
    if (s.atWord("WITH") && (s.atWord("ROLLUP", 1) || s.atWord("CUBE", 1))) {
      s.next();
      const kind = s.next().upper;
      const cols = factors.map((f) => f[0]);
      return { exprs, sets: kind === "ROLLUP" ? rollupSets(cols) : cubeSets(cols), all: false };
    }
    if (plain) return { exprs, sets: null, all: false };
    let sets: number[][] = [[]];
    for (const f of factors) sets = sets.flatMap((a) => f.map((b) => [...a, ...b.filter((x) => !a.includes(x))]));
    return { exprs, sets, all: false };
  }

  /** `(a, b)`, `()` or a single expression, as indexes into the GROUP BY expressions. */
  private groupingSet(indexOf: (e: Expr) => number): number[] {
    const s = this.s;
    if (s.atOp("(")) {
      const mark = s.mark();
      const open = s.next();
      if (s.acceptOp(")")) return [];
      const items: number[] = [];
      try {
        do items.push(indexOf(this.e.expression()));
        while (s.acceptOp(","));
        this.close(open.start);
        return items;
      } catch {
        s.reset(mark);
      }
    }
    return [indexOf(this.e.expression())];
  }

  private values(): ValuesAst {
    const s = this.s;
    s.expectWord("VALUES");
    const rows: Expr[][] = [];
    do {
      if (s.atOp("(")) {
        const open = s.next();
        const row: Expr[] = [];
        do row.push(this.e.expression());
        while (s.acceptOp(","));
        this.close(open.start);
        rows.push(row);
      } else {
        rows.push([this.e.expression()]);
      }
    } while (s.acceptOp(","));
    return { kind: "values", rows };
  }

  // --- relations ----------------------------------------------------------------------------

  /** `a, b JOIN c ON …, …`: comma-separated relations are cross joined. */
  private relations(): RelationAst {
    let left = this.relation();
    while (this.s.acceptOp(",")) left = { kind: "join", left, right: this.relation(), joinType: "cross", condition: null, using: null, natural: false };
    return this.lateralViews(left);
  }

  private relation(): RelationAst {
    const s = this.s;
    let left = this.relationPrimary();
    for (;;) {
      const natural = s.acceptWord("NATURAL");
      const joinType = this.joinType();
      if (joinType === null) {
        if (natural) throw s.unexpected("expected a join after NATURAL");
        if (s.atWord("LATERAL") && s.atWord("VIEW", 1)) {
          left = this.lateralViews(left);
          continue;
        }
        return left;
      }
      const right = this.relationPrimary();
      let condition: Expr | null = null;
      let using: string[] | null = null;
      if (!natural) {
        if (s.acceptWord("ON")) condition = this.e.expression();
        else if (s.acceptWord("USING")) using = this.columnAliasList();
      }
      left = { kind: "join", left, right, joinType, condition, using, natural };
    }
  }

  /** A join keyword sequence ending in JOIN, or null (nothing consumed) when none is next. */
  private joinType(): SqlJoinType | null {
    const s = this.s;
    const mark = s.mark();
    let type: SqlJoinType | null = null;
    if (s.acceptWord("JOIN")) return "inner";
    if (s.acceptWord("INNER")) type = "inner";
    else if (s.acceptWord("CROSS")) type = "cross";
    else if (s.acceptWord("LEFT")) {
      if (s.acceptWord("SEMI")) type = "left_semi";
      else if (s.acceptWord("ANTI")) type = "left_anti";
      else {
        s.acceptWord("OUTER");
        type = "left";
      }
    } else if (s.acceptWord("RIGHT")) {
      s.acceptWord("OUTER");
      type = "right";
    } else if (s.acceptWord("FULL")) {
      s.acceptWord("OUTER");
      type = "full";
    } else if (s.acceptWord("SEMI")) type = "left_semi";
    else if (s.acceptWord("ANTI")) type = "left_anti";
    if (type === null) return null;
    if (!s.acceptWord("JOIN")) {
      s.reset(mark);
      return null;
    }
    return type;
  }

  private lateralViews(child: RelationAst): RelationAst {
    const s = this.s;
    let rel = child;
    while (s.atWord("LATERAL") && s.atWord("VIEW", 1)) {
      s.next();
      s.next();
      const outer = s.acceptWord("OUTER");
      const generator = this.e.expression();
      let alias: string | null = null;
      if (this.e.isIdentifierAt(0) && !s.atWord("AS")) alias = this.e.identifier("expected a table alias");
      const columns: string[] = [];
      if (s.acceptWord("AS")) {
        do columns.push(this.e.identifier("expected a column alias"));
        while (s.acceptOp(","));
      }
      rel = { kind: "lateralView", child: rel, generator, outer, alias, columns };
    }
    return rel;
  }

  private relationPrimary(): RelationAst {
    const s = this.s;
    if (s.atOp("(")) {
      const open = s.next();
      if (s.atWord("SELECT") || s.atWord("WITH") || s.atWord("VALUES") || s.atWord("TABLE") || s.atWord("FROM") || (s.atOp("(") && this.looksLikeQuery())) {
        const query = this.query();
        this.close(open.start);
        const { alias, columnAliases } = this.tableAlias();
        return { kind: "subquery", query, alias, columnAliases };
      }
      const inner = this.relations();
      this.close(open.start);
      const { alias, columnAliases } = this.tableAlias();
      if (alias === null) return inner;
      return { kind: "subquery", query: wrapRelation(inner), alias, columnAliases };
    }
    if (s.atWord("VALUES")) {
      const values = this.values();
      const { alias, columnAliases } = this.tableAlias();
      return { kind: "valuesRelation", values, alias, columnAliases };
    }
    if (s.atWord("LATERAL")) throw s.errorAt(s.peek().start, "LATERAL subqueries are not supported yet");
    const start = s.peek();
    const name = this.qualifiedName("expected a table name, a subquery or VALUES");
    if (name.length === 1 && s.atOp("(") && start.kind === "word") {
      const open = s.next();
      const args: Expr[] = [];
      if (!s.atOp(")")) {
        do args.push(this.e.namedExpression());
        while (s.acceptOp(","));
      }
      this.close(open.start);
      const { alias, columnAliases } = this.tableAlias();
      return { kind: "function", name: name[0].toLowerCase(), args, alias, columnAliases };
    }
    const { alias, columnAliases } = this.tableAlias();
    return { kind: "table", name, alias, columnAliases };
  }

  /** After `(`: whether a parenthesized query (not a relation list) follows. */
  private looksLikeQuery(): boolean {
    const s = this.s;
    let k = 0;
    while (s.atOp("(", k)) k++;
    return s.atWord("SELECT", k) || s.atWord("WITH", k) || s.atWord("VALUES", k) || s.atWord("FROM", k);
  }

  /** `[AS] alias [(c1, c2)]`, both optional. */
  private tableAlias(): { alias: string | null; columnAliases: string[] | null } {
    const s = this.s;
    let alias: string | null = null;
    if (s.acceptWord("AS")) alias = this.e.identifier("expected a table alias after AS");
    else if (this.e.isIdentifierAt(0)) alias = this.e.identifier("expected a table alias");
    const columnAliases = alias !== null && s.atOp("(") ? this.columnAliasList() : null;
    return { alias, columnAliases };
  }

  private columnAliasList(): string[] {
    const s = this.s;
    const open = s.expectOp("(");
    const names: string[] = [];
    do names.push(this.e.identifier("expected a column name"));
    while (s.acceptOp(","));
    this.close(open.start);
    return names;
  }

  /** `a`, `db.t`, ``delta.`/path` ``. */
  private qualifiedName(expected: string): string[] {
    const s = this.s;
    const parts: string[] = [];
    const t = s.peek();
    if (t.kind !== "word" && t.kind !== "quoted") throw s.unexpected(expected);
    parts.push(s.next().value);
    while (s.atOp(".") && (s.peek(1).kind === "word" || s.peek(1).kind === "quoted")) {
      s.next();
      parts.push(s.next().value);
    }
    return parts;
  }

  private close(openAt: number): void {
    const s = this.s;
    if (s.acceptOp(")")) return;
    throw s.errorAt(s.peek().start, `expected ')' to close '(' at position ${openAt}`);
  }
}

/** `(a JOIN b) AS x`: a relation list as a `SELECT *` query, so it can carry an alias. */
function wrapRelation(rel: RelationAst): QueryAst {
  const body: SelectAst = { kind: "select", distinct: false, items: [node({ kind: "star", qualifier: [] })], from: rel, where: null, groupBy: null, having: null, windows: [], hints: [] };
  return { kind: "query", ctes: [], body, orderBy: [], limit: null, offset: null };
}

function rollupSets(cols: readonly number[][]): number[][] {
  const out: number[][] = [];
  for (let n = cols.length; n >= 0; n--) out.push(cols.slice(0, n).flat());
  return out;
}

function cubeSets(cols: readonly number[][]): number[][] {
  const out: number[][] = [];
  const n = cols.length;
  // Spark's order: from the full set down, by bit mask over the columns (first column highest).
  for (let mask = (1 << n) - 1; mask >= 0; mask--) {
    const set: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << (n - 1 - i))) set.push(...cols[i]);
    out.push(set);
  }
  return out;
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}
