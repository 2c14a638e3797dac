/**
 * `spark.sql` statements Spark's show-tables, show-views and show-tblproperties suites exercise:
 * temporary views over a data source (`USING fmt`), SHOW VIEWS and SHOW TBLPROPERTIES, ADD PARTITION,
 * and describe-query's DESCRIBE / EXPLAIN of queries and the multi-SELECT FROM form.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { SparkSession, AnalysisError } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";
import { tempPath } from "./support.js";

const warehouse = tempPath("show-warehouse");
const spark = new SparkSession("sql-show-test", { "sluice.exec.workers": "0", "spark.sql.warehouse.dir": warehouse });

async function rows(df: DataFrame): Promise<string[]> {
  return (await df.collect()).map((r) => Object.values(r).map((v) => (v === null ? "NULL" : String(v))).join(","));
}
const sql = (q: string) => rows(spark.sql(q));

test("CREATE TEMPORARY VIEW … USING: a declared schema and no path is an empty view; a path option is read", async () => {
  spark.sql("CREATE TEMPORARY VIEW src_empty(e INT, f STRING) USING parquet");
  assert.deepEqual(spark.table("src_empty").columns, ["e", "f"]);
  assert.deepEqual(await sql("SELECT * FROM src_empty"), []);
  const dir = tempPath("show-json");
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/a.json`, '{"x":1}\n{"x":2}\n');
  spark.sql(`CREATE TEMPORARY VIEW src_json(x BIGINT) USING json OPTIONS (path '${dir}')`);
  assert.deepEqual(await sql("SELECT x FROM src_json ORDER BY x"), ["1", "2"]);
  assert.throws(() => spark.sql("CREATE TEMPORARY VIEW src_none USING parquet"), (e: unknown) => e instanceof AnalysisError && /UNABLE_TO_INFER_SCHEMA/.test(e.message));
  // A list of bare names still names the query's columns.
  spark.sql("CREATE TEMPORARY VIEW named(a, b) AS SELECT 1, 2");
  assert.deepEqual(spark.table("named").columns, ["a", "b"]);
  spark.sql("DROP VIEW src_empty");
  spark.sql("DROP VIEW src_json");
  spark.sql("DROP VIEW named");
});

test("SHOW VIEWS / SHOW TABLES: temp views in every database, global temp views in global_temp, SCHEMA_NOT_FOUND otherwise", async () => {
  spark.sql("CREATE TEMPORARY VIEW local_v AS SELECT 1 AS c");
  spark.sql("CREATE GLOBAL TEMP VIEW shared_v AS SELECT 1 AS c");
  spark.sql("CREATE TABLE show_t (a INT) USING parquet");
  assert.deepEqual(await sql("SHOW VIEWS"), [",local_v,true"]);
  assert.deepEqual(await sql("SHOW VIEWS IN global_temp"), ["global_temp,shared_v,true", ",local_v,true"]);
  assert.deepEqual(await sql("SHOW TABLES IN global_temp LIKE 'shared*'"), ["global_temp,shared_v,true"]);
  assert.deepEqual(await sql("SHOW TABLES LIKE 'show_t|local_v'"), ["default,show_t,false", ",local_v,true"]);
  for (const q of ["SHOW VIEWS IN nodb", "SHOW TABLES FROM nodb"]) {
    assert.throws(() => spark.sql(q), (e: unknown) => e instanceof AnalysisError && /\[SCHEMA_NOT_FOUND\] The schema `nodb` cannot be found/.test(e.message));
  }
  spark.sql("DROP VIEW local_v");
  spark.sql("DROP VIEW global_temp.shared_v");
  spark.sql("DROP TABLE show_t");
});

test("a plain CREATE VIEW belongs to the current database and keeps its TBLPROPERTIES; a temp view has none", async () => {
  spark.sql("CREATE DATABASE IF NOT EXISTS viewdb");
  spark.sql("USE viewdb");
  spark.sql("CREATE VIEW plain_v TBLPROPERTIES ('p1'='v1', 'db.password'='x') AS SELECT 1 AS c");
  spark.sql("CREATE TEMPORARY VIEW temp_v AS SELECT 1 AS c");
  assert.deepEqual(await sql("SHOW VIEWS"), ["viewdb,plain_v,false", ",temp_v,true"]);
  spark.sql("USE default");
  assert.deepEqual(await sql("SHOW VIEWS"), [",temp_v,true"]);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES plain_v"), ["p1,v1", "db.password,*********(redacted)"]);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES plain_v('p1')"), ["p1,v1"]);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES plain_v('p3')"), ["p3,Table spark_catalog.viewdb.plain_v does not have property: p3"]);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES temp_v"), []);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES temp_v('p1')"), []);
  spark.sql("DROP VIEW plain_v");
  spark.sql("DROP VIEW temp_v");
});

test("SHOW TBLPROPERTIES redacts a value whose key or value matches the redaction patterns", async () => {
  spark.sql("CREATE TABLE secrets (a INT) USING parquet TBLPROPERTIES ('p1'='v1', password='pw', 'conn'='jdbc:pg', 'link'='http://h', 'Access.Key'='k')");
  assert.deepEqual((await sql("SHOW TBLPROPERTIES secrets")).sort(), ["Access.Key,*********(redacted)", "conn,jdbc:pg", "link,http://h", "p1,v1", "password,*********(redacted)"].sort());
  spark.conf.set("spark.sql.redaction.options.regex", "(?i)jdbc");
  assert.deepEqual(await sql("SHOW TBLPROPERTIES secrets('conn')"), ["conn,*********(redacted)"]);
  spark.conf.set("spark.sql.redaction.options.regex", "(?i)url");
  spark.sql("ALTER TABLE secrets SET TBLPROPERTIES ('link'='url://h')");
  assert.deepEqual(await sql("SHOW TBLPROPERTIES secrets('link')"), ["link,*********(redacted)"], "a matching value is redacted too");
  spark.conf.unset("spark.sql.redaction.options.regex");
  spark.sql("DROP TABLE secrets");
});

test("ALTER TABLE … ADD PARTITION checks the spec against the partition columns", async () => {
  spark.sql("CREATE TABLE parts (a STRING, c STRING, d INT) USING parquet PARTITIONED BY (c, d)");
  spark.sql("ALTER TABLE parts ADD PARTITION (c='Us', d=1)");
  spark.sql("ALTER TABLE parts ADD IF NOT EXISTS PARTITION (c='Us', d=1) PARTITION (c='Ch', d=-2)");
  assert.deepEqual(await sql("SELECT * FROM parts"), [], "an added partition has no rows");
  assert.throws(() => spark.sql("ALTER TABLE parts ADD PARTITION (c='Us')"), (e: unknown) => e instanceof AnalysisError && /_LEGACY_ERROR_TEMP_1232.*spec \(c\) must match the partition spec \(c, d\)/.test(e.message));
  assert.throws(() => spark.sql("ALTER TABLE parts ADD PARTITION (a='x', d=1)"), (e: unknown) => e instanceof AnalysisError && /_LEGACY_ERROR_TEMP_1231\] a is not a valid partition column/.test(e.message));
  spark.sql("DROP TABLE parts");
});

test("DESCRIBE QUERY keeps the comment of a column passed through, even renamed, and not of a computed one", async () => {
  spark.sql("CREATE TABLE commented (key INT COMMENT 'column_comment', val STRING) USING parquet");
  assert.deepEqual(await sql("DESC QUERY SELECT key, key AS k, key + 1 AS plusone FROM commented"), ["key,int,column_comment", "k,int,column_comment", "plusone,int,NULL"]);
  assert.deepEqual(await sql("DESC QUERY WITH s AS (SELECT * FROM commented) SELECT * FROM s"), ["key,int,column_comment", "val,string,NULL"]);
  assert.deepEqual(await sql("DESC SELECT key, count(*) AS n FROM commented GROUP BY key"), ["key,int,column_comment", "n,bigint,NULL"]);
  assert.deepEqual(await sql("DESC SELECT key FROM commented GROUP BY key"), ["key,int,column_comment"]);
  spark.sql("DROP TABLE commented");
});

test("EXPLAIN of DESCRIBE QUERY prints Spark's DescribeQueryCommand with the query's text", async () => {
  assert.deepEqual(await sql("EXPLAIN DESC QUERY SELECT 1 AS c"), ["== Physical Plan ==\nExecute DescribeQueryCommand\n   +- DescribeQueryCommand SELECT 1 AS c\n"]);
  const [extended] = await sql("EXPLAIN EXTENDED DESCRIBE WITH s AS (SELECT 'x' AS c) SELECT * FROM s;");
  assert.match(extended, /^== Parsed Logical Plan ==\nDescribeQueryCommand WITH s AS \(SELECT 'x' AS c\) SELECT \* FROM s\n\n== Analyzed Logical Plan ==\ncol_name: string, data_type: string, comment: string\n/);
  assert.match(extended, /\n\n== Physical Plan ==\nExecute DescribeQueryCommand\n {3}\+- DescribeQueryCommand WITH s AS \(SELECT 'x' AS c\) SELECT \* FROM s\n$/);
});

test("FROM t SELECT … SELECT …: the selects over one FROM clause are unioned, duplicates kept", async () => {
  assert.deepEqual((await sql("FROM VALUES (1), (2) AS v(x) SELECT x SELECT x * 10 SELECT x")).sort(), ["1", "1", "10", "2", "2", "20"]);
});

test("SHOW TABLE EXTENDED LIKE lists tables and views with Spark's information text", async () => {
  spark.sql("CREATE TABLE ext_t (a STRING, c STRING) USING parquet PARTITIONED BY (c)");
  spark.sql("CREATE TEMPORARY VIEW ext_v(e INT) USING parquet");
  const df = spark.sql("SHOW TABLE EXTENDED LIKE 'ext_*'");
  assert.deepEqual(df.columns, ["namespace", "tableName", "isTemporary", "information"]);
  const byName = new Map((await df.collect()).map((r) => [r.tableName, r]));
  const t = String(byName.get("ext_t")?.information);
  assert.match(t, /^Catalog: spark_catalog\nDatabase: default\nTable: ext_t\nCreated Time: .*\nLast Access: .*\nCreated By: .*\nType: MANAGED\nProvider: parquet\nLocation: .*ext_t\nPartition Provider: Catalog\nPartition Columns: \[`c`\]\nSchema: root\n \|-- a: string \(nullable = true\)\n \|-- c: string \(nullable = true\)\n\n$/);
  assert.equal(byName.get("ext_t")?.isTemporary, false);
  assert.match(String(byName.get("ext_v")?.information), /^Table: ext_v\n(.*\n){3}Type: VIEW\nSchema: root\n \|-- e: integer \(nullable = true\)\n\n$/);
  assert.throws(() => spark.sql("SHOW TABLE EXTENDED"), /expected LIKE/i);
  spark.sql("DROP VIEW ext_v");
  spark.sql("DROP TABLE ext_t");
});

test("a table's stored OPTIONS reach its reader as in Spark: names the source does not take are kept for the catalog only", async () => {
  spark.sql("CREATE TABLE opts_t (a STRING, b INT) USING parquet OPTIONS (a '1', password 'secret', mergeSchema 'false')");
  spark.sql("INSERT INTO opts_t VALUES ('x', 1)");
  assert.deepEqual(await sql("SELECT * FROM opts_t"), ["x,1"]);
  // Read directly, the same unknown name is still a mistake worth naming.
  assert.throws(() => spark.read.format("parquet").option("a", "1").load(warehouse), /parquet source: unknown option 'a'/);
  spark.sql("DROP TABLE opts_t");
});

test("DESC EXTENDED: a table's detailed rows as Spark's CatalogTable lists them; a CREATE VIEW's view rows; UNSET TBLPROPERTIES (comment)", async () => {
  spark.sql("USE default");
  spark.sql(
    "CREATE TABLE desc_t (a STRING, b INT, c STRING) USING parquet OPTIONS (a '1', password 'pw') PARTITIONED BY (c) COMMENT 'tc' TBLPROPERTIES (t 'test', password 'pw')",
  );
  spark.sql("ALTER TABLE desc_t SET TBLPROPERTIES (e = '3')");
  const detail = (await sql("DESC EXTENDED desc_t")).filter((r) => !r.startsWith("Created Time") && !r.startsWith("Location"));
  assert.deepEqual(detail, [
    "a,string,NULL",
    "b,int,NULL",
    "c,string,NULL",
    "# Partition Information,,",
    "# col_name,data_type,comment",
    "c,string,NULL",
    ",,",
    "# Detailed Table Information,,",
    "Catalog,spark_catalog,",
    "Database,default,",
    "Table,desc_t,",
    "Last Access,UNKNOWN,",
    "Created By,sluice,",
    "Type,MANAGED,",
    "Provider,parquet,",
    "Comment,tc,",
    "Table Properties,[e=3, password=*********(redacted), t=test],",
    "Storage Properties,[a=1, password=*********(redacted)],",
    "Partition Provider,Catalog,",
  ]);
  spark.sql("ALTER TABLE desc_t SET TBLPROPERTIES ('comment' = 'changed')");
  const changed = await sql("DESC EXTENDED desc_t");
  assert.ok(changed.includes("Comment,changed,"), "SET TBLPROPERTIES ('comment') sets the comment");
  assert.ok(changed.includes("Table Properties,[e=3, password=*********(redacted), t=test],"), "and is not a property");
  spark.sql("ALTER TABLE desc_t UNSET TBLPROPERTIES (comment)");
  assert.ok(!(await sql("DESC EXTENDED desc_t")).some((r) => r.startsWith("Comment,")), "the comment is gone");
  spark.sql("CREATE VIEW desc_v AS SELECT a, b FROM desc_t");
  assert.deepEqual((await sql("DESC EXTENDED desc_v")).filter((r) => !r.startsWith("Created Time")), [
    "a,string,NULL",
    "b,int,NULL",
    ",,",
    "# Detailed Table Information,,",
    "Catalog,spark_catalog,",
    "Database,default,",
    "Table,desc_v,",
    "Last Access,UNKNOWN,",
    "Created By,sluice,",
    "Type,VIEW,",
    "View Text,SELECT a, b FROM desc_t,",
    "View Original Text,SELECT a, b FROM desc_t,",
    "View Catalog and Namespace,spark_catalog.default,",
    "View Query Output Columns,[a, b],",
  ]);
  spark.sql("CREATE TEMPORARY VIEW desc_tv AS SELECT a FROM desc_t");
  assert.deepEqual(await sql("DESC EXTENDED desc_tv"), ["a,string,NULL"], "a temp view has no catalog entry to show");
  spark.sql("DROP VIEW desc_v");
  spark.sql("DROP VIEW desc_tv");
  spark.sql("DROP TABLE desc_t");
});

test("column DEFAULT values: kept as written, shown by DESC and SHOW CREATE TABLE, used by an INSERT that does not name the column", async () => {
  spark.sql("USE default");
  spark.sql("CREATE TABLE dflt (a STRING DEFAULT 'default-value', b INT DEFAULT 40 + 2, c INT) USING parquet");
  assert.deepEqual(await sql("DESC dflt"), [
    "a,string,NULL",
    "b,int,NULL",
    "c,int,NULL",
    ",,",
    "# Column Default Values,,",
    "a,string,'default-value'",
    "b,int,40 + 2",
  ]);
  const [ddl] = await sql("SHOW CREATE TABLE dflt");
  assert.match(ddl, /a STRING DEFAULT 'default-value',\n {2}b INT DEFAULT 40 \+ 2,\n {2}c INT\)/);
  spark.sql("INSERT INTO dflt (c) VALUES (1)");
  spark.sql("INSERT INTO dflt (c, a) VALUES (2, 'given')");
  spark.sql("INSERT INTO dflt VALUES ('all', 7, 3)");
  // The DEFAULT keyword in VALUES: the column's default, or NULL for a column without one.
  spark.sql("INSERT INTO dflt VALUES (DEFAULT, default, 4), ('x', 1, DEFAULT)");
  assert.deepEqual(await sql("SELECT * FROM dflt ORDER BY c NULLS LAST"), ["default-value,42,1", "given,42,2", "all,7,3", "default-value,42,4", "x,1,NULL"]);
  assert.throws(() => spark.sql("CREATE TABLE dflt_bad (a INT DEFAULT (1 +) USING parquet"), /syntax error/);
  assert.throws(() => spark.sql("CREATE TABLE dflt_gen (a INT GENERATED ALWAYS AS (1)) USING parquet"), /generated columns are not supported/);
  spark.sql("DROP TABLE dflt");
});
