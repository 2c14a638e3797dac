/**
 * `spark.sql(text)`: parses one statement, runs session statements (temp views, SET) at once, and
 * returns queries as DataFrames over the session's catalog. A query over a streaming temp view is
 * a streaming DataFrame, as in Spark.
 *
 * Names in FROM resolve in this order: a common table expression of the query; a temp view (or a
 * memory sink's table); ``global_temp.name`` (global temp views); a path table
 * ``format.`path` `` (delta, parquet, json, csv, text); then the configured data catalog
 * (`spark.read.table`).
 */
import { AnalysisError } from "../errors.js";
import { runCommand } from "./sql-commands.js";
import { parseStatement } from "../sql/query-parser.js";
import type { Statement } from "../sql/query-ast.js";
import { planQuery, type SqlCatalog } from "../plan/sql-planner.js";
import type { LogicalPlan } from "../plan/logical.js";
import { analyzePlan } from "../plan/analyze.js";
import { explainString } from "../plan/explain.js";
import { StructField, StructType } from "../types/data-types.js";
import { DataFrame } from "./dataframe.js";
import type { SparkSession } from "./session.js";


/** Runs one SQL statement. @throws ParseError on bad syntax, AnalysisError on bad names or types. */
export function runSql(session: SparkSession, text: string): DataFrame {
  const st = parseStatement(text);
  return execute(session, st);
}

function execute(session: SparkSession, st: Statement): DataFrame {
  switch (st.kind) {
    case "query":
      return dataFrameOf(session, planQuery(st.query, sessionCatalog(session)));
    case "createView": {
      if (st.name.length > 1 && !(st.scope === "global" && st.name.length === 2 && st.name[0].toLowerCase() === "global_temp")) {
        throw new AnalysisError(`analysis: a temporary view name cannot be qualified: ${st.name.join(".")}`);
      }
      const name = st.name[st.name.length - 1];
      const exists = st.scope === "global" ? session.catalog.hasGlobalView(name) : session.catalog.hasView(name);
      if (exists && st.ifNotExists) return emptyResult(session);
      if (exists && !st.replace) throw new AnalysisError(`analysis: temporary view '${name}' already exists; use CREATE OR REPLACE TEMP VIEW`);
      if (st.query === null) {
        const df = viewSource(session, name, st.source);
        if (st.scope === "global") session.catalog.registerGlobalTempView(name, df);
        else session.catalog.registerTempView(name, df);
        return emptyResult(session);
      }
      let plan = planQuery(st.query, sessionCatalog(session));
      const fields = analyzePlan(plan).schema.fields;
      const queryColumns = fields.map((f) => f.name);
      if (st.columns !== null) {
        if (fields.length !== st.columns.length) {
          throw new AnalysisError(`analysis: view '${name}' has ${fields.length} columns but ${st.columns.length} column names were given`);
        }
        plan = { kind: "project", child: plan, exprs: st.columns.map((c, i) => ({ kind: "alias", name: c, child: { kind: "ordinal", ordinal: i, name: fields[i].name } })) };
      }
      const df = dataFrameOf(session, plan);
      if (st.scope === "global") session.catalog.registerGlobalTempView(name, df);
      else if (st.temporary) session.catalog.registerTempView(name, df);
      else session.catalog.registerTempView(name, df, { database: session.tables.currentDatabase, properties: st.properties, text: st.queryText, queryColumns });
      return emptyResult(session);
    }
    case "dropView": {
      const name = st.name[st.name.length - 1];
      const global = st.name.length === 2 && st.name[0].toLowerCase() === "global_temp";
      const dropped = global ? session.catalog.dropGlobalTempView(name) : session.catalog.dropTempView(name);
      if (!dropped && !st.ifExists) throw new AnalysisError(`analysis: view not found: ${st.name.join(".")}`);
      return emptyResult(session);
    }
    case "createTable":
    case "insert":
    case "dropTable":
    case "truncate":
    case "describe":
    case "show":
    case "alterTable":
    case "merge":
    case "update":
    case "delete":
    case "optimize":
    case "vacuum":
    case "use":
    case "createDatabase":
    case "dropDatabase":
      return runCommand(session, st, sessionCatalog(session));
    case "explain": {
      // The plan of a query (or of a statement's query) as one `plan` row, as Spark returns it.
      const inner0 = st.statement;
      if (inner0.kind === "describe" && inner0.queryText !== undefined) {
        return session.createDataFrame([{ plan: describeQueryExplain(inner0.queryText, st.extended) }], "plan STRING");
      }
      const inner = st.statement.kind === "query" ? dataFrameOf(session, planQuery(st.statement.query, sessionCatalog(session))) : null;
      if (inner === null) throw new AnalysisError(`analysis: EXPLAIN of a ${st.statement.kind} statement is not supported; EXPLAIN a query`);
      return session.createDataFrame([{ plan: explainString(inner.resolved, st.extended) }], "plan STRING");
    }
    case "set": {
      if (st.key === null) {
        const all = session.conf.getAll();
        return session.createDataFrame(Object.keys(all).sort().map((key) => ({ key, value: all[key] })), "key STRING, value STRING");
      }
      if (st.value !== null) session.conf.set(st.key, st.value);
      return session.createDataFrame([{ key: st.key, value: session.conf.get(st.key) ?? "<undefined>" }], "key STRING, value STRING");
    }
  }
}

/** EXPLAIN of DESCRIBE QUERY: Spark's plan of the DescribeQueryCommand, which prints the query's text. */
function describeQueryExplain(text: string, extended: boolean): string {
  const command = `DescribeQueryCommand ${text}`;
  const physical = `== Physical Plan ==\nExecute DescribeQueryCommand\n   +- ${command}\n`;
  if (!extended) return physical;
  return [
    `== Parsed Logical Plan ==\n${command}`,
    `== Analyzed Logical Plan ==\ncol_name: string, data_type: string, comment: string\n${command}`,
    `== Optimized Logical Plan ==\n${command}`,
    physical,
  ].join("\n\n");
}

type ViewSource = Extract<Statement, { kind: "createView" }>["source"];

/**
 * The data a `CREATE TEMP VIEW … USING fmt` view reads: the source at its `path` option, or, with no
 * path, no rows of the declared schema (Spark lists no files then).
 */
function viewSource(session: SparkSession, name: string, source: ViewSource): DataFrame {
  if (source === null) throw new AnalysisError(`analysis: view '${name}' has neither a query nor a data source`);
  const schema = source.schema === null ? null : StructType(source.schema.map((c) => StructField(c.name, c.dataType, c.nullable, c.comment === null ? undefined : { comment: c.comment })));
  const path = Object.entries(source.options).find(([k]) => k.toLowerCase() === "path")?.[1];
  if (path === undefined) {
    if (schema === null) throw new AnalysisError(`analysis: [UNABLE_TO_INFER_SCHEMA] Unable to infer schema for ${source.provider}. It must be specified manually.`);
    return dataFrameOf(session, { kind: "localRelation", schema, batches: [], isStreaming: false });
  }
  const reader = session.read.format(source.provider).options(Object.fromEntries(Object.entries(source.options).filter(([k]) => k.toLowerCase() !== "path")));
  return (schema === null ? reader : reader.schema(schema)).load(path);
}

function sessionCatalog(session: SparkSession): SqlCatalog {
  return {
    conf: (key) => session.conf.get(key),
    relation: (name) => session.relation(name).logicalPlan,
  };
}

function dataFrameOf(session: SparkSession, plan: LogicalPlan): DataFrame {
  return new DataFrame(session, plan, analyzePlan(plan));
}

/** What DDL statements return: an empty DataFrame with no columns. */
function emptyResult(session: SparkSession): DataFrame {
  return dataFrameOf(session, { kind: "localRelation", schema: StructType([]), batches: [], isStreaming: false });
}
