import { test } from "node:test";
import assert from "node:assert/strict";
import { glueCatalogConfigured, parseTableName } from "../../../src/runtime/catalog-table.js";
import { AnalysisError, ConfigError } from "../../../src/errors.js";
import { SparkSession } from "../../../src/index.js";

test("table names: db.table, back-quoted parts, a bare table in default; lower-cased", () => {
  assert.deepEqual(parseTableName("Lake.Events"), { database: "lake", table: "events" });
  assert.deepEqual(parseTableName("`lake`.`events`"), { database: "lake", table: "events" });
  assert.deepEqual(parseTableName("events"), { database: "default", table: "events" });
  assert.throws(() => parseTableName("a.b.c"), AnalysisError);
  assert.throws(() => parseTableName("a-b"), AnalysisError);
});

test("the Glue catalog is configured by sluice.catalog or by Glue's Hive metastore client factory", () => {
  assert.equal(glueCatalogConfigured({}), false);
  assert.equal(glueCatalogConfigured({ "sluice.catalog": "glue" }), true);
  assert.equal(glueCatalogConfigured({ "sluice.catalog": "none" }), false);
  assert.equal(
    glueCatalogConfigured({ "spark.hadoop.hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory" }),
    true,
  );
  assert.throws(() => glueCatalogConfigured({ "sluice.catalog": "hive" }), ConfigError);
});

test("without a catalog, spark.table names temporary views only", () => {
  const spark = SparkSession.builder.getOrCreate();
  spark.createDataFrame([{ a: 1 }], "a INT").createOrReplaceTempView("catalog_table_view");
  assert.equal(spark.table("catalog_table_view").columns.length, 1);
  assert.throws(() => spark.table("lake.unknown"), /table or view not found: lake\.unknown/);
  assert.throws(() => spark.readStream.table("catalog_table_view"), /is a batch view; spark\.readStream\.table needs a streaming one/);
});
