/**
 * `spark.sql` over the warehouse catalog: CREATE TABLE (parquet, partitioned, Delta, CTAS),
 * INSERT INTO / OVERWRITE with column lists, DESCRIBE / SHOW, DROP TABLE, databases, tables seen
 * by a second session, Delta's UPDATE / DELETE / MERGE INTO, statements that run in the background
 * in order (and whose errors surface), and a foreachBatch upsert written as SQL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, AnalysisError, ExecutionError, MemoryStream } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";
import { tempPath } from "./support.js";

const warehouse = tempPath("warehouse");
const spark = new SparkSession("sql-tables-test", { "sluice.exec.workers": "0", "spark.sql.warehouse.dir": warehouse });

async function rows(df: DataFrame): Promise<string[]> {
  return (await df.collect()).map((r) => Object.values(r).map((v) => (v === null ? "NULL" : String(v))).join(","));
}
const sql = (q: string) => rows(spark.sql(q));

/** Every file (not folder) under `dir`, or [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

test("CREATE TABLE … USING parquet, INSERT without awaiting, SELECT sees every row in order of statements", async () => {
  spark.sql("CREATE TABLE t (a INT, b STRING) USING parquet");
  spark.sql("INSERT INTO t VALUES (1, 'x'), (2, 'y')");
  spark.sql("INSERT INTO t (b, a) SELECT 'z', 3");
  assert.deepEqual(await sql("SELECT * FROM t ORDER BY a"), ["1,x", "2,y", "3,z"]);
  assert.throws(() => spark.sql("INSERT OVERWRITE TABLE t SELECT a * 10, b FROM t"), (e: unknown) => e instanceof AnalysisError && /also being read from/.test(e.message));
  spark.sql("INSERT OVERWRITE TABLE t VALUES (20, 'y'), (30, 'z')");
  assert.deepEqual(await sql("SELECT a FROM t ORDER BY a"), ["20", "30"]);
  assert.deepEqual(await sql("DESCRIBE t"), ["a,int,NULL", "b,string,NULL"]);
  assert.deepEqual((await rows(spark.table("t").select("b"))).sort(), ["y", "z"]);
  // A second session over the same warehouse sees the table.
  const other = new SparkSession("sql-tables-other", { "sluice.exec.workers": "0", "spark.sql.warehouse.dir": warehouse });
  assert.deepEqual(await rows(other.sql("SELECT count(*) FROM t")), ["2"]);
  assert.throws(() => spark.sql("CREATE TABLE t (a INT) USING parquet"), (e: unknown) => e instanceof AnalysisError && /already exists/.test(e.message));
  spark.sql("CREATE TABLE IF NOT EXISTS t (a INT) USING parquet");
  assert.throws(() => spark.sql("INSERT INTO t VALUES (1)"), (e: unknown) => e instanceof AnalysisError && /has 2 columns to fill \(a, b\) but the data has 1/.test(e.message));
  spark.sql("DROP TABLE t");
  assert.throws(() => spark.sql("SELECT * FROM t"), (e: unknown) => e instanceof AnalysisError && /table or view not found: t/.test(e.message));
  assert.deepEqual(filesUnder(`${warehouse}/t`), [], "a managed table's data goes with it");
});

test("partitioned tables, CTAS, SHOW TABLES, databases and USE", async () => {
  spark.sql("CREATE TABLE p (part STRING, x INT) USING parquet PARTITIONED BY (part)");
  assert.deepEqual(spark.table("p").columns, ["x", "part"], "file tables list partition columns last");
  spark.sql("INSERT INTO p VALUES (1, 'a'), (2, 'b')");
  assert.deepEqual(await sql("SELECT part, x FROM p ORDER BY x"), ["a,1", "b,2"]);
  assert.ok(existsSync(`${warehouse}/p/part=a`));
  spark.sql("CREATE TABLE c USING json AS SELECT x, part FROM p WHERE x > 1");
  assert.deepEqual(await sql("SELECT * FROM c"), ["2,b"]);
  spark.sql("CREATE DATABASE IF NOT EXISTS sales");
  spark.sql("CREATE TABLE sales.orders (id BIGINT) USING delta");
  spark.sql("USE sales");
  spark.sql("INSERT INTO orders VALUES (7)");
  assert.deepEqual(await sql("SELECT id FROM sales.orders"), ["7"]);
  assert.deepEqual(await sql("SHOW TABLES"), ["sales,orders,false"]);
  spark.sql("USE default");
  assert.deepEqual((await sql("SHOW TABLES LIKE 'p|c'")).sort(), ["default,c,false", "default,p,false"]);
  assert.deepEqual(await sql("SHOW DATABASES"), ["default", "sales"]);
  assert.throws(() => spark.sql("DROP DATABASE sales"), (e: unknown) => e instanceof AnalysisError && /not empty/.test(e.message));
  spark.sql("DROP DATABASE sales CASCADE");
  assert.deepEqual(await sql("SHOW DATABASES"), ["default"]);
});

test("Delta DML: UPDATE, DELETE and MERGE INTO with every clause kind", async () => {
  spark.sql("CREATE TABLE d (id INT, v STRING) USING delta");
  spark.sql("INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
  assert.deepEqual(await sql("UPDATE d SET v = upper(v) WHERE id <= 2"), ["2"]);
  assert.deepEqual(await sql("DELETE FROM d WHERE id = 1"), ["1"]);
  spark.createDataFrame([{ id: 2, v: "bb" }, { id: 3, v: "gone" }, { id: 9, v: "new" }], "id INT, v STRING").createOrReplaceTempView("changes");
  const merged = await sql(`MERGE INTO d AS t USING changes AS s ON t.id = s.id
    WHEN MATCHED AND s.v = 'gone' THEN DELETE
    WHEN MATCHED THEN UPDATE SET v = s.v
    WHEN NOT MATCHED THEN INSERT *
    WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = 'untouched'`);
  assert.deepEqual(merged, ["4,2,1,1"]);
  assert.deepEqual(await sql("SELECT * FROM d ORDER BY id"), ["2,bb", "4,untouched", "9,new"]);
  spark.sql("CREATE TABLE pq (id INT) USING parquet");
  assert.throws(() => spark.sql("UPDATE pq SET id = 1"), (e: unknown) => e instanceof AnalysisError && /only supported for Delta tables/.test(e.message));
  // A merge that fails while running (two source rows match one target row) surfaces its error.
  spark.createDataFrame([{ id: 2, v: "x" }, { id: 2, v: "y" }], "id INT, v STRING").createOrReplaceTempView("dups");
  spark.sql("MERGE INTO d t USING dups s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *");
  await assert.rejects(spark.sql("SELECT 1").collect(), (e: unknown) => e instanceof ExecutionError);
  assert.deepEqual(await sql("SELECT v FROM d WHERE id = 2"), ["bb"]);
});

test("a foreachBatch upsert written with spark.sql MERGE INTO, not awaited, is done when the batch commits", async () => {
  spark.sql("CREATE TABLE latest (id INT, ts INT, v STRING) USING delta");
  const input = new MemoryStream("id INT, ts INT, v STRING", `upsert_${process.pid}`);
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .writeStream.foreachBatch(async (batch) => {
      batch.createOrReplaceTempView("micro");
      spark.sql(`MERGE INTO latest t
        USING (SELECT id, ts, v FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY ts DESC) AS rn FROM micro) WHERE rn = 1) s
        ON t.id = s.id
        WHEN MATCHED AND s.ts > t.ts THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *`);
    })
    .option("checkpointLocation", tempPath("upsert-checkpoint"))
    .start();
  input.addData([{ id: 1, ts: 1, v: "a" }, { id: 1, ts: 2, v: "b" }, { id: 2, ts: 1, v: "c" }]);
  await q.processAllAvailable();
  input.addData([{ id: 1, ts: 3, v: "d" }, { id: 2, ts: 0, v: "old" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(await sql("SELECT * FROM latest ORDER BY id"), ["1,3,d", "2,1,c"]);
});

test("ALTER TABLE … SET / UNSET TBLPROPERTIES on a Delta table commits the configuration", async () => {
  spark.sql("CREATE TABLE props (id INT) USING delta");
  spark.sql("ALTER TABLE props SET TBLPROPERTIES ('delta.logRetentionDuration' = 'interval 7 days')");
  const history = await spark.sql("DESCRIBE HISTORY props").collect();
  assert.equal(history[0].operation, "SET TBLPROPERTIES");
  const log = readdirSync(join(warehouse, "props", "_delta_log")).filter((n) => n.endsWith(".json")).sort();
  const { readFileSync } = await import("node:fs");
  assert.match(readFileSync(join(warehouse, "props", "_delta_log", log[log.length - 1]), "utf8"), /"delta.logRetentionDuration":"interval 7 days"/);
  assert.deepEqual(await sql("SHOW TBLPROPERTIES props"), ["delta.logRetentionDuration,interval 7 days"]);
  spark.sql("ALTER TABLE props UNSET TBLPROPERTIES ('delta.logRetentionDuration')");
  assert.deepEqual(await sql("SHOW TBLPROPERTIES props"), []);
  spark.sql("ALTER TABLE props SET TBLPROPERTIES ('delta.nope' = '1')");
  await assert.rejects(spark.sql("SELECT 1").collect(), /table property 'delta.nope'/);
});

test("DESCRIBE DETAIL of a Delta table gives Delta's one-row summary", async () => {
  spark.sql("CREATE TABLE detailed (id INT, p STRING) USING delta PARTITIONED BY (p)");
  spark.sql("INSERT INTO detailed VALUES (1, 'a'), (2, 'b')");
  const [d] = await spark.sql("DESCRIBE DETAIL detailed").collect();
  assert.equal(d.format, "delta");
  assert.equal(d.name, "spark_catalog.default.detailed");
  assert.deepEqual(d.partitionColumns, ["p"]);
  assert.equal(d.numFiles, 2n);
  assert.ok((d.sizeInBytes as bigint) > 0n);
  assert.equal(d.minReaderVersion, 1);
  assert.throws(() => spark.sql("CREATE TABLE notdelta (id INT) USING parquet") && spark.sql("DESCRIBE DETAIL notdelta"), /only supported for Delta tables/);
});

test("SHOW CREATE TABLE prints Spark's statement, secrets redacted", async () => {
  spark.sql("CREATE TABLE shown (a INT NOT NULL, b STRING COMMENT 'the b') USING parquet OPTIONS ('sep' = ';', 'password' = 'x') PARTITIONED BY (b) COMMENT 'c' TBLPROPERTIES ('k' = 'v')");
  const [r] = await spark.sql("SHOW CREATE TABLE shown").collect();
  assert.equal(
    r.createtab_stmt,
    "CREATE TABLE spark_catalog.default.shown (\n  a INT NOT NULL,\n  b STRING COMMENT 'the b')\nUSING parquet\nOPTIONS (\n  'sep' = ';',\n  'password' = '*********(redacted)')\nPARTITIONED BY (b)\nCOMMENT 'c'\nTBLPROPERTIES (\n  'k' = 'v')",
  );
});
