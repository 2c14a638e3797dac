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
import { readDataType } from "./ddl.js";
import { systemTimeZone } from "../columnar/time-zone.js";
import type {
  ColumnDef,
  CommonTableExpr,
  CreateTableStatement,
  GroupByAst,
  MergeClauseAst,
  TableTarget,
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
  "FOR",
  "WITH",
  "VALUES",
  "TABLESAMPLE",
  "QUALIFY",
  "SET",
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
    this.e = new ExpressionParser(this.s, CLAUSE_WORDS, () => this.query());
  }

  end(): void {
    while (this.s.acceptOp(";"));
    this.s.expectEnd();
  }

  statement(): Statement {
    const s = this.s;
    const w = s.peek().kind === "word" ? s.peek().upper : "";
    switch (w) {
      case "CREATE":
        return this.create();
      case "SET":
        return this.set();
      case "DROP":
        return this.drop();
      case "INSERT":
        return this.insert();
      case "TRUNCATE":
        s.next();
        s.expectWord("TABLE");
        return { kind: "truncate", name: this.qualifiedName("expected a table name") };
      case "DESC":
      case "DESCRIBE":
        return this.describe();
      case "SHOW":
        return this.show();
      case "ALTER":
        return this.alter();
      case "MERGE":
        return this.merge();
      case "UPDATE":
        return this.update();
      case "DELETE":
        return this.deleteFrom();
      case "OPTIMIZE": {
        s.next();
        const name = this.qualifiedName("expected a table name");
        const where = s.acceptWord("WHERE") ? this.e.expression() : null;
        if (s.atWord("ZORDER")) throw s.errorAt(s.peek().start, "OPTIMIZE … ZORDER BY is not supported");
        return { kind: "optimize", name, where };
      }
      case "VACUUM": {
        s.next();
        const name = this.qualifiedName("expected a table name");
        let retainHours: number | null = null;
        if (s.acceptWord("RETAIN")) {
          const t = s.next();
          retainHours = Number(t.value);
          if (t.kind !== "number" || Number.isNaN(retainHours)) throw s.errorAt(t.start, "expected a number of hours after RETAIN");
          s.expectWord("HOURS");
        }
        if (s.atWord("DRY")) throw s.errorAt(s.peek().start, "VACUUM … DRY RUN is not supported");
        return { kind: "vacuum", name, retainHours };
      }
      case "EXPLAIN": {
        s.next();
        let extended = false;
        if (s.acceptWord("EXTENDED") || s.acceptWord("FORMATTED") || s.acceptWord("COST") || s.acceptWord("CODEGEN")) extended = true;
        else s.acceptWord("LOGICAL");
        return { kind: "explain", extended, statement: this.statement() };
      }
      case "USE":
        s.next();
        if (s.atWord("DATABASE") || s.atWord("SCHEMA") || s.atWord("NAMESPACE")) s.next();
        return { kind: "use", database: this.qualifiedName("expected a database name").join(".") };
      default:
        break;
    }
    if (s.atWord("SELECT") || s.atWord("WITH") || s.atWord("VALUES") || s.atWord("TABLE") || s.atWord("FROM") || s.atOp("(")) {
      return { kind: "query", query: this.query() };
    }
    throw s.unexpected("expected a statement (SELECT, WITH, VALUES, CREATE, INSERT, MERGE, UPDATE, DELETE, DROP, DESCRIBE, SHOW, ALTER, SET, USE)");
  }

  private create(): Statement {
    const s = this.s;
    s.expectWord("CREATE");
    const replace = s.acceptWord("OR") ? (s.expectWord("REPLACE"), true) : false;
    if (s.atWord("GLOBAL") || s.atWord("TEMP") || s.atWord("TEMPORARY") || s.atWord("VIEW")) return this.createView(replace);
    if (s.acceptWord("DATABASE") || s.acceptWord("SCHEMA") || s.acceptWord("NAMESPACE")) {
      const ifNotExists = this.ifNotExists();
      const name = this.qualifiedName("expected a database name").join(".");
      let comment: string | null = null;
      let location: string | null = null;
      for (;;) {
        if (s.acceptWord("COMMENT")) comment = this.stringLiteral();
        else if (s.acceptWord("LOCATION")) location = this.stringLiteral();
        else if (s.atWord("WITH") && (s.atWord("DBPROPERTIES", 1) || s.atWord("PROPERTIES", 1))) {
          s.next();
          s.next();
          this.propertyList();
        } else break;
      }
      return { kind: "createDatabase", name, ifNotExists, comment, location };
    }
    s.acceptWord("EXTERNAL");
    s.expectWord("TABLE");
    const ifNotExists = this.ifNotExists();
    const name = this.qualifiedName("expected a table name");
    let columns: ColumnDef[] | null = null;
    if (s.atOp("(")) columns = this.columnDefs();
    let provider: string | null = null;
    let partitionedBy: string[] = [];
    let location: string | null = null;
    let comment: string | null = null;
    let properties: Record<string, string> = {};
    let options: Record<string, string> = {};
    let bucketing: CreateTableStatement["bucketing"] = null;
    for (;;) {
      if (s.acceptWord("USING")) provider = this.qualifiedName("expected a data source name after USING").join(".").toLowerCase();
      else if (s.atWord("STORED") && s.atWord("AS", 1)) {
        s.next();
        s.next();
        provider = this.qualifiedName("expected a file format after STORED AS").join(".").toLowerCase();
      } else if (s.atWord("PARTITIONED") && s.atWord("BY", 1)) {
        s.next();
        s.next();
        const open = s.expectOp("(");
        const cols: string[] = [];
        do {
          cols.push(this.e.identifier("expected a partition column"));
          // Hive's `PARTITIONED BY (c type)` adds the column to the schema.
          if (!s.atOp(",") && !s.atOp(")")) {
            const dataType = readDataType(s);
            columns = [...(columns ?? []), { name: cols[cols.length - 1], dataType, nullable: true, comment: null }];
          }
        } while (s.acceptOp(","));
        this.close(open.start);
        partitionedBy = cols;
      } else if (s.acceptWord("LOCATION")) location = this.stringLiteral();
      else if (s.acceptWord("COMMENT")) comment = this.stringLiteral();
      else if (s.acceptWord("TBLPROPERTIES")) properties = this.propertyList();
      else if (s.acceptWord("OPTIONS")) options = this.propertyList();
      else if (s.atWord("ROW") && s.atWord("FORMAT", 1)) {
        throw s.errorAt(s.peek().start, "ROW FORMAT is not supported; use USING csv with OPTIONS");
      } else if (s.atWord("CLUSTERED") && s.atWord("BY", 1)) {
        s.next();
        s.next();
        const columns = this.columnAliasList();
        const sortColumns: string[] = [];
        if (s.acceptWord("SORTED")) {
          s.expectWord("BY");
          const o = s.expectOp("(");
          do {
            sortColumns.push(this.e.identifier("expected a column name"));
            if (!s.acceptWord("ASC")) s.acceptWord("DESC");
          } while (s.acceptOp(","));
          this.close(o.start);
        }
        s.expectWord("INTO");
        const n = s.next();
        if (n.kind !== "number" || !/^\d+$/.test(n.value)) throw s.errorAt(n.start, "expected the number of buckets");
        s.expectWord("BUCKETS");
        bucketing = { columns, sortColumns, numBuckets: Number(n.value) };
      } else break;
    }
    let query: QueryAst | null = null;
    if (s.acceptWord("AS")) query = this.query();
    else if (s.atWord("SELECT") || s.atWord("WITH")) query = this.query();
    return { kind: "createTable", name, replace, ifNotExists, columns, provider, partitionedBy, location, comment, properties, options, query, bucketing };
  }

  private ifNotExists(): boolean {
    const s = this.s;
    if (!s.atWord("IF")) return false;
    s.next();
    s.expectWord("NOT");
    s.expectWord("EXISTS");
    return true;
  }

  private ifExists(): boolean {
    const s = this.s;
    if (!s.atWord("IF")) return false;
    s.next();
    s.expectWord("EXISTS");
    return true;
  }

  /** `(name type [NOT NULL] [COMMENT '…'], …)`. */
  private columnDefs(): ColumnDef[] {
    const s = this.s;
    const open = s.expectOp("(");
    const out: ColumnDef[] = [];
    do {
      const name = this.e.identifier("expected a column name");
      const dataType = readDataType(s);
      let nullable = true;
      let comment: string | null = null;
      let defaultSql: string | undefined;
      for (;;) {
        if (s.atWord("NOT") && s.atWord("NULL", 1)) {
          s.next();
          s.next();
          nullable = false;
        } else if (s.acceptWord("COMMENT")) comment = this.stringLiteral();
        else if (s.acceptWord("DEFAULT")) {
          // Kept as written, as Spark keeps it (CURRENT_DEFAULT); parsed here so a bad one fails now.
          const start = s.peek().start;
          this.e.expression();
          defaultSql = s.text.slice(start, s.peek().start).trim();
        } else if (s.atWord("GENERATED")) throw s.errorAt(s.peek().start, "generated columns are not supported");
        else break;
      }
      out.push({ name, dataType, nullable, comment, ...(defaultSql === undefined ? {} : { defaultSql }) });
    } while (s.acceptOp(","));
    this.close(open.start);
    return out;
  }

  /** `('k' = 'v', k.x 'v', …)`: keys may be strings or dotted names; `=` is optional. */
  private propertyList(): Record<string, string> {
    const s = this.s;
    const open = s.expectOp("(");
    const out: Record<string, string> = {};
    if (s.acceptOp(")")) return out;
    do {
      const key = s.peek().kind === "string" ? this.stringLiteral() : this.qualifiedName("expected a property key").join(".");
      s.acceptOp("=");
      const t = s.peek();
      let value: string;
      if (t.kind === "string") value = this.stringLiteral();
      else if (t.kind === "number" || t.kind === "word") value = s.next().value;
      else throw s.unexpected("expected a property value");
      out[key] = value;
    } while (s.acceptOp(","));
    this.close(open.start);
    return out;
  }

  private stringLiteral(): string {
    const t = this.s.peek();
    if (t.kind !== "string") throw this.s.unexpected("expected a string literal");
    this.s.next();
    return t.value;
  }

  private drop(): Statement {
    const s = this.s;
    s.expectWord("DROP");
    if (s.acceptWord("VIEW")) {
      const ifExists = this.ifExists();
      return { kind: "dropView", name: this.qualifiedName("expected a view name"), ifExists };
    }
    if (s.acceptWord("TABLE")) {
      const ifExists = this.ifExists();
      const name = this.qualifiedName("expected a table name");
      s.acceptWord("PURGE");
      return { kind: "dropTable", name, ifExists };
    }
    if (s.acceptWord("DATABASE") || s.acceptWord("SCHEMA") || s.acceptWord("NAMESPACE")) {
      const ifExists = this.ifExists();
      const name = this.qualifiedName("expected a database name").join(".");
      const cascade = s.acceptWord("CASCADE");
      s.acceptWord("RESTRICT");
      return { kind: "dropDatabase", name, ifExists, cascade };
    }
    throw s.unexpected("expected TABLE, VIEW or DATABASE after DROP");
  }

  private insert(): Statement {
    const s = this.s;
    s.expectWord("INSERT");
    let overwrite = false;
    if (s.acceptWord("OVERWRITE")) overwrite = true;
    else s.expectWord("INTO");
    s.acceptWord("TABLE");
    const table = this.qualifiedName("expected a table name");
    let partition: Record<string, Expr | null> | null = null;
    if (s.acceptWord("PARTITION")) {
      const open = s.expectOp("(");
      partition = {};
      do {
        const k = this.e.identifier("expected a partition column");
        partition[k] = s.acceptOp("=") ? this.e.expression() : null;
      } while (s.acceptOp(","));
      this.close(open.start);
    }
    if (s.atWord("IF") && s.atWord("NOT", 1)) this.ifNotExists();
    let columns: string[] | null = null;
    if (s.atOp("(") && !this.looksLikeQueryAt(1)) columns = this.columnAliasList();
    if (s.atWord("BY") && s.atWord("NAME", 1)) throw s.errorAt(s.peek().start, "INSERT … BY NAME is not supported");
    const query = this.query();
    return { kind: "insert", table, overwrite, columns, partition, query };
  }

  /** Whether a query starts `k` tokens ahead (after `(`…). */
  private looksLikeQueryAt(k: number): boolean {
    const s = this.s;
    let i = k;
    while (s.atOp("(", i)) i++;
    return s.atWord("SELECT", i) || s.atWord("WITH", i) || s.atWord("VALUES", i) || s.atWord("FROM", i) || s.atWord("TABLE", i);
  }

  private describe(): Statement {
    const s = this.s;
    s.next();
    const base = { name: null, query: null, column: null, limit: null };
    if (s.acceptWord("DETAIL")) return { kind: "describe", ...base, name: this.qualifiedName("expected a table name"), mode: "detail" };
    if (s.acceptWord("HISTORY")) {
      const name = this.qualifiedName("expected a table name");
      const limit = s.acceptWord("LIMIT") ? Number(s.next().value) : null;
      return { kind: "describe", ...base, name, mode: "history", limit };
    }
    if (s.acceptWord("DATABASE") || s.acceptWord("SCHEMA") || s.acceptWord("NAMESPACE")) {
      s.acceptWord("EXTENDED");
      return { kind: "describe", ...base, name: this.qualifiedName("expected a database name"), mode: "database" };
    }
    if (s.acceptWord("QUERY") || s.atWord("SELECT") || s.atWord("WITH") || s.atWord("VALUES")) {
      const start = s.peek().start;
      const query = this.query();
      const end = s.atEnd() || s.atOp(";") ? s.peek().start : s.peek().end;
      return { kind: "describe", ...base, query, queryText: s.text.slice(start, end).trim(), mode: "basic" };
    }
    s.acceptWord("TABLE");
    const mode = s.acceptWord("EXTENDED") || s.acceptWord("FORMATTED") ? "extended" : "basic";
    const name = this.qualifiedName("expected a table name");
    if (s.atWord("PARTITION")) throw s.errorAt(s.peek().start, "DESCRIBE … PARTITION is not supported");
    const column = s.atEnd() || s.atOp(";") ? null : this.qualifiedName("expected a column name").join(".");
    return { kind: "describe", ...base, name, mode, column };
  }

  private show(): Statement {
    const s = this.s;
    s.expectWord("SHOW");
    const base = { name: null, database: null, pattern: null, key: null };
    const inDatabase = (): string | null => (s.acceptWord("IN") || s.acceptWord("FROM") ? this.qualifiedName("expected a database name").join(".") : null);
    const likePattern = (): string | null => {
      s.acceptWord("LIKE");
      return s.peek().kind === "string" ? this.stringLiteral() : null;
    };
    if (s.atWord("TABLE") && s.atWord("EXTENDED", 1)) {
      s.next();
      s.next();
      const database = inDatabase();
      s.expectWord("LIKE");
      const pattern = this.stringLiteral();
      if (s.atWord("PARTITION")) throw s.errorAt(s.peek().start, "SHOW TABLE EXTENDED … PARTITION is not supported");
      return { kind: "show", ...base, what: "tableExtended", database, pattern };
    }
    if (s.acceptWord("TABLES")) {
      const database = inDatabase();
      return { kind: "show", ...base, what: "tables", database, pattern: likePattern() };
    }
    if (s.acceptWord("VIEWS")) {
      const database = inDatabase();
      return { kind: "show", ...base, what: "views", database, pattern: likePattern() };
    }
    if (s.acceptWord("DATABASES") || s.acceptWord("SCHEMAS") || s.acceptWord("NAMESPACES")) return { kind: "show", ...base, what: "databases", pattern: likePattern() };
    if (s.acceptWord("COLUMNS")) {
      if (!s.acceptWord("IN")) s.expectWord("FROM");
      const name = this.qualifiedName("expected a table name");
      const database = inDatabase();
      return { kind: "show", ...base, what: "columns", name, database };
    }
    if (s.acceptWord("TBLPROPERTIES")) {
      const name = this.qualifiedName("expected a table name");
      let key: string | null = null;
      if (s.atOp("(")) {
        const open = s.next();
        key = s.peek().kind === "string" ? this.stringLiteral() : this.qualifiedName("expected a property key").join(".");
        this.close(open.start);
      }
      return { kind: "show", ...base, what: "tblproperties", name, key };
    }
    if (s.acceptWord("CREATE")) {
      s.expectWord("TABLE");
      return { kind: "show", ...base, what: "createTable", name: this.qualifiedName("expected a table name") };
    }
    throw s.unexpected("expected TABLES, VIEWS, DATABASES, COLUMNS, TBLPROPERTIES or CREATE TABLE after SHOW");
  }

  private alter(): Statement {
    const s = this.s;
    s.expectWord("ALTER");
    s.expectWord("TABLE");
    const name = this.qualifiedName("expected a table name");
    if (s.acceptWord("ADD")) {
      if (s.atWord("IF") || s.atWord("PARTITION")) {
        const ifNotExists = this.ifNotExists();
        const partitions: Record<string, string>[] = [];
        while (s.acceptWord("PARTITION")) {
          partitions.push(this.partitionSpec());
          if (s.atWord("LOCATION")) throw s.errorAt(s.peek().start, "ALTER TABLE … ADD PARTITION … LOCATION is not supported");
        }
        if (partitions.length === 0) throw s.unexpected("expected PARTITION");
        return { kind: "alterTable", name, action: { kind: "addPartitions", partitions, ifNotExists } };
      }
      if (!s.acceptWord("COLUMNS")) s.expectWord("COLUMN");
      const columns = s.atOp("(") ? this.columnDefs() : [{ name: this.e.identifier("expected a column name"), dataType: readDataType(s), nullable: true, comment: null }];
      return { kind: "alterTable", name, action: { kind: "addColumns", columns } };
    }
    if (s.acceptWord("SET")) {
      s.expectWord("TBLPROPERTIES");
      return { kind: "alterTable", name, action: { kind: "setProperties", properties: this.propertyList() } };
    }
    if (s.acceptWord("UNSET")) {
      s.expectWord("TBLPROPERTIES");
      const ifExists = this.ifExists();
      return { kind: "alterTable", name, action: { kind: "unsetProperties", keys: this.propertyKeys(), ifExists } };
    }
    if (s.acceptWord("RENAME")) {
      s.expectWord("TO");
      return { kind: "alterTable", name, action: { kind: "rename", to: this.qualifiedName("expected the new table name") } };
    }
    throw s.unexpected("expected ADD COLUMNS, SET TBLPROPERTIES, UNSET TBLPROPERTIES or RENAME TO");
  }

  /** `(k = 'v', k2 = 1, …)`: a partition spec whose values are literals, kept as their text. */
  private partitionSpec(): Record<string, string> {
    const s = this.s;
    const open = s.expectOp("(");
    const spec: Record<string, string> = {};
    do {
      const k = this.e.identifier("expected a partition column");
      s.expectOp("=");
      const negative = s.acceptOp("-");
      const t = s.next();
      if (t.kind !== "string" && t.kind !== "number" && !(t.kind === "word" && !negative)) throw s.errorAt(t.start, "expected a literal partition value");
      spec[k] = `${negative ? "-" : ""}${t.value}`;
    } while (s.acceptOp(","));
    this.close(open.start);
    return spec;
  }

  /** `('k1', k2, …)` of UNSET TBLPROPERTIES. */
  private propertyKeys(): string[] {
    const s = this.s;
    const open = s.expectOp("(");
    const out: string[] = [];
    do out.push(s.peek().kind === "string" ? this.stringLiteral() : this.qualifiedName("expected a property key").join("."));
    while (s.acceptOp(","));
    this.close(open.start);
    return out;
  }

  /** A DML target: a table name (or path table) with an optional alias. */
  private tableTarget(): TableTarget {
    const name = this.qualifiedName("expected a table name");
    const { alias } = this.tableAlias();
    return { name, alias };
  }

  private merge(): Statement {
    const s = this.s;
    s.expectWord("MERGE");
    s.expectWord("INTO");
    const target = this.tableTarget();
    s.expectWord("USING");
    const source = this.relationPrimary();
    s.expectWord("ON");
    const condition = this.e.expression();
    const clauses: MergeClauseAst[] = [];
    while (s.acceptWord("WHEN")) {
      let when: MergeClauseAst["when"] = "matched";
      if (s.acceptWord("NOT")) {
        s.expectWord("MATCHED");
        when = "notMatched";
        if (s.acceptWord("BY")) {
          if (s.acceptWord("SOURCE")) when = "notMatchedBySource";
          else s.expectWord("TARGET");
        }
      } else s.expectWord("MATCHED");
      const cond = s.acceptWord("AND") ? this.e.expression() : null;
      s.expectWord("THEN");
      if (s.acceptWord("DELETE")) {
        clauses.push({ when, condition: cond, action: "delete", assignments: null });
      } else if (s.acceptWord("UPDATE")) {
        s.expectWord("SET");
        clauses.push({ when, condition: cond, action: "update", assignments: s.acceptOp("*") ? "*" : this.assignments() });
      } else if (s.acceptWord("INSERT")) {
        if (s.acceptOp("*")) clauses.push({ when, condition: cond, action: "insert", assignments: "*" });
        else {
          const cols = this.columnAliasList();
          s.expectWord("VALUES");
          const open = s.expectOp("(");
          const values: Expr[] = [];
          do values.push(this.e.expression());
          while (s.acceptOp(","));
          this.close(open.start);
          if (values.length !== cols.length) throw s.errorAt(open.start, `INSERT names ${cols.length} columns but gives ${values.length} values`);
          clauses.push({ when, condition: cond, action: "insert", assignments: cols.map((c, i) => [c, values[i]] as const) });
        }
      } else throw s.unexpected("expected UPDATE, DELETE or INSERT after THEN");
    }
    if (clauses.length === 0) throw s.unexpected("expected WHEN [NOT] MATCHED … THEN …");
    return { kind: "merge", target, source, condition, clauses };
  }

  /** `a = e, t.b = e2`: column → value. */
  private assignments(): [string, Expr][] {
    const s = this.s;
    const out: [string, Expr][] = [];
    do {
      const name = this.qualifiedName("expected a column name");
      s.expectOp("=");
      out.push([name.join("."), this.e.expression()]);
    } while (s.acceptOp(","));
    return out;
  }

  private update(): Statement {
    const s = this.s;
    s.expectWord("UPDATE");
    const target = this.tableTarget();
    s.expectWord("SET");
    const set = this.assignments();
    const where = s.acceptWord("WHERE") ? this.e.expression() : null;
    return { kind: "update", target, set, where };
  }

  private deleteFrom(): Statement {
    const s = this.s;
    s.expectWord("DELETE");
    s.expectWord("FROM");
    const target = this.tableTarget();
    const where = s.acceptWord("WHERE") ? this.e.expression() : null;
    return { kind: "delete", target, where };
  }

  private createView(replace: boolean): Statement {
    const s = this.s;
    const global = s.acceptWord("GLOBAL");
    const temporary = s.acceptWord("TEMP") || s.acceptWord("TEMPORARY") || global;
    s.expectWord("VIEW");
    const ifNotExists = this.ifNotExists();
    const name = this.qualifiedName("expected a view name");
    const scope = global ? "global" : "temp";
    // `(e INT, …)` declares a data source's schema; `(a, b)` names the query's columns.
    const typed = s.atOp("(") && !s.atOp(",", 2) && !s.atOp(")", 2) && !s.atWord("COMMENT", 2);
    if (typed) {
      const schema = this.columnDefs();
      return this.viewSource(name, replace, ifNotExists, scope, temporary, schema);
    }
    const columns = s.atOp("(") ? this.columnAliasList() : null;
    if (s.atWord("USING")) return this.viewSource(name, replace, ifNotExists, scope, temporary, null);
    let properties: Record<string, string> = {};
    for (;;) {
      if (s.acceptWord("COMMENT")) this.stringLiteral();
      else if (s.acceptWord("TBLPROPERTIES")) properties = this.propertyList();
      else break;
    }
    s.expectWord("AS");
    const start = s.peek().start;
    const query = this.query();
    const end = s.atEnd() || s.atOp(";") ? s.peek().start : s.peek().end;
    const queryText = s.text.slice(start, end).trim();
    return { kind: "createView", name, replace, ifNotExists, scope, temporary, columns, properties, query, queryText, source: null };
  }

  /** The `USING fmt [OPTIONS (…)]` rest of a temporary view over a data source. */
  private viewSource(name: string[], replace: boolean, ifNotExists: boolean, scope: "temp" | "global", temporary: boolean, schema: ColumnDef[] | null): Statement {
    const s = this.s;
    s.expectWord("USING");
    const provider = this.qualifiedName("expected a data source name after USING").join(".").toLowerCase();
    const options = s.acceptWord("OPTIONS") ? this.propertyList() : {};
    return { kind: "createView", name, replace, ifNotExists, scope, temporary, columns: null, properties: {}, query: null, source: { provider, schema, options } };
  }

  /** `SET`, `SET key`, `SET key = value` (the value is the rest of the text, trimmed). */
  private set(): Statement {
    const s = this.s;
    s.expectWord("SET");
    if (s.atEnd() || s.atOp(";")) return { kind: "set", key: null, value: null };
    if (s.atWord("TIME") && s.atWord("ZONE", 1)) return this.setTimeZone();
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

  /**
   * `SET TIME ZONE LOCAL | 'zone' | INTERVAL …`: the session time zone, as Spark's grammar has it. An
   * interval must be whole seconds within ±18 hours and is written as the offset (`+10:00`).
   */
  private setTimeZone(): Statement {
    const s = this.s;
    const start = s.peek().start;
    s.next();
    s.next();
    const key = "spark.sql.session.timeZone";
    let value: string;
    if (s.acceptWord("LOCAL")) value = systemTimeZone();
    else if (s.peek().kind === "string") value = s.next().value;
    else if (s.acceptWord("INTERVAL")) {
      const seconds = this.timeZoneInterval(start);
      if (seconds === null || Math.abs(seconds) > 18 * 3600) {
        throw s.errorAt(start, "[_LEGACY_ERROR_TEMP_0044] The interval value must be in the range of [-18, +18] hours with second precision");
      }
      value = offsetId(seconds);
    } else throw s.errorAt(start, "[_LEGACY_ERROR_TEMP_0045] Invalid time zone displacement value: SET TIME ZONE needs LOCAL, a zone id or an interval");
    if (!s.atEnd() && !s.atOp(";")) throw s.errorAt(start, "[_LEGACY_ERROR_TEMP_0045] Invalid time zone displacement value");
    return { kind: "set", key, value };
  }

  /** The seconds of `INTERVAL n HOUR[S] [m MINUTE[S]] …` or `INTERVAL 'h:m[:s]' HOUR TO MINUTE|SECOND`; null if not that. */
  private timeZoneInterval(start: number): number | null {
    const s = this.s;
    const unitSeconds: Readonly<Record<string, number>> = { HOUR: 3600, HOURS: 3600, MINUTE: 60, MINUTES: 60, SECOND: 1, SECONDS: 1 };
    if (s.peek().kind === "string") {
      const text = s.next().value.trim();
      s.expectWord("HOUR");
      s.expectWord("TO");
      const to = s.next().upper;
      const m = /^([+-])?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(text);
      if (m === null || (to !== "MINUTE" && to !== "SECOND") || (to === "MINUTE" && m[4] !== undefined)) return null;
      const total = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? "0");
      return m[1] === "-" ? -total : total;
    }
    let total = 0;
    let any = false;
    while (!s.atEnd() && !s.atOp(";") && (s.peek().kind === "number" || ((s.atOp("-") || s.atOp("+")) && s.peek(1).kind === "number"))) {
      const sign = s.acceptOp("-") ? -1 : (s.acceptOp("+"), 1);
      const n = sign * Number(s.next().value);
      const unit = unitSeconds[s.peek().upper];
      if (unit === undefined || !Number.isInteger(n)) return null;
      s.next();
      total += n * unit;
      any = true;
    }
    if (!any) throw s.errorAt(start, "[_LEGACY_ERROR_TEMP_0045] Invalid time zone displacement value");
    return total;
  }

  // --- queries ------------------------------------------------------------------------------

  query(): QueryAst {
    const s = this.s;
    const ctes: CommonTableExpr[] = [];
    if (s.acceptWord("WITH")) {
      s.acceptWord("RECURSIVE");
      do {
        const at = s.peek().start;
        const name = this.e.identifier("expected a name for the common table expression");
        if (ctes.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
          throw s.errorAt(at, `CTE definition can't have duplicate names: '${name}'`);
        }
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
      // `FROM t SELECT … SELECT …`: Spark unions the selects over the one FROM clause (UNION ALL).
      let body: QueryBody = this.select(from);
      while (s.atWord("SELECT")) body = { kind: "setOp", op: "union", all: true, left: body, right: this.select(from) };
      return body;
    }
    if (s.atWord("VALUES")) {
      const values = this.values();
      const { alias, columnAliases } = this.tableAlias();
      return alias === null ? values : { kind: "tableBody", relation: { kind: "valuesRelation", values, alias, columnAliases } };
    }
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
      const f = this.groupingElement(indexOf);
      if (f.plain) factors.push([f.sets[0]]);
      else {
        plain = false;
        factors.push(f.sets);
      }
    } while (s.acceptOp(","));
    if (s.atWord("WITH") && (s.atWord("ROLLUP", 1) || s.atWord("CUBE", 1))) {
      s.next();
      const kind = s.next().upper;
      const cols = factors.map((f) => f[0]);
      return { exprs, sets: kind === "ROLLUP" ? rollupSets(cols) : cubeSets(cols), all: false };
    }
    if (plain && s.atWord("GROUPING") && s.atWord("SETS", 1)) {
      // Hive's `GROUP BY a, b GROUPING SETS (…)`: the list names the columns, the sets are these.
      return { exprs, sets: this.groupingElement(indexOf).sets, all: false };
    }
    if (plain) return { exprs, sets: null, all: false };
    let sets: number[][] = [[]];
    for (const f of factors) sets = sets.flatMap((x) => f.map((y) => [...x, ...y.filter((i) => !x.includes(i))]));
    return { exprs, sets, all: false };
  }

  /**
   * One GROUP BY element as its grouping sets: an expression (one set, `plain`), `GROUPING SETS
   * (…)` (the sets of its elements, nested ones included), `ROLLUP (…)` or `CUBE (…)` over column
   * groups.
   */
  private groupingElement(indexOf: (e: Expr) => number): { sets: number[][]; plain: boolean } {
    const s = this.s;
    if (s.atWord("GROUPING") && s.atWord("SETS", 1)) {
      s.next();
      s.next();
      const open = s.expectOp("(", " after GROUPING SETS");
      const sets: number[][] = [];
      do {
        if ((s.atWord("GROUPING") && s.atWord("SETS", 1)) || ((s.atWord("ROLLUP") || s.atWord("CUBE")) && s.atOp("(", 1))) sets.push(...this.groupingElement(indexOf).sets);
        else sets.push(this.groupingSet(indexOf));
      } while (s.acceptOp(","));
      this.close(open.start);
      return { sets, plain: false };
    }
    if ((s.atWord("ROLLUP") || s.atWord("CUBE")) && s.atOp("(", 1)) {
      const kind = s.next().upper;
      const open = s.expectOp("(");
      const cols: number[][] = [];
      do {
        const at = s.peek().start;
        const set = this.groupingSet(indexOf);
        // Spark's parser refuses `()` inside ROLLUP and CUBE (only GROUPING SETS takes it).
        if (set.length === 0) throw s.errorAt(at, `Empty set in ${kind} grouping sets is not supported`);
        cols.push(set);
      } while (s.acceptOp(","));
      this.close(open.start);
      return { sets: kind === "ROLLUP" ? rollupSets(cols) : cubeSets(cols), plain: false };
    }
    return { sets: [[indexOf(this.e.expression())]], plain: true };
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

  /** `a, b JOIN c ON …, …`: comma-separated relations are cross joined; then PIVOT / UNPIVOT. */
  private relations(): RelationAst {
    let left = this.relation();
    while (this.s.acceptOp(",")) left = { kind: "join", left, right: this.relation(), joinType: "cross", condition: null, using: null, natural: false };
    left = this.lateralViews(left);
    if (this.s.atWord("PIVOT") && this.s.atOp("(", 1)) left = this.pivot(left);
    else if (this.s.atWord("UNPIVOT")) left = this.unpivot(left);
    return left;
  }

  private pivot(child: RelationAst): RelationAst {
    const s = this.s;
    s.expectWord("PIVOT");
    const open = s.expectOp("(");
    const aggregates: Expr[] = [];
    do aggregates.push(this.e.namedExpression());
    while (s.acceptOp(","));
    s.expectWord("FOR");
    const columns: Expr[] = [];
    if (s.atOp("(")) {
      const o = s.next();
      do columns.push(this.e.valueExpression());
      while (s.acceptOp(","));
      this.close(o.start);
    } else columns.push(this.e.valueExpression());
    s.expectWord("IN");
    const vo = s.expectOp("(");
    const values: { exprs: Expr[]; alias: string | null }[] = [];
    do {
      let exprs: Expr[];
      if (columns.length > 1 && s.atOp("(")) {
        const o = s.next();
        exprs = [];
        do exprs.push(this.e.expression());
        while (s.acceptOp(","));
        this.close(o.start);
      } else exprs = [this.e.expression()];
      const alias = s.acceptWord("AS") ? this.e.identifier("expected an alias") : this.e.isIdentifierAt(0) ? this.e.identifier("expected an alias") : null;
      values.push({ exprs, alias });
    } while (s.acceptOp(","));
    this.close(vo.start);
    this.close(open.start);
    const { alias } = this.tableAlias();
    return { kind: "pivot", child, aggregates, columns, values, alias };
  }

  private unpivot(child: RelationAst): RelationAst {
    const s = this.s;
    s.expectWord("UNPIVOT");
    let includeNulls = false;
    if (s.acceptWord("INCLUDE")) {
      s.expectWord("NULLS");
      includeNulls = true;
    } else if (s.acceptWord("EXCLUDE")) s.expectWord("NULLS");
    const open = s.expectOp("(");
    const valueColumns = s.atOp("(") ? this.columnAliasList() : [this.e.identifier("expected the value column's name")];
    s.expectWord("FOR");
    const nameColumn = this.e.identifier("expected the name column's name");
    s.expectWord("IN");
    const io = s.expectOp("(");
    const columns: { names: string[][]; alias: string | null }[] = [];
    do {
      const names: string[][] = [];
      if (s.atOp("(")) {
        const o = s.next();
        do names.push(this.qualifiedName("expected a column"));
        while (s.acceptOp(","));
        this.close(o.start);
      } else names.push(this.qualifiedName("expected a column"));
      let alias: string | null = null;
      if (s.acceptWord("AS")) alias = s.peek().kind === "string" ? this.stringLiteral() : this.e.identifier("expected an alias");
      else if (s.peek().kind === "string") alias = this.stringLiteral();
      else if (this.e.isIdentifierAt(0)) alias = this.e.identifier("expected an alias");
      columns.push({ names, alias });
    } while (s.acceptOp(","));
    this.close(io.start);
    this.close(open.start);
    const { alias } = this.tableAlias();
    return { kind: "unpivot", child, includeNulls, valueColumns, nameColumn, columns, alias };
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
    if (s.atWord("LATERAL") && s.atOp("(", 1)) {
      s.next();
      const open = s.next();
      const query = this.query();
      this.close(open.start);
      const { alias, columnAliases } = this.tableAlias();
      return { kind: "subquery", query, alias, columnAliases, lateral: true };
    }
    // `LATERAL explode(c) t(x)`: a table-valued (generator) function over the relations to its left.
    const lateral = s.atWord("LATERAL") && s.peek(1).kind === "word" && s.atOp("(", 2);
    if (lateral) s.next();
    const start = s.peek();
    const name = this.qualifiedName("expected a table name, a subquery or VALUES");
    if (name.length === 1 && s.atOp("(") && start.kind === "word") {
      const open = s.next();
      let args: Expr[] = [];
      const named: { name: string; value: Expr; at: number }[] = [];
      if (!s.atOp(")")) {
        do {
          const t = s.peek();
          if ((t.kind === "word" || t.kind === "quoted") && s.atOp("=>", 1)) {
            s.next();
            s.next();
            named.push({ name: t.value, value: this.e.namedExpression(), at: t.start });
          } else args.push(this.e.namedExpression());
        } while (s.acceptOp(","));
      }
      if (named.length > 0) args = this.e.withNamedArguments(name[0].toLowerCase(), args, named, start.start);
      this.close(open.start);
      const { alias, columnAliases } = this.tableAlias();
      return { kind: "function", name: name[0].toLowerCase(), args, alias, columnAliases, ...(lateral ? { lateral } : {}) };
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

/** `+hh:mm[:ss]` of an offset in seconds, as java.time's ZoneOffset prints it (`Z` for zero). */
function offsetId(seconds: number): string {
  if (seconds === 0) return "Z";
  const a = Math.abs(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  const secs = a % 60 === 0 ? "" : `:${two(a % 60)}`;
  return `${seconds < 0 ? "-" : "+"}${two(Math.floor(a / 3600))}:${two(Math.floor(a / 60) % 60)}${secs}`;
}
