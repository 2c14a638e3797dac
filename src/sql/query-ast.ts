/**
 * Unresolved SQL statements and queries, as `spark.sql(text)` parses them (`query-parser.ts`).
 * Names of tables and views are not looked up yet and columns are the unresolved {@link Expr}
 * tree; `plan/sql-planner.ts` turns a query into a logical plan against the session's catalog.
 *
 * Every node is a plain frozen object with a `kind` discriminant.
 */
import type { Expr, SortOrderExpr, WindowSpec } from "./expression.js";
import type { DataType } from "../types/data-types.js";

/** A join type as SQL writes it (normalized like `DataFrame.join`'s `how`). */
export type SqlJoinType = "inner" | "cross" | "left" | "right" | "full" | "left_semi" | "left_anti";

/** `WITH name [(cols)] AS (query)`. */
export interface CommonTableExpr {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly query: QueryAst;
}

/** A whole query: a body with the clauses that apply to its result. */
export interface QueryAst {
  readonly kind: "query";
  readonly ctes: readonly CommonTableExpr[];
  readonly body: QueryBody;
  readonly orderBy: readonly SortOrderExpr[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

export type QueryBody = SelectAst | SetOpAst | ValuesAst | QueryAst | TableBody;

/** `TABLE t` as a query body, or a parenthesized relation used as one. */
export interface TableBody {
  readonly kind: "tableBody";
  readonly relation: RelationAst;
}

/** `GROUP BY` in any of its forms; `sets` lists the grouping sets (by index into `exprs`). */
export interface GroupByAst {
  readonly exprs: readonly Expr[];
  /** Null for a plain GROUP BY; else each grouping set as indexes into `exprs`. */
  readonly sets: readonly (readonly number[])[] | null;
  /** `GROUP BY ALL`. */
  readonly all: boolean;
}

/** `WINDOW w AS (…)` definitions, by name. */
export interface NamedWindow {
  readonly name: string;
  readonly spec: WindowSpec;
}

export interface SelectAst {
  readonly kind: "select";
  readonly distinct: boolean;
  /** Named expressions (`alias` nodes where aliased), stars included. */
  readonly items: readonly Expr[];
  readonly from: RelationAst | null;
  readonly where: Expr | null;
  readonly groupBy: GroupByAst | null;
  readonly having: Expr | null;
  readonly windows: readonly NamedWindow[];
  /** Hints (`/*+ BROADCAST(t) *\/`) are accepted and ignored; kept for explain. */
  readonly hints: readonly string[];
}

export interface SetOpAst {
  readonly kind: "setOp";
  readonly op: "union" | "intersect" | "except";
  readonly all: boolean;
  /** `UNION BY NAME` is not in Spark 3.5; always false. */
  readonly left: QueryBody;
  readonly right: QueryBody;
}

/** `VALUES (…), (…)` (an inline table). */
export interface ValuesAst {
  readonly kind: "values";
  readonly rows: readonly (readonly Expr[])[];
}

export type RelationAst = TableRef | SubqueryRelation | JoinRelation | ValuesRelation | FunctionRelation | LateralViewRelation | PivotRelation | UnpivotRelation;

/** `… PIVOT (agg [AS a], … FOR col | (c1, c2) IN (value [AS v], (v1, v2) [AS v], …))`. */
export interface PivotRelation {
  readonly kind: "pivot";
  readonly child: RelationAst;
  /** Aggregate expressions, `alias` nodes where named. */
  readonly aggregates: readonly Expr[];
  readonly columns: readonly Expr[];
  readonly values: readonly { readonly exprs: readonly Expr[]; readonly alias: string | null }[];
  readonly alias: string | null;
}

/** `… UNPIVOT [INCLUDE|EXCLUDE NULLS] (value(s) FOR name IN (col [AS a], (c1, c2) [AS a], …))`. */
export interface UnpivotRelation {
  readonly kind: "unpivot";
  readonly child: RelationAst;
  readonly includeNulls: boolean;
  readonly valueColumns: readonly string[];
  readonly nameColumn: string;
  readonly columns: readonly { readonly names: readonly (readonly string[])[]; readonly alias: string | null }[];
  readonly alias: string | null;
}

/** A table or view by (possibly qualified) name; ``delta.`/path` `` names a path table. */
export interface TableRef {
  readonly kind: "table";
  readonly name: readonly string[];
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
}

export interface SubqueryRelation {
  readonly kind: "subquery";
  readonly query: QueryAst;
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
  /** `LATERAL (…)`: the subquery may name columns of the relations to its left. */
  readonly lateral?: boolean;
}

export interface ValuesRelation {
  readonly kind: "valuesRelation";
  readonly values: ValuesAst;
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
}

/** A table-valued function in FROM: `range(10)`, `explode(array(1, 2))`. */
export interface FunctionRelation {
  readonly kind: "function";
  readonly name: string;
  readonly args: readonly Expr[];
  readonly alias: string | null;
  readonly columnAliases: readonly string[] | null;
  /** `LATERAL f(…)`: a generator whose arguments may name columns of the relations to its left. */
  readonly lateral?: boolean;
}

export interface JoinRelation {
  readonly kind: "join";
  readonly left: RelationAst;
  readonly right: RelationAst;
  readonly joinType: SqlJoinType;
  readonly condition: Expr | null;
  readonly using: readonly string[] | null;
  readonly natural: boolean;
}

/** `… LATERAL VIEW [OUTER] generator(args) alias AS col, …`. */
export interface LateralViewRelation {
  readonly kind: "lateralView";
  readonly child: RelationAst;
  readonly generator: Expr;
  readonly outer: boolean;
  readonly alias: string | null;
  readonly columns: readonly string[];
}

/** A column definition of CREATE TABLE / ALTER TABLE ADD COLUMNS. */
export interface ColumnDef {
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly comment: string | null;
  /** `DEFAULT expr`: the expression's text as written (Spark's CURRENT_DEFAULT), or absent. */
  readonly defaultSql?: string;
}

/** CREATE [OR REPLACE] [EXTERNAL] TABLE … [USING fmt] [PARTITIONED BY] [LOCATION] [TBLPROPERTIES] [AS query]. */
export interface CreateTableStatement {
  readonly kind: "createTable";
  readonly name: readonly string[];
  readonly replace: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[] | null;
  /** USING / STORED AS, lower case; null → Spark's default (parquet). */
  readonly provider: string | null;
  readonly partitionedBy: readonly string[];
  readonly location: string | null;
  readonly comment: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly query: QueryAst | null;
  /** `CLUSTERED BY (…) [SORTED BY (…)] INTO n BUCKETS`: recorded, not applied to the files. */
  readonly bucketing: { readonly columns: readonly string[]; readonly sortColumns: readonly string[]; readonly numBuckets: number } | null;
}

/** A MERGE clause: `WHEN [NOT] MATCHED [BY SOURCE|TARGET] [AND cond] THEN action`. */
export interface MergeClauseAst {
  readonly when: "matched" | "notMatched" | "notMatchedBySource";
  readonly condition: Expr | null;
  readonly action: "update" | "delete" | "insert";
  /** `*` (UPDATE SET * / INSERT *), else column → value; null for DELETE. */
  readonly assignments: "*" | readonly (readonly [string, Expr])[] | null;
}

/** The name of a table or a path table (``delta.`/path` ``), with an optional alias. */
export interface TableTarget {
  readonly name: readonly string[];
  readonly alias: string | null;
}

export type Statement =
  | { readonly kind: "query"; readonly query: QueryAst }
  | CreateTableStatement
  | {
      readonly kind: "insert";
      readonly table: readonly string[];
      readonly overwrite: boolean;
      readonly columns: readonly string[] | null;
      readonly partition: Readonly<Record<string, Expr | null>> | null;
      readonly query: QueryAst;
    }
  | { readonly kind: "dropTable"; readonly name: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: "truncate"; readonly name: readonly string[] }
  | {
      readonly kind: "describe";
      readonly name: readonly string[] | null;
      readonly query: QueryAst | null;
      /** The text of `query` as written (EXPLAIN prints it), or null. */
      readonly queryText?: string;
      readonly mode: "basic" | "extended" | "detail" | "history" | "database";
      readonly column: string | null;
      readonly limit: number | null;
    }
  | {
      readonly kind: "show";
      readonly what: "tables" | "tableExtended" | "views" | "columns" | "tblproperties" | "databases" | "createTable" | "functions";
      readonly name: readonly string[] | null;
      readonly database: string | null;
      readonly pattern: string | null;
      readonly key: string | null;
    }
  | {
      readonly kind: "alterTable";
      readonly name: readonly string[];
      readonly action:
        | { readonly kind: "addColumns"; readonly columns: readonly ColumnDef[] }
        | { readonly kind: "setProperties"; readonly properties: Readonly<Record<string, string>> }
        | { readonly kind: "unsetProperties"; readonly keys: readonly string[]; readonly ifExists: boolean }
        | { readonly kind: "rename"; readonly to: readonly string[] }
        /** ADD [IF NOT EXISTS] PARTITION (k = v, …) …: each spec's values as text. */
        | { readonly kind: "addPartitions"; readonly partitions: readonly Readonly<Record<string, string>>[]; readonly ifNotExists: boolean };
    }
  | {
      readonly kind: "merge";
      readonly target: TableTarget;
      readonly source: RelationAst;
      readonly condition: Expr;
      readonly clauses: readonly MergeClauseAst[];
    }
  | { readonly kind: "update"; readonly target: TableTarget; readonly set: readonly (readonly [string, Expr])[]; readonly where: Expr | null }
  | { readonly kind: "delete"; readonly target: TableTarget; readonly where: Expr | null }
  | { readonly kind: "optimize"; readonly name: readonly string[]; readonly where: Expr | null }
  | { readonly kind: "vacuum"; readonly name: readonly string[]; readonly retainHours: number | null }
  | { readonly kind: "use"; readonly database: string }
  | { readonly kind: "explain"; readonly extended: boolean; readonly statement: Statement }
  | { readonly kind: "createDatabase"; readonly name: string; readonly ifNotExists: boolean; readonly comment: string | null; readonly location: string | null }
  | { readonly kind: "dropDatabase"; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  | {
      readonly kind: "createView";
      readonly name: readonly string[];
      readonly replace: boolean;
      readonly ifNotExists: boolean;
      /** "temp" for TEMP(ORARY) VIEW, "global" for GLOBAL TEMP VIEW. */
      readonly scope: "temp" | "global";
      /** Whether TEMP(ORARY) was written: a plain CREATE VIEW is kept as a temp view that has catalog metadata. */
      readonly temporary: boolean;
      readonly columns: readonly string[] | null;
      /** TBLPROPERTIES of the view. */
      readonly properties: Readonly<Record<string, string>>;
      /** The query (`AS query`), or null when the view reads a data source (`USING fmt`). */
      readonly query: QueryAst | null;
      /** The query's text as written (DESCRIBE EXTENDED's `View Text`); absent for a data source view. */
      readonly queryText?: string;
      /** `CREATE TEMP VIEW v [(col type, …)] USING fmt [OPTIONS (…)]`: a view over a data source. */
      readonly source: { readonly provider: string; readonly schema: readonly ColumnDef[] | null; readonly options: Readonly<Record<string, string>> } | null;
    }
  | { readonly kind: "set"; readonly key: string | null; readonly value: string | null }
  | { readonly kind: "dropView"; readonly name: readonly string[]; readonly ifExists: boolean };
