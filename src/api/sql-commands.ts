/**
 * The statements of `spark.sql` that are not queries: tables and databases of the warehouse
 * catalog (CREATE / DROP / ALTER TABLE, CREATE / DROP DATABASE, USE), writes (INSERT INTO /
 * OVERWRITE, CTAS, TRUNCATE), Delta's MERGE INTO / UPDATE / DELETE / OPTIMIZE / VACUUM /
 * DESCRIBE HISTORY, and DESCRIBE / SHOW.
 *
 * Catalog changes take effect when the statement runs. Statements that move data start at once
 * and run in the background, in order (`SparkSession.startCommand`): their DataFrame's actions
 * await them, and so does every later action of the session, so reads see earlier writes.
 */
import { AnalysisError } from "../errors.js";
import type { ColumnDef, CreateTableStatement, MergeClauseAst, QueryAst, RelationAst, Statement, TableTarget } from "../sql/query-ast.js";
import { node, type Expr } from "../sql/expression.js";
import { parseExpression } from "../sql/parser.js";
import { planQuery, type SqlCatalog } from "../plan/sql-planner.js";
import { analyzePlan, childrenOfResolved, type ResolvedPlan } from "../plan/analyze.js";
import type { LogicalPlan } from "../plan/logical.js";
import { exprSql } from "../plan/expressions/bind.js";
import { batchFromRows } from "../columnar/build.js";
import type { Batch } from "../columnar/batch.js";
import { BooleanType, StringType, StructField, StructType, findIntervalField, type DataType } from "../types/data-types.js";
import { quoteIfNeeded, simpleString, sqlTypeName, treeString } from "../types/print-schema.js";
import { isTableFormat, WAREHOUSE_FORMATS, type WarehouseFormat, type WarehouseTable } from "../catalog/warehouse/warehouse-catalog.js";
import { fileUrlOf, resolveLocation } from "../storage/resolve.js";
import { Column } from "./column.js";
import { DataFrame } from "./dataframe.js";
import { DeltaTable, MERGE_RESULT_SCHEMA, OPTIMIZE_RESULT_SCHEMA, VACUUM_RESULT_SCHEMA } from "./delta-table.js";
import { HISTORY_SCHEMA } from "../tables/delta/history.js";
import { alterTableProperties } from "../tables/delta/alter-properties.js";
import { loadTableSnapshot } from "../tables/delta/delta-describe.js";
import { DETAIL_SCHEMA, describeDetail } from "../tables/delta/detail.js";
import { isPathTable, storedOptions, type TableTargetRef } from "./session-tables.js";
import type { SparkSession } from "./session.js";

type Command = Exclude<Statement, { kind: "query" | "createView" | "dropView" | "set" | "explain" }>;

/** Runs a non-query statement; returns its result (empty for most). */
export function runCommand(session: SparkSession, st: Command, catalog: SqlCatalog): DataFrame {
  switch (st.kind) {
    case "createTable":
      return createTable(session, st, catalog);
    case "insert":
      return insert(session, st.table, st.overwrite, st.columns, st.partition, st.query, catalog);
    case "dropTable":
      return dropTable(session, st.name, st.ifExists);
    case "truncate": {
      const ref = requireTable(session, st.name);
      const empty = DataFrame.of(session, { kind: "localRelation", schema: tableSchema(session, ref), batches: [], isStreaming: false });
      return deferred(session, `TruncateTable ${ref.display}`, emptySchema(), async () => {
        await writeInto(ref, empty, "overwrite");
        return [];
      });
    }
    case "describe":
      return describe(session, st, catalog);
    case "show":
      return show(session, st);
    case "alterTable":
      return alterTable(session, st);
    case "merge":
      return merge(session, st.target, st.source, st.condition, st.clauses, catalog);
    case "update":
      return updateOrDelete(session, st.target, st.where, st.set, "UPDATE");
    case "delete":
      return updateOrDelete(session, st.target, st.where, null, "DELETE");
    case "optimize": {
      const dt = deltaTableOf(session, st.name, "OPTIMIZE");
      const where = st.where === null ? null : exprSql(st.where);
      return deferredFrame(session, `Optimize ${st.name.join(".")}`, OPTIMIZE_RESULT_SCHEMA, async () => (where === null ? dt.optimize() : dt.optimize().where(where)).executeCompaction());
    }
    case "vacuum": {
      const dt = deltaTableOf(session, st.name, "VACUUM");
      return deferredFrame(session, `Vacuum ${st.name.join(".")}`, VACUUM_RESULT_SCHEMA, async () => dt.vacuum(st.retainHours ?? undefined));
    }
    case "use": {
      session.catalog.setCurrentDatabase(st.database);
      return emptyFrame(session);
    }
    case "createDatabase":
      catalogChange(session, "CreateDatabase", () => session.tables.client().createDatabase(st.name, st.ifNotExists, st.comment, st.location), () =>
        session.tables.catalog().createDatabase(st.name, st.ifNotExists, st.comment, st.location),
      );
      return emptyFrame(session);
    case "dropDatabase":
      if (st.name.toLowerCase() === session.tables.currentDatabase && st.name.toLowerCase() !== "default") session.tables.currentDatabase = "default";
      catalogChange(session, "DropDatabase", () => session.tables.client().dropDatabase(st.name, st.ifExists, st.cascade), () =>
        session.tables.catalog().dropDatabase(st.name, st.ifExists, st.cascade),
      );
      return emptyFrame(session);
  }
}

// --- tables -------------------------------------------------------------------------------------

function createTable(session: SparkSession, st: CreateTableStatement, catalog: SqlCatalog): DataFrame {
  const provider = normalizeProvider(st.provider);
  const pathTable = isPathTable(st.name);
  const { database, name } = pathTable ? { database: "", name: st.name[1] } : session.tables.qualify(st.name);
  if (!pathTable) {
    const existing = session.tables.lookup(database, name);
    if (existing !== null || (st.name.length === 1 && session.catalog.hasView(name))) {
      if (st.ifNotExists) return emptyFrame(session);
      if (!st.replace) throw new AnalysisError(`analysis: table ${database}.${name} already exists; use CREATE TABLE IF NOT EXISTS or CREATE OR REPLACE TABLE`);
      dropTable(session, st.name, true);
    }
    if (session.tables.client().database(database) === null) throw new AnalysisError(`analysis: database '${database}' not found`);
  }
  if (st.columns !== null && st.query !== null) throw new AnalysisError("analysis: a CREATE TABLE … AS SELECT cannot also list its columns");
  const query = st.query === null ? null : planQuery(st.query, catalog);
  const location = pathTable ? absoluteLocation(st.name[1]) : st.location === null ? session.tables.catalog().defaultLocation(database, name) : absoluteLocation(st.location);
  let schema: StructType;
  if (st.columns !== null) schema = StructType(st.columns.map(columnField));
  else if (query !== null) schema = analyzePlan(query).schema;
  else if (isTableFormat(provider) && st.location !== null) schema = session.read.format(provider).load(location).schema;
  else throw new AnalysisError(`analysis: CREATE TABLE ${name} needs its columns, AS SELECT, or (for Delta and Iceberg) the LOCATION of an existing table`);
  const interval = provider === "parquet" || isTableFormat(provider) ? findIntervalField(schema) : null;
  if (interval !== null) {
    // Spark's DataSourceUtils.verifySchema: these formats have no interval type.
    throw new AnalysisError(
      `analysis: UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE: the ${provider} data source does not support the column '${interval.path}' of type ${sqlTypeName(interval.type)}`,
    );
  }
  for (const p of st.partitionedBy) {
    if (!schema.fields.some((f) => f.name.toLowerCase() === p.toLowerCase())) {
      throw new AnalysisError(`analysis: partition column '${p}' is not a column of the table [${schema.fields.map((f) => f.name).join(", ")}]`);
    }
  }
  if (!isTableFormat(provider) && st.partitionedBy.length > 0) {
    // File tables list partition columns last, as Spark's catalog does.
    const isPart = (n: string) => st.partitionedBy.some((p) => p.toLowerCase() === n.toLowerCase());
    schema = StructType([...schema.fields.filter((f) => !isPart(f.name)), ...st.partitionedBy.map((p) => schema.fields.find((f) => f.name.toLowerCase() === p.toLowerCase()) as StructType["fields"][number])]);
  }
  const table: WarehouseTable = {
    database,
    name,
    format: provider,
    location,
    managed: st.location === null && !pathTable,
    schema,
    partitionColumns: [...st.partitionedBy],
    properties: { ...st.properties },
    options: { ...st.options },
    comment: st.comment,
    createdMs: Date.now(),
    bucketing: st.bucketing,
  };
  const conf = session.conf.getAll();
  if (!pathTable) session.tables.remember(database, name, table);
  catalogChange(
    session,
    `CreateTable ${database}.${name}`,
    () => {
      if (!pathTable) session.tables.client().createTable(table);
      if (provider === "delta" && query === null) session.tables.client().createDeltaLog(location, schema, st.partitionedBy, st.properties, conf);
      if (provider === "iceberg" && query === null) session.tables.client().createIcebergMetadata(location, schema, st.partitionedBy, st.properties);
    },
    async () => {
      if (!pathTable) await session.tables.catalog().createTable(table);
      if (provider === "delta" && query === null) {
        const { createDeltaLog } = await import("../catalog/warehouse/warehouse-catalog.js");
        await createDeltaLog(location, schema, st.partitionedBy, st.properties, conf);
      }
      if (provider === "iceberg" && query === null) {
        const { createIcebergMetadata } = await import("../catalog/warehouse/warehouse-catalog.js");
        await createIcebergMetadata(location, schema, st.partitionedBy, st.properties);
      }
    },
  );
  if (query === null) return emptyFrame(session);
  const ref: TableTargetRef = pathTable ? { kind: "path", format: provider, location, display: `${provider}.\`${st.name[1]}\`` } : { kind: "warehouse", table, display: `spark_catalog.${database}.${name}` };
  const data = new DataFrame(session, query, analyzePlan(query));
  return deferred(session, `CreateTableAsSelect ${ref.display}`, emptySchema(), async () => {
    await writeInto(ref, data, "overwrite", st.properties);
    return [];
  });
}

function dropTable(session: SparkSession, parts: readonly string[], ifExists: boolean): DataFrame {
  if (parts.length === 1 && session.catalog.hasView(parts[0])) {
    session.catalog.dropTempView(parts[0]);
    return emptyFrame(session);
  }
  const { database, name } = session.tables.qualify(parts);
  const t = session.tables.lookup(database, name);
  if (t === null) {
    if (ifExists) return emptyFrame(session);
    throw new AnalysisError(`analysis: table or view not found: ${parts.join(".")}`);
  }
  session.tables.remember(database, name, null);
  catalogChange(session, `DropTable ${database}.${name}`, () => void session.tables.client().dropTable(database, name), async () => void (await session.tables.catalog().dropTable(database, name)));
  return emptyFrame(session);
}

function insert(
  session: SparkSession,
  target: readonly string[],
  overwrite: boolean,
  columns: readonly string[] | null,
  partition: Readonly<Record<string, Expr | null>> | null,
  query: QueryAst,
  catalog: SqlCatalog,
): DataFrame {
  if (target.length === 1 && session.catalog.hasView(target[0])) throw new AnalysisError(`analysis: ${target[0]} is a view; INSERT needs a table`);
  const ref = requireTable(session, target);
  const schema = tableSchema(session, ref);
  // Static partition values (PARTITION (p = 'x')) are columns the query does not give.
  const statics = Object.entries(partition ?? {}).filter((e): e is [string, Expr] => e[1] !== null);
  const staticNames = new Set(statics.map(([k]) => k.toLowerCase()));
  const targetCols = (columns ?? schema.fields.map((f) => f.name).filter((n) => !staticNames.has(n.toLowerCase()))).map((c) => {
    const f = schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
    if (f === undefined) throw new AnalysisError(`analysis: INSERT into ${ref.display}: '${c}' is not a column of the table [${schema.fields.map((x) => x.name).join(", ")}]`);
    return f.name;
  });
  let plan: LogicalPlan = planQuery(withDefaults(query, targetCols, schema), catalog);
  const out = analyzePlan(plan).schema.fields;
  if (out.length !== targetCols.length) {
    throw new AnalysisError(
      `analysis: cannot write to ${ref.display}: the table has ${targetCols.length} column${targetCols.length === 1 ? "" : "s"} to fill (${targetCols.join(", ")}) but the data has ${out.length}`,
    );
  }
  const exprs = schema.fields.map((f): Expr => {
    const fromQuery = targetCols.findIndex((c) => c === f.name);
    const stat = statics.find(([k]) => k.toLowerCase() === f.name.toLowerCase());
    // A column the INSERT does not name takes its DEFAULT, else null (Spark's ResolveDefaultColumns).
    const value: Expr = fromQuery >= 0 ? node({ kind: "ordinal", ordinal: fromQuery, name: out[fromQuery].name }) : stat !== undefined ? stat[1] : defaultValue(f);
    return node({ kind: "alias", name: f.name, child: node({ kind: "cast", to: f.dataType, child: value }) });
  });
  plan = { kind: "project", child: plan, exprs };
  const data = new DataFrame(session, plan, analyzePlan(plan));
  if (overwrite && !isTableFormat((ref.kind === "path" ? ref.format : ref.table.format) as WarehouseFormat) && readsLocation(data.resolved, ref.kind === "path" ? ref.location : ref.table.location)) {
    // A file table is emptied before it is written: Spark refuses to read what it overwrites.
    throw new AnalysisError(`analysis: cannot overwrite ${ref.display}: it is also being read from by the query`);
  }
  return deferred(session, `InsertIntoTable ${ref.display}`, emptySchema(), async () => {
    await writeInto(ref, data, overwrite ? "overwrite" : "append");
    return [];
  });
}

/**
 * `INSERT … VALUES (DEFAULT, …)`: each `DEFAULT` in a VALUES row becomes its target column's
 * default, or NULL when it has none (Spark's ResolveDefaultColumns). An inline table reads no
 * column, so a bare `DEFAULT` there can only be the keyword.
 */
function withDefaults(query: QueryAst, targetCols: readonly string[], schema: StructType): QueryAst {
  if (query.body.kind !== "values") return query;
  const isDefault = (e: Expr) => e.kind === "column" && e.parts.length === 1 && e.parts[0].toUpperCase() === "DEFAULT";
  if (!query.body.rows.some((row) => row.some(isDefault))) return query;
  const rows = query.body.rows.map((row) => row.map((e, i) => (isDefault(e) ? defaultValue(schema.fields.find((x) => x.name === targetCols[i])) : e)));
  return { ...query, body: { kind: "values", rows } };
}

/** A column's value where an INSERT gives none: its DEFAULT as written, else NULL (also for no column). */
function defaultValue(f: StructType["fields"][number] | undefined): Expr {
  const d = f?.metadata?.[CURRENT_DEFAULT];
  return typeof d === "string" ? parseExpression(d) : node({ kind: "literal", value: null, dataType: { typeName: "null" } as DataType });
}

/** Whether a plan reads the files at `location`. */
function readsLocation(plan: ResolvedPlan, location: string): boolean {
  const target = absoluteLocation(location).replace(/\/$/, "");
  const walk = (p: ResolvedPlan): boolean => {
    if (p.kind === "source" && p.node.path !== null && absoluteLocation(p.node.path).replace(/\/$/, "") === target) return true;
    return childrenOfResolved(p).some(walk);
  };
  return walk(plan);
}

/** Writes `data` into a table with the table's format, partitioning and options. */
async function writeInto(ref: TableTargetRef, data: DataFrame, mode: "append" | "overwrite", properties: Readonly<Record<string, string>> = {}): Promise<void> {
  const format = ref.kind === "path" ? ref.format : ref.table.format;
  // Iceberg's writer takes the properties of a table it creates as tableProperty.<name>.
  const asOptions = (p: Readonly<Record<string, string>>) => (format === "iceberg" ? Object.fromEntries(Object.entries(p).map(([k, v]) => [`tableProperty.${k}`, v])) : p);
  if (ref.kind === "path") {
    await data.write.format(ref.format).mode(mode).options(asOptions(properties)).save(ref.location);
    return;
  }
  const t = ref.table;
  const w = data.write.format(t.format).mode(mode).options(storedOptions(t, "write"));
  if (isTableFormat(t.format)) w.options(asOptions(t.properties));
  if (t.partitionColumns.length > 0) w.partitionBy(...t.partitionColumns);
  await w.save(t.location);
}

function alterTable(session: SparkSession, st: Extract<Statement, { kind: "alterTable" }>): DataFrame {
  const ref = requireTable(session, st.name);
  const a0 = st.action;
  const isDelta = (ref.kind === "path" ? ref.format : ref.table.format) === "delta";
  let deltaChange: DataFrame | null = null;
  if (isDelta && (a0.kind === "setProperties" || a0.kind === "unsetProperties")) {
    // A Delta table's properties are in its log: one metaData commit.
    const location = ref.kind === "path" ? ref.location : ref.table.location;
    const { storage, key } = resolveLocation(location);
    const set = a0.kind === "setProperties" ? a0.properties : {};
    const unset = a0.kind === "unsetProperties" ? a0.keys : [];
    const ifExists = a0.kind === "unsetProperties" && a0.ifExists;
    deltaChange = deferred(session, `AlterTableProperties ${ref.display}`, emptySchema(), async () => {
      await alterTableProperties(storage, key, location, set, unset, ifExists);
      return [];
    });
    // The catalog record keeps no Delta properties: SHOW TBLPROPERTIES reads the log.
    return deltaChange;
  }
  if (ref.kind !== "warehouse") throw new AnalysisError(`analysis: ALTER TABLE needs a table of the catalog, not the path table ${ref.display}`);
  const t = ref.table;
  const a = st.action;
  if (a.kind === "addPartitions") {
    for (const spec of a.partitions) checkPartitionSpec(t, spec, ref.display);
    if (t.format === "delta") throw new AnalysisError(`analysis: ALTER TABLE ADD PARTITION is not supported for Delta tables: ${ref.display}`);
    // A file table's partitions are the folders its files are in: an added partition has no
    // files yet, so reads see nothing of it and there is nothing to record.
    return emptyFrame(session);
  }
  let next: WarehouseTable;
  switch (a.kind) {
    case "addColumns": {
      for (const c of a.columns) {
        if (t.schema.fields.some((f) => f.name.toLowerCase() === c.name.toLowerCase())) throw new AnalysisError(`analysis: column '${c.name}' already exists in ${ref.display}`);
      }
      const data = StructType([...t.schema.fields.filter((f) => !t.partitionColumns.includes(f.name)), ...a.columns.map(columnField)]);
      const schema = StructType([...data.fields, ...t.schema.fields.filter((f) => t.partitionColumns.includes(f.name))]);
      next = { ...t, schema: t.format === "delta" ? StructType([...t.schema.fields, ...a.columns.map(columnField)]) : schema };
      if (t.format === "delta") {
        // A Delta table's schema is in its log: append nothing with mergeSchema.
        const empty = DataFrame.of(session, { kind: "localRelation", schema: next.schema, batches: [], isStreaming: false });
        const run = session.startCommand(`AlterTableAddColumns ${ref.display}`, () => empty.write.format("delta").mode("append").option("mergeSchema", "true").save(t.location));
        void run;
      }
      break;
    }
    case "setProperties": {
      // 'comment' is the table's comment (Spark's TableCatalog.PROP_COMMENT), not a property.
      const { comment, ...rest } = a.properties;
      next = { ...t, properties: { ...t.properties, ...rest }, comment: comment ?? t.comment };
      break;
    }
    case "unsetProperties": {
      const props = { ...t.properties };
      for (const k of a.keys) {
        // 'comment' is the table's comment (Spark's TableCatalog.PROP_COMMENT): unsetting it clears it.
        if (!(k in props) && k !== "comment" && !a.ifExists && !isDelta) throw new AnalysisError(`analysis: ${ref.display} has no property '${k}'`);
        delete props[k];
      }
      next = { ...t, properties: props, comment: a.keys.includes("comment") ? null : t.comment };
      break;
    }
    case "rename":
      throw new AnalysisError("analysis: ALTER TABLE … RENAME TO is not supported yet");
  }
  session.tables.remember(t.database, t.name, next);
  catalogChange(session, `AlterTable ${ref.display}`, () => session.tables.client().replaceTable(next), () => session.tables.catalog().replaceTable(next));
  return deltaChange ?? emptyFrame(session);
}

/** A partition spec of `t` names every partition column once, as Spark's requireExactMatchedPartitionSpec. */
function checkPartitionSpec(t: WarehouseTable, spec: Readonly<Record<string, string>>, display: string): void {
  const quoted = display.split(".").map((p) => `\`${p}\``).join(".");
  const keys = Object.keys(spec);
  for (const k of keys) {
    if (!t.partitionColumns.some((p) => p.toLowerCase() === k.toLowerCase())) {
      throw new AnalysisError(`analysis: [_LEGACY_ERROR_TEMP_1231] ${k} is not a valid partition column in table ${quoted}.`);
    }
  }
  if (keys.length !== t.partitionColumns.length) {
    throw new AnalysisError(`analysis: [_LEGACY_ERROR_TEMP_1232] Partition spec is invalid. The spec (${keys.join(", ")}) must match the partition spec (${t.partitionColumns.join(", ")}) defined in table '${quoted}'.`);
  }
}

// --- Delta DML ----------------------------------------------------------------------------------

function merge(session: SparkSession, target: TableTarget, source: RelationAst, condition: Expr, clauses: readonly MergeClauseAst[], catalog: SqlCatalog): DataFrame {
  const dt = deltaTableOf(session, target.name, "MERGE INTO");
  const targetAlias = target.alias ?? target.name[target.name.length - 1];
  // `SELECT * FROM <source>`: its columns keep the source's alias (or table name) as qualifier.
  const query: QueryAst = {
    kind: "query",
    ctes: [],
    body: { kind: "select", distinct: false, items: [node({ kind: "star", qualifier: [] })], from: source, where: null, groupBy: null, having: null, windows: [], hints: [] },
    orderBy: [],
    limit: null,
    offset: null,
  };
  const plan = planQuery(query, catalog);
  const src = new DataFrame(session, plan, analyzePlan(plan));
  let b = dt.alias(targetAlias).merge(src, new Column(condition));
  for (const c of clauses) {
    const cond = c.condition === null ? undefined : new Column(c.condition);
    const set = c.assignments === "*" || c.assignments === null ? null : Object.fromEntries(c.assignments.map(([k, v]) => [columnOf(k, targetAlias), new Column(v)]));
    if (c.when === "matched") {
      if (c.action === "delete") b = b.whenMatchedDelete(cond);
      else if (set === null) b = b.whenMatchedUpdateAll(cond);
      else b = b.whenMatchedUpdate({ set, condition: cond });
    } else if (c.when === "notMatched") {
      if (set === null) b = b.whenNotMatchedInsertAll(cond);
      else b = b.whenNotMatchedInsert({ values: set, condition: cond });
    } else if (c.action === "delete") b = b.whenNotMatchedBySourceDelete(cond);
    else if (set === null) throw new AnalysisError("analysis: WHEN NOT MATCHED BY SOURCE THEN UPDATE SET * is not allowed (there is no source row)");
    else b = b.whenNotMatchedBySourceUpdate({ set, condition: cond });
  }
  const builder = b;
  return deferredFrame(session, `MergeIntoTable ${target.name.join(".")}`, MERGE_RESULT_SCHEMA, () => builder.execute());
}

/**
 * UPDATE / DELETE on a Delta table, as a MERGE of no source rows: every target row is "not
 * matched by source", so `WHEN NOT MATCHED BY SOURCE [AND where] THEN UPDATE|DELETE` applies.
 */
function updateOrDelete(session: SparkSession, target: TableTarget, where: Expr | null, set: readonly (readonly [string, Expr])[] | null, what: string): DataFrame {
  const dt = deltaTableOf(session, target.name, what);
  const alias = target.alias ?? target.name[target.name.length - 1];
  const none = DataFrame.of(session, { kind: "localRelation", schema: StructType([StructField("__sluice_no_source", BooleanType())]), batches: [], isStreaming: false }).alias("__sluice_source");
  const cond = where === null ? undefined : new Column(where);
  let b = dt.alias(alias).merge(none, new Column(node({ kind: "literal", value: false, dataType: BooleanType() })));
  b = set === null ? b.whenNotMatchedBySourceDelete(cond) : b.whenNotMatchedBySourceUpdate({ set: Object.fromEntries(set.map(([k, v]) => [columnOf(k, alias), new Column(v)])), condition: cond });
  const builder = b;
  const schema = StructType([StructField("num_affected_rows", { typeName: "long" } as DataType)]);
  return deferred(session, `${what === "UPDATE" ? "UpdateTable" : "DeleteFromTable"} ${target.name.join(".")}`, schema, async () => {
    const rows = await (await builder.execute()).collect();
    const r = rows[0];
    const n = what === "UPDATE" ? r.num_updated_rows : r.num_deleted_rows;
    return [batchFromRows(schema, [{ num_affected_rows: n }])];
  });
}

/** `t.col` / `col` → `col` (assignments name target columns). */
function columnOf(name: string, alias: string): string {
  const parts = name.split(".");
  return parts.length === 2 && parts[0].toLowerCase() === alias.toLowerCase() ? parts[1] : name;
}

function deltaTableOf(session: SparkSession, parts: readonly string[], what: string): DeltaTable {
  const ref = requireTable(session, parts);
  const format = ref.kind === "path" ? ref.format : ref.table.format;
  const location = ref.kind === "path" ? ref.location : ref.table.location;
  if (format !== "delta") throw new AnalysisError(`analysis: ${what} is only supported for Delta tables; ${ref.display} is ${format}`);
  return DeltaTable.forPath(session, location);
}

// --- DESCRIBE / SHOW ----------------------------------------------------------------------------

const DESCRIBE_SCHEMA = StructType([StructField("col_name", StringType()), StructField("data_type", StringType()), StructField("comment", StringType())]);

function describe(session: SparkSession, st: Extract<Statement, { kind: "describe" }>, catalog: SqlCatalog): DataFrame {
  if (st.query !== null) return rowsFrame(session, DESCRIBE_SCHEMA, columnRows(analyzePlan(planQuery(st.query, catalog)).schema));
  const parts = st.name ?? [];
  if (st.mode === "database") {
    const db = session.tables.client().database(parts.join("."));
    if (db === null) throw new AnalysisError(`analysis: database '${parts.join(".")}' not found`);
    const schema = StructType([StructField("info_name", StringType()), StructField("info_value", StringType())]);
    return rowsFrame(session, schema, [
      { info_name: "Catalog Name", info_value: "spark_catalog" },
      { info_name: "Namespace Name", info_value: db.name },
      { info_name: "Comment", info_value: db.comment ?? "" },
      { info_name: "Location", info_value: db.location },
    ]);
  }
  if (st.mode === "history") {
    const dt = deltaTableOf(session, parts, "DESCRIBE HISTORY");
    return deferredFrame(session, `DescribeHistory ${parts.join(".")}`, HISTORY_SCHEMA, () => dt.history(st.limit ?? undefined));
  }
  if (st.mode === "detail") {
    const ref = requireTable(session, parts);
    const location = ref.kind === "path" ? ref.location : ref.table.location;
    if ((ref.kind === "path" ? ref.format : ref.table.format) !== "delta") throw new AnalysisError(`analysis: DESCRIBE DETAIL is only supported for Delta tables; ${ref.display} is not one`);
    const name = ref.kind === "warehouse" ? `spark_catalog.${ref.table.database}.${ref.table.name}` : null;
    return deferred(session, `DescribeDetail ${ref.display}`, DETAIL_SCHEMA, async () => {
      const { storage, key } = resolveLocation(location);
      return [batchFromRows(DETAIL_SCHEMA, [await describeDetail(storage, key, location, name)])];
    });
  }
  const view = parts.length === 1 && session.catalog.hasView(parts[0]) ? session.catalog.view(parts[0]) : null;
  const ref = view === null ? requireTable(session, parts) : null;
  const schema = view !== null ? view.schema : tableSchema(session, ref as TableTargetRef);
  if (st.column !== null) {
    const f = schema.fields.find((x) => x.name.toLowerCase() === (st.column ?? "").toLowerCase());
    if (f === undefined) throw new AnalysisError(`analysis: column '${st.column}' not found in ${parts.join(".")}`);
    const s2 = StructType([StructField("info_name", StringType()), StructField("info_value", StringType())]);
    return rowsFrame(session, s2, [
      { info_name: "col_name", info_value: f.name },
      { info_name: "data_type", info_value: simpleString(f.dataType) },
      { info_name: "comment", info_value: fieldComment(f) ?? "NULL" },
    ]);
  }
  const rows = columnRows(schema);
  const info = view !== null ? session.catalog.viewInfo(parts[0]) : undefined;
  if (st.mode === "extended" && info !== undefined) {
    // A view made with CREATE VIEW (a temp view has no catalog entry): Spark's rows for a VIEW.
    const props = sortedByKey(redactOptions(session, info.properties));
    rows.push(
      { col_name: "", data_type: "", comment: "" },
      { col_name: "# Detailed Table Information", data_type: "", comment: "" },
      { col_name: "Catalog", data_type: "spark_catalog", comment: "" },
      { col_name: "Database", data_type: info.database, comment: "" },
      { col_name: "Table", data_type: parts[0], comment: "" },
      { col_name: "Created Time", data_type: "UNKNOWN", comment: "" },
      { col_name: "Last Access", data_type: "UNKNOWN", comment: "" },
      { col_name: "Created By", data_type: "sluice", comment: "" },
      { col_name: "Type", data_type: "VIEW", comment: "" },
      ...(info.text === undefined
        ? []
        : [
            { col_name: "View Text", data_type: info.text, comment: "" },
            { col_name: "View Original Text", data_type: info.text, comment: "" },
          ]),
      { col_name: "View Catalog and Namespace", data_type: `spark_catalog.${info.database}`, comment: "" },
      { col_name: "View Query Output Columns", data_type: `[${(info.queryColumns ?? schema.fields.map((f) => f.name)).join(", ")}]`, comment: "" },
      ...(props.length === 0 ? [] : [{ col_name: "Table Properties", data_type: propertyList(props), comment: "" }]),
    );
    return rowsFrame(session, DESCRIBE_SCHEMA, rows);
  }
  const t = ref !== null && ref.kind === "warehouse" ? ref.table : null;
  if (t !== null && t.partitionColumns.length > 0) {
    rows.push({ col_name: "# Partition Information", data_type: "", comment: "" }, { col_name: "# col_name", data_type: "data_type", comment: "comment" });
    for (const p of t.partitionColumns) {
      const f = schema.fields.find((x) => x.name.toLowerCase() === p.toLowerCase());
      if (f !== undefined) rows.push({ col_name: f.name, data_type: simpleString(f.dataType), comment: fieldComment(f) });
    }
  }
  if (st.mode === "extended" && t !== null) {
    // Spark's CatalogTable.toLinkedHashMap: table properties by name, storage properties (the
    // OPTIONS) as given, both redacted.
    const props = sortedByKey(redactOptions(session, t.properties));
    const storage = Object.entries(redactOptions(session, t.options));
    rows.push(
      { col_name: "", data_type: "", comment: "" },
      { col_name: "# Detailed Table Information", data_type: "", comment: "" },
      { col_name: "Catalog", data_type: "spark_catalog", comment: "" },
      { col_name: "Database", data_type: t.database, comment: "" },
      { col_name: "Table", data_type: t.name, comment: "" },
      { col_name: "Created Time", data_type: new Date(t.createdMs).toUTCString(), comment: "" },
      { col_name: "Last Access", data_type: "UNKNOWN", comment: "" },
      { col_name: "Created By", data_type: "sluice", comment: "" },
      { col_name: "Type", data_type: t.managed ? "MANAGED" : "EXTERNAL", comment: "" },
      { col_name: "Provider", data_type: t.format, comment: "" },
      ...(t.bucketing == null
        ? []
        : [
            { col_name: "Num Buckets", data_type: String(t.bucketing.numBuckets), comment: "" },
            { col_name: "Bucket Columns", data_type: `[${t.bucketing.columns.map((c) => `\`${c}\``).join(", ")}]`, comment: "" },
            { col_name: "Sort Columns", data_type: `[${t.bucketing.sortColumns.map((c) => `\`${c}\``).join(", ")}]`, comment: "" },
          ]),
      ...(t.comment === null ? [] : [{ col_name: "Comment", data_type: t.comment, comment: "" }]),
      ...(props.length === 0 ? [] : [{ col_name: "Table Properties", data_type: propertyList(props), comment: "" }]),
      { col_name: "Location", data_type: t.location, comment: "" },
      ...(storage.length === 0 ? [] : [{ col_name: "Storage Properties", data_type: propertyList(storage), comment: "" }]),
      ...(t.partitionColumns.length === 0 ? [] : [{ col_name: "Partition Provider", data_type: "Catalog", comment: "" }]),
    );
  }
  rows.push(...defaultRows(schema));
  return rowsFrame(session, DESCRIBE_SCHEMA, rows);
}

const GLOBAL_TEMP = "global_temp";

/** `[k=v, …]`, as Spark's CatalogTable lists table and storage properties. */
function propertyList(entries: readonly (readonly [string, string])[]): string {
  return `[${entries.map(([k, v]) => `${k}=${v}`).join(", ")}]`;
}

/** The entries of `props` ordered by key (code units, as Scala's `sortBy(_._1)` on strings). */
function sortedByKey(props: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Spark's catalog times and creator lines; sluice does not track access times. */
const CATALOG_TIMES = ["Created Time: UNKNOWN", "Last Access: UNKNOWN", "Created By: sluice"];

/** SHOW TABLE EXTENDED's `information` of a table: Spark's CatalogTable.toLinkedHashMap lines, then its schema tree. */
function tableInformation(t: WarehouseTable, schema: StructType): string {
  const props = Object.entries(t.properties);
  const lines = [
    "Catalog: spark_catalog",
    `Database: ${t.database}`,
    `Table: ${t.name}`,
    `Created Time: ${new Date(t.createdMs).toUTCString()}`,
    "Last Access: UNKNOWN",
    "Created By: sluice",
    `Type: ${t.managed ? "MANAGED" : "EXTERNAL"}`,
    `Provider: ${t.format}`,
    ...(t.comment === null ? [] : [`Comment: ${t.comment}`]),
    ...(props.length === 0 ? [] : [`Table Properties: ${propertyList(props)}`]),
    `Location: ${/^[a-z][a-z0-9+.-]*:/i.test(t.location) ? t.location : `file:${t.location}`}`,
    ...(t.partitionColumns.length === 0 ? [] : ["Partition Provider: Catalog", `Partition Columns: [${t.partitionColumns.map((c) => `\`${c}\``).join(", ")}]`]),
    `Schema: ${treeString(schema)}`,
    // Spark ends the information with a newline after the schema tree's own.
    "",
  ];
  return lines.join("\n");
}

/** SHOW TBLPROPERTIES rows: every property, or the one `key` (a note when it is missing), redacted. */
function propertyRows(session: SparkSession, props: Readonly<Record<string, string>>, key: string | null, display: string): { key: string; value: string }[] {
  const redacted = redactOptions(session, props);
  if (key !== null) return [{ key, value: redacted[key] ?? `Table ${display} does not have property: ${key}` }];
  return Object.entries(redacted).map(([k, value]) => ({ key: k, value }));
}

const REDACTED = "*********(redacted)";

/**
 * Spark's SQLConf.redactOptions: a value whose key or value matches spark.sql.redaction.options.regex
 * or spark.redaction.regex is replaced by `*********(redacted)`.
 */
export function redactOptions(session: SparkSession, options: Readonly<Record<string, string>>): Record<string, string> {
  const patterns = [session.conf.get("spark.sql.redaction.options.regex") ?? "(?i)url", session.conf.get("spark.redaction.regex") ?? "(?i)secret|password|token|access[.]key"].map(javaRegex);
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, patterns.some((p) => p.test(k) || p.test(v)) ? REDACTED : v]));
}

/** A Java regex with an optional leading `(?i)` as a JavaScript one. */
function javaRegex(source: string): RegExp {
  return source.startsWith("(?i)") ? new RegExp(source.slice(4), "i") : new RegExp(source);
}

/** The database SHOW TABLES / SHOW VIEWS lists (the current one by default); SCHEMA_NOT_FOUND if there is none such. */
function showNamespace(session: SparkSession, database: string | null): string {
  const db = (database ?? session.tables.currentDatabase).toLowerCase();
  if (db === GLOBAL_TEMP || session.tables.client().listDatabases().some((d) => d.toLowerCase() === db)) return db;
  throw new AnalysisError(`analysis: [SCHEMA_NOT_FOUND] The schema \`${db}\` cannot be found. Verify the spelling and correctness of the schema and catalog.`);
}

/**
 * The views SHOW lists for `db`, as Spark's SessionCatalog.listViews: the views a plain CREATE VIEW
 * made in `db`, the global temp views when `db` is `global_temp`, and the session's temp views always.
 */
function viewsOf(session: SparkSession, db: string): { namespace: string; name: string; isTemporary: boolean }[] {
  const out: { namespace: string; name: string; isTemporary: boolean }[] = [];
  if (db === GLOBAL_TEMP) out.push(...session.catalog.globalViewNames().map((name) => ({ namespace: GLOBAL_TEMP, name, isTemporary: true })));
  for (const name of session.catalog.viewNames()) {
    const info = session.catalog.viewInfo(name);
    if (info === undefined) out.push({ namespace: "", name, isTemporary: true });
    else if (info.database.toLowerCase() === db) out.push({ namespace: info.database, name, isTemporary: false });
  }
  return out;
}

function show(session: SparkSession, st: Extract<Statement, { kind: "show" }>): DataFrame {
  const matches = patternMatcher(st.pattern);
  switch (st.what) {
    case "tables": {
      const db = showNamespace(session, st.database);
      const schema = StructType([StructField("namespace", StringType()), StructField("tableName", StringType()), StructField("isTemporary", BooleanType())]);
      const tables = db === GLOBAL_TEMP ? [] : session.tables.client().listTables(db).filter(matches).map((t) => ({ namespace: db, tableName: t, isTemporary: false }));
      const views = viewsOf(session, db).filter((v) => matches(v.name)).map((v) => ({ namespace: v.namespace, tableName: v.name, isTemporary: v.isTemporary }));
      return rowsFrame(session, schema, [...tables, ...views]);
    }
    case "tableExtended": {
      const db = showNamespace(session, st.database);
      const schema = StructType([StructField("namespace", StringType()), StructField("tableName", StringType()), StructField("isTemporary", BooleanType()), StructField("information", StringType())]);
      const client = session.tables.client();
      const tables = db === GLOBAL_TEMP ? [] : client.listTables(db).filter(matches).map((name) => {
        const ref = requireTable(session, [db, name]);
        return { namespace: db, tableName: name, isTemporary: false, information: ref.kind === "warehouse" ? tableInformation(ref.table, tableSchema(session, ref)) : "" };
      });
      const views = viewsOf(session, db).filter((v) => matches(v.name)).map((v) => {
        const df = v.namespace === GLOBAL_TEMP ? session.catalog.globalView(v.name) : session.catalog.view(v.name);
        const information = [...(v.isTemporary ? [] : [`Catalog: spark_catalog`, `Database: ${v.namespace}`]), `Table: ${v.name}`, ...CATALOG_TIMES, "Type: VIEW", `Schema: ${treeString(df.schema)}`, ""].join("\n");
        return { namespace: v.namespace, tableName: v.name, isTemporary: v.isTemporary, information };
      });
      return rowsFrame(session, schema, [...tables, ...views]);
    }
    case "views": {
      const db = showNamespace(session, st.database);
      const schema = StructType([StructField("namespace", StringType()), StructField("viewName", StringType()), StructField("isTemporary", BooleanType())]);
      const views = viewsOf(session, db).filter((v) => matches(v.name));
      return rowsFrame(session, schema, views.map((v) => ({ namespace: v.namespace, viewName: v.name, isTemporary: v.isTemporary })));
    }
    case "databases":
      return rowsFrame(session, StructType([StructField("namespace", StringType())]), session.tables.client().listDatabases().filter(matches).map((namespace) => ({ namespace })));
    case "columns": {
      const parts = st.database === null ? (st.name ?? []) : [st.database, ...(st.name ?? []).slice(-1)];
      const schema = parts.length === 1 && session.catalog.hasView(parts[0]) ? session.catalog.view(parts[0]).schema : tableSchema(session, requireTable(session, parts));
      return rowsFrame(session, StructType([StructField("col_name", StringType())]), schema.fields.map((f) => ({ col_name: f.name })));
    }
    case "tblproperties": {
      const schema = StructType([StructField("key", StringType()), StructField("value", StringType())]);
      const name = st.name ?? [];
      const globalView = name.length === 2 && name[0].toLowerCase() === GLOBAL_TEMP && session.catalog.hasGlobalView(name[1]);
      if (globalView || (name.length === 1 && session.catalog.hasView(name[0]))) {
        // A temporary view has no properties; a plain CREATE VIEW's are its TBLPROPERTIES.
        const info = globalView ? undefined : session.catalog.viewInfo(name[0]);
        if (info === undefined) return rowsFrame(session, schema, []);
        return rowsFrame(session, schema, propertyRows(session, info.properties, st.key, `spark_catalog.${info.database}.${name[0].toLowerCase()}`));
      }
      const ref = requireTable(session, name);
      if ((ref.kind === "path" ? ref.format : ref.table.format) === "delta") {
        // A Delta table's properties are its log's configuration, read when the result is.
        const location = ref.kind === "path" ? ref.location : ref.table.location;
        const key = st.key;
        return deferred(session, `ShowTableProperties ${ref.display}`, schema, async () => {
          const { storage, key: tableKey } = resolveLocation(location);
          const snapshot = await loadTableSnapshot(storage, tableKey, location, { versionAsOf: null, timestampAsOf: null });
          const conf = redactOptions(session, snapshot.metadata.configuration);
          const rows = key === null ? Object.entries(conf).map(([k, value]) => ({ key: k, value })) : [{ key, value: conf[key] ?? `Table ${ref.display} does not have property: ${key}` }];
          return rows.length === 0 ? [] : [batchFromRows(schema, rows)];
        });
      }
      const props = ref.kind === "warehouse" ? ref.table.properties : {};
      return rowsFrame(session, schema, propertyRows(session, props, st.key, ref.display));
    }
    case "createTable": {
      const ref = requireTable(session, st.name ?? []);
      if (ref.kind !== "warehouse") throw new AnalysisError(`analysis: SHOW CREATE TABLE needs a table of the catalog, not the path table ${ref.display}`);
      const schema = StructType([StructField("createtab_stmt", StringType())]);
      return rowsFrame(session, schema, [{ createtab_stmt: createTableStatement(ref.table, tableSchema(session, ref)) }]);
    }
    case "functions":
      throw new AnalysisError("analysis: SHOW FUNCTIONS is not supported yet");
  }
}

/** The CREATE TABLE statement that makes `t` again, in Spark's SHOW CREATE TABLE layout. */
function createTableStatement(t: WarehouseTable, schema: StructType): string {
  const q = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const props = (entries: [string, string][]) => entries.map(([k, v]) => `  ${q(k)} = ${q(/secret|password|token|access.?key/i.test(k) ? "*********(redacted)" : v)}`).join(",\n");
  const cols = schema.fields.map((f) => {
    const d = f.metadata?.[CURRENT_DEFAULT];
    return `  ${quoteIfNeeded(f.name)} ${sqlTypeName(f.dataType)}${f.nullable ? "" : " NOT NULL"}${typeof d === "string" ? ` DEFAULT ${d}` : ""}${typeof f.metadata?.comment === "string" ? ` COMMENT ${q(f.metadata.comment)}` : ""}`;
  });
  const lines = [`CREATE TABLE spark_catalog.${t.database}.${t.name} (`, `${cols.join(",\n")})`, `USING ${t.format}`];
  const options = Object.entries(t.options);
  if (options.length > 0) lines.push(`OPTIONS (\n${props(options)})`);
  if (t.partitionColumns.length > 0) lines.push(`PARTITIONED BY (${t.partitionColumns.join(", ")})`);
  if (t.bucketing != null) {
    lines.push(`CLUSTERED BY (${t.bucketing.columns.join(", ")})`);
    if (t.bucketing.sortColumns.length > 0) lines.push(`SORTED BY (${t.bucketing.sortColumns.join(", ")})`);
    lines.push(`INTO ${t.bucketing.numBuckets} BUCKETS`);
  }
  if (!t.managed) lines.push(`LOCATION ${q(t.location)}`);
  if (t.comment !== null) lines.push(`COMMENT ${q(t.comment)}`);
  const properties = Object.entries(t.properties);
  if (properties.length > 0) lines.push(`TBLPROPERTIES (\n${props(properties)})`);
  return lines.join("\n");
}

/** Spark's SHOW … LIKE pattern: `*` any characters, `|` alternatives, case-insensitive. */
function patternMatcher(pattern: string | null): (name: string) => boolean {
  if (pattern === null) return () => true;
  const alternatives = pattern.split("|").map((p) => new RegExp(`^${p.trim().replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i"));
  return (name) => alternatives.some((r) => r.test(name));
}

function columnRows(schema: StructType): { col_name: string; data_type: string; comment: string | null }[] {
  return schema.fields.map((f) => ({ col_name: f.name, data_type: simpleString(f.dataType), comment: fieldComment(f) }));
}

function fieldComment(f: StructType["fields"][number]): string | null {
  const c = f.metadata?.comment;
  return typeof c === "string" ? c : null;
}

// --- helpers ------------------------------------------------------------------------------------

function requireTable(session: SparkSession, parts: readonly string[]): TableTargetRef {
  const ref = session.tables.resolve(parts);
  if (ref === null) throw new AnalysisError(`analysis: table not found: ${parts.join(".")}`);
  return ref;
}

function tableSchema(session: SparkSession, ref: TableTargetRef): StructType {
  if (ref.kind === "warehouse" && !isTableFormat(ref.table.format)) return ref.table.schema;
  return session.tables.read(ref).schema;
}

function columnField(c: ColumnDef): StructType["fields"][number] {
  const metadata = { ...(c.comment === null ? {} : { comment: c.comment }), ...(c.defaultSql === undefined ? {} : { [CURRENT_DEFAULT]: c.defaultSql }) };
  return StructField(c.name, c.dataType, c.nullable, Object.keys(metadata).length === 0 ? undefined : metadata);
}

/** The field metadata key of a column's default, as written (Spark's ResolveDefaultColumns.CURRENT_DEFAULT_COLUMN_METADATA_KEY). */
const CURRENT_DEFAULT = "CURRENT_DEFAULT";

/** DESCRIBE's closing block of column defaults (Spark's ResolveDefaultColumns.getDescribeMetadata); none without defaults. */
function defaultRows(schema: StructType): { col_name: string; data_type: string; comment: string | null }[] {
  const withDefault = schema.fields.filter((f) => typeof f.metadata?.[CURRENT_DEFAULT] === "string");
  if (withDefault.length === 0) return [];
  return [
    { col_name: "", data_type: "", comment: "" },
    { col_name: "# Column Default Values", data_type: "", comment: "" },
    ...withDefault.map((f) => ({ col_name: f.name, data_type: simpleString(f.dataType), comment: String(f.metadata?.[CURRENT_DEFAULT]) })),
  ];
}

function normalizeProvider(p: string | null): WarehouseFormat {
  if (p === null || p === "hive") return "parquet";
  const name = p === "textfile" ? "text" : p;
  if ((WAREHOUSE_FORMATS as readonly string[]).includes(name)) return name as WarehouseFormat;
  throw new AnalysisError(`analysis: table format '${p}' is not supported; use one of ${WAREHOUSE_FORMATS.join(", ")}`);
}

function absoluteLocation(location: string): string {
  const { storage, key } = resolveLocation(location);
  return fileUrlOf(storage, key);
}

/** Runs a catalog change now, or after the running statements when there are some. */
function catalogChange(session: SparkSession, description: string, now: () => void, later: () => Promise<void>): void {
  if (!session.commandsRunning) {
    now();
    return;
  }
  void session.startCommand(description, later);
}

function emptySchema(): StructType {
  return StructType([]);
}

function emptyFrame(session: SparkSession): DataFrame {
  return DataFrame.of(session, { kind: "localRelation", schema: emptySchema(), batches: [], isStreaming: false });
}

function rowsFrame(session: SparkSession, schema: StructType, rows: readonly Record<string, unknown>[]): DataFrame {
  return DataFrame.of(session, { kind: "localRelation", schema, batches: rows.length === 0 ? [] : [batchFromRows(schema, rows)], isStreaming: false });
}

/** A statement that moves data: started now, its DataFrame yields `run`'s rows. */
function deferred(session: SparkSession, description: string, schema: StructType, run: () => Promise<readonly Batch[]>): DataFrame {
  const outcome = session.startCommand(description, run);
  return DataFrame.of(session, { kind: "deferred", schema, load: outcome, description, isStreaming: false });
}

/** As {@link deferred}, for an operation whose result is a DataFrame of `schema`. */
function deferredFrame(session: SparkSession, description: string, schema: StructType, run: () => Promise<DataFrame>): DataFrame {
  return deferred(session, description, schema, async () => (await run()).collectBatches());
}
