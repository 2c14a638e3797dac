/**
 * `spark.sql` with Iceberg tables: CREATE TABLE … USING iceberg (an empty table with its columns,
 * NOT NULL kept, partitioning and properties), INSERT INTO / OVERWRITE (an overwrite may read the
 * table it replaces: snapshots isolate it), CTAS and ``iceberg.`path` `` references.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";
import { tempPath } from "./support.js";

const warehouse = tempPath("iceberg-warehouse");
const spark = new SparkSession("sql-iceberg-test", { "sluice.exec.workers": "0", "spark.sql.warehouse.dir": warehouse });

async function rows(df: DataFrame): Promise<string[]> {
  return (await df.collect()).map((r) => Object.values(r).map((v) => (v === null ? "NULL" : String(v))).join(","));
}
const sql = (q: string) => rows(spark.sql(q));

test("CREATE TABLE … USING iceberg makes an empty v2 table; INSERT and INSERT OVERWRITE from itself work", async () => {
  spark.sql("CREATE TABLE bookings (id BIGINT NOT NULL, hotel STRING, amount DECIMAL(10,2)) USING iceberg PARTITIONED BY (hotel) TBLPROPERTIES ('write.target-file-size-bytes'='1000000')");
  assert.deepEqual(await sql("SELECT count(*) FROM bookings"), ["0"]);
  const location = join(warehouse, "bookings");
  const meta = JSON.parse(readFileSync(join(location, "metadata", "v1.metadata.json"), "utf8")) as Record<string, unknown>;
  assert.equal(meta["format-version"], 2);
  assert.deepEqual((meta.schemas as { fields: { name: string; required: boolean; type: string }[] }[])[0].fields.map((f) => [f.name, f.required, f.type]), [
    ["id", true, "long"],
    ["hotel", false, "string"],
    ["amount", false, "decimal(10, 2)"],
  ]);
  assert.equal((meta.properties as Record<string, string>)["write.target-file-size-bytes"], "1000000");
  assert.deepEqual((meta["partition-specs"] as { fields: { name: string; transform: string }[] }[])[0].fields.map((f) => [f.name, f.transform]), [["hotel", "identity"]]);
  spark.sql("INSERT INTO bookings VALUES (1, 'h1', 10.50), (2, 'h2', 20.00)");
  spark.sql("INSERT INTO bookings SELECT id + 10, hotel, amount FROM bookings");
  assert.deepEqual(await sql("SELECT hotel, count(*), sum(amount) FROM bookings GROUP BY hotel ORDER BY hotel"), ["h1,2,21.00", "h2,2,40.00"]);
  spark.sql("INSERT OVERWRITE bookings SELECT * FROM bookings WHERE id < 5");
  assert.deepEqual(await sql("SELECT id FROM bookings ORDER BY id"), ["1", "2"]);
  const snapshots = await rows(spark.read.format("iceberg").load(location).selectExpr("count(*)"));
  assert.deepEqual(snapshots, ["2"]);
});

test("CTAS into an iceberg.`path`, read back by path", async () => {
  const path = join(warehouse, "..", "iceberg-ctas");
  // The statement runs in the background; a path table's schema is read when the next query is defined.
  await spark.sql(`CREATE TABLE iceberg.\`${path}\` USING iceberg TBLPROPERTIES ('owner'='sluice') AS SELECT id, id * 2 AS twice FROM range(5)`).collect();
  assert.deepEqual(await sql(`SELECT sum(twice) FROM iceberg.\`${path}\``), ["20"]);
  const meta = JSON.parse(readFileSync(join(path, "metadata", "v1.metadata.json"), "utf8")) as { properties: Record<string, string> };
  assert.equal(meta.properties.owner, "sluice");
});
