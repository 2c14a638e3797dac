/**
 * Iceberg tables written by Spark, Java Iceberg and Athena (shared/fixtures/iceberg/icebird) read
 * through `spark.read.format("iceberg")`: documented row counts, values, deletes (position and
 * equality, checked against the raw files read by DuckDB), renamed and added columns by field id,
 * partition transforms, and time travel by snapshot id and timestamp.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession } from "../../../../src/index.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const { dir, skip } = fixtureFolder("iceberg/icebird/hyperparam-iceberg");
const spark = SparkSession.builder.getOrCreate();

async function rows(path: string, options: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  let reader = spark.read.format("iceberg");
  for (const [k, v] of Object.entries(options)) reader = reader.option(k, v);
  return (await reader.load(`${dir}/${path}`).collect()) as Record<string, unknown>[];
}

test("each fixture table reads with its documented row count", { skip }, async () => {
  const counts: Record<string, number> = { "spark/bunnies": 20, "java/bunnies": 15, "spark/rename_column": 4, "athena/example": 2 };
  for (const [t, n] of Object.entries(counts)) assert.equal((await rows(t)).length, n, t);
});

test("Athena's table reads its values", { skip }, async () => {
  assert.deepEqual(await rows("athena/example"), [
    { id: 1, name: "Alice" },
    { id: 2, name: "Bob" },
  ]);
});

test("a column renamed after the data was written reads by field id, in a bucket- and identity-partitioned table", { skip }, async () => {
  const r = (await rows("spark/rename_column")).sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(Object.keys(r[0]), ["id", "name", "event_date", "price", "active"]);
  assert.deepEqual(
    r.map((x) => [x.id, x.name, x.event_date === null ? null : (x.event_date as Date).toISOString().slice(0, 10), String(x.price), x.active]),
    [
      [1, "Flopsy 🐇", "2022-01-01", "9.99", true],
      [2, "Mopsy–Naïve", "2022-01-01", "-5.00", false],
      [3, "Cottontail", null, "0.00", true],
      [4, "Thumper", "2022-01-02", "99999999.99", false],
    ],
  );
});

test("a column added after the data was written reads as null in older files", { skip }, async () => {
  const r = await rows("spark/bunnies");
  assert.ok(r.every((x) => typeof x.breed_name_length === "number"), "the rewritten file holds the new column");
  const j = await rows("java/bunnies");
  assert.equal(j.filter((x) => x.__happy__ === null).length, 14);
  assert.equal(j.filter((x) => x.__happy__ === true).length, 1);
});

test("position and equality deletes remove exactly the rows DuckDB finds deleted in the raw files", { skip }, async () => {
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  const data = `${dir}/java/bunnies/data`;
  // The expected table, from the raw files: initial rows minus deleted positions minus the
  // equality-deleted breed, plus the updated row.
  const expected = await c.runAndReadAll(
    `with initial as (select *, row_number() over () - 1 as pos from read_parquet('${data}/bunnies-initial.parquet')),
          kept as (select * exclude (pos) from initial where pos not in (select pos from read_parquet('${data}/bunnies-pos-deletes.parquet'))
                   and "Breed_x20Name" not in (select "Breed_x20Name" from read_parquet('${data}/bunnies-eq-delete-new-zealand.parquet')))
     select "Breed_x20Name" as b from kept union all select "Breed_x20Name" from read_parquet('${data}/bunnies-updated-new-zealand.parquet') order by 1`,
  );
  const want = expected.getRowObjectsJson().map((x) => x.b);
  const got = (await rows("java/bunnies")).map((x) => x["Breed Name"]).sort();
  assert.deepEqual(got, [...want].sort());
  assert.equal(got.length, 15);
});

test("time travel: by snapshot id, versionAsOf and timestamp", { skip }, async () => {
  assert.equal((await rows("java/bunnies", { "snapshot-id": "4951213507629824583" })).length, 21);
  assert.equal((await rows("java/bunnies", { versionAsOf: "6458828015811002920" })).length, 15);
  // The delete snapshot was committed at 1743410793010 ms.
  assert.equal((await rows("java/bunnies", { "as-of-timestamp": "1743410793009" })).length, 21);
  assert.equal((await rows("java/bunnies", { "as-of-timestamp": "1743410793010" })).length, 15);
  // A snapshot's own schema: the first snapshot had no __happy__ column.
  const first = await rows("java/bunnies", { "snapshot-id": "4951213507629824583" });
  assert.ok(!("__happy__" in first[0]));
});

test("bad time-travel options are refused by name", { skip }, async () => {
  await assert.rejects(() => rows("java/bunnies", { "snapshot-id": "1" }), /has no snapshot 1/);
  await assert.rejects(() => rows("java/bunnies", { "as-of-timestamp": "1000" }), /no snapshot at or before/);
  await assert.rejects(() => rows("java/bunnies", { "snapshot-id": "x" }), /snapshot-id/);
  await assert.rejects(() => rows("java/bunnies", { "snapshot-id": "1", "as-of-timestamp": "5" }), /both/);
});

test("a folder without Iceberg metadata is refused naming the path", async () => {
  await assert.rejects(async () => spark.read.format("iceberg").load("/nonexistent/iceberg/t").collect(), /no Iceberg table at .*nonexistent/);
});
