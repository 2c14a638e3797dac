/** Spark's XPath functions: node values, strings, booleans and numbers, nulls and bad XML. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/index.js";

const spark = new SparkSession("xml-functions", { "sluice.exec.workers": "0" });

async function row(sql: string): Promise<unknown[]> {
  return Object.values((await spark.sql(sql).collect())[0] as Record<string, unknown>);
}

test("xpath gives the matched nodes' values; the typed forms evaluate the path as Spark's", async () => {
  const xml = "'<a><b>b1</b><b>b2</b><b>b3</b><c>c1</c><c>c2</c></a>'";
  assert.deepEqual(await row(`SELECT xpath(${xml}, 'a/b/text()'), xpath(${xml}, 'a/b'), xpath_string(${xml}, 'a/c'), xpath_boolean(${xml}, 'a/b')`), [
    ["b1", "b2", "b3"],
    [null, null, null],
    "c1",
    true,
  ]);
  const nums = "'<a><b>1</b><b>2.5</b></a>'";
  assert.deepEqual(await row(`SELECT xpath_double(${nums}, 'sum(a/b)'), xpath_number(${nums}, 'sum(a/b)'), xpath_int(${nums}, 'sum(a/b)'), xpath_long(${nums}, 'sum(a/b)'), xpath_float(${nums}, 'a/b[2]')`), [3.5, 3.5, 3, 3n, 2.5]);
  assert.deepEqual(await row("SELECT xpath_int('<a>x</a>', 'a'), xpath_double('<a>x</a>', 'a')"), [0, Number.NaN]);
});

test("null or empty XML gives null; XML that does not parse is an error; the path must be constant", async () => {
  assert.deepEqual(await row("SELECT xpath_string(NULL, 'a'), xpath_string('', 'a'), xpath(CAST(NULL AS STRING), 'a')"), [null, null, null]);
  await assert.rejects(row("SELECT xpath_string('<a><b></a>', 'a')"), /Invalid XML document/);
  assert.throws(() => spark.sql("SELECT xpath_string('<a/>', p) FROM VALUES ('a') t(p)"), /constant string/);
});
