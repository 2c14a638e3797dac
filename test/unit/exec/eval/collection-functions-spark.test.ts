/**
 * Spark 3.5's collection functions (arrays, maps, structs): values checked against Spark's
 * documented examples (`ExpressionDescription`s of collectionOperations.scala and
 * complexTypeCreator.scala) and the golden files' outputs; result types with their
 * containsNull / valueContainsNull flags as Spark computes them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/index.js";
import type { DataType } from "../../../../src/types/data-types.js";
import { col, lit } from "../../../../src/api/functions.js";
import * as F from "../../../../src/api/functions.js";

const spark = new SparkSession("collection-functions-spark", { "sluice.exec.workers": "0" });

/** The single value of `SELECT <sql> AS v`. */
async function one(sql: string): Promise<unknown> {
  const rows = await spark.sql(`SELECT ${sql} AS v`).collect();
  return (rows[0] as Record<string, unknown>).v;
}

function typeOf(sql: string): DataType {
  return spark.sql(`SELECT ${sql} AS v`).schema.fields[0].dataType;
}

async function fails(sql: string, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => spark.sql(`SELECT ${sql} AS v`).collect(), pattern);
}

test("array_contains / array_position: Spark's equality, null when only a null could match", async () => {
  assert.equal(await one("array_contains(array(1, 2, 3), 2)"), true);
  assert.equal(await one("array_contains(array(1, null), 2)"), null);
  assert.equal(await one("array_contains(array(1, null), 1)"), true);
  assert.equal(await one("array_contains(array(array(111, 112, 113)), array(111, 112, 113))"), true);
  // Ordering equality: -0.0 equals 0.0 and NaN equals NaN.
  assert.equal(await one("array_contains(array(0.0D), -0.0D)"), true);
  assert.equal(await one("array_position(array(3, 2, 1), 1)"), 3n);
  assert.equal(await one("array_position(array(3, 2, 1), 5)"), 0n);
  assert.equal(await one("array_position(array(double('NaN')), double('NaN'))"), 1n);
  await fails("array_contains(array(1), null)", /NULL_TYPE/);
  await fails("array_contains(array(1), 'a')", /ARRAY_FUNCTION_DIFF_TYPES/);
});

test("set functions: first occurrences in order, one null, NaN deduplicated", async () => {
  assert.deepEqual(await one("array_distinct(array(1, 2, 3, null, 3))"), [1, 2, 3, null]);
  assert.deepEqual(await one("array_union(array(1, 2, 3), array(1, 3, 5))"), [1, 2, 3, 5]);
  assert.deepEqual(await one("array_intersect(array(1, 2, 3), array(1, 3, 5))"), [1, 3]);
  assert.deepEqual(await one("array_except(array(1, 2, 3), array(1, 3, 5))"), [2]);
  assert.deepEqual(await one("array_union(array(1, null), array(null, 2))"), [1, null, 2]);
  assert.deepEqual(await one("array_intersect(array(1, null), array(null))"), [null]);
  assert.deepEqual(await one("array_except(array(1, null, 1), array(2))"), [1, null]);
  assert.deepEqual(await one("array_distinct(array(array(1), array(1), array(2)))"), [[1], [2]]);
  const d = (await one("array_distinct(array(double('NaN'), 1.0D, double('NaN')))")) as number[];
  assert.equal(d.length, 2);
  assert.ok(Number.isNaN(d[0]));
  // Hash-set equality of boxed doubles: -0.0 and 0.0 stay distinct.
  assert.deepEqual(((await one("array_distinct(array(0.0D, -0.0D))")) as number[]).map((x) => Object.is(x, -0)), [false, true]);
  assert.deepEqual(typeOf("array_union(array(1), array(2L))"), { typeName: "array", elementType: { typeName: "long" }, containsNull: false });
  const inter = typeOf("array_intersect(array(1, null), array(2))");
  assert.equal(inter.typeName === "array" && inter.containsNull, false);
});

test("arrays_overlap: true on a shared value, null when only nulls could overlap, false on an empty side", async () => {
  assert.equal(await one("arrays_overlap(array(1, 2, 3), array(3, 4, 5))"), true);
  assert.equal(await one("arrays_overlap(array(1, 2), array(3, null))"), null);
  assert.equal(await one("arrays_overlap(array(null), array())"), false);
  assert.equal(await one("arrays_overlap(array(1, 2), array(3, 4))"), false);
});

test("array_insert / array_append / array_prepend: Spark 3.5's positions and null padding", async () => {
  assert.deepEqual(await one("array_insert(array(1, 2, 3), 3, 4)"), [1, 2, 4, 3]);
  assert.deepEqual(await one("array_insert(array(2, 3, 4), 1, 1)"), [1, 2, 3, 4]);
  assert.deepEqual(await one("array_insert(array(1, 3, 4), -2, 2)"), [1, 2, 3, 4]);
  assert.deepEqual(await one("array_insert(array(2, 3, NULL, 4), 5, 5)"), [2, 3, null, 4, 5]);
  assert.deepEqual(await one("array_insert(array(2, 3, NULL, 4), -5, 1)"), [1, null, 2, 3, null, 4]);
  assert.deepEqual(await one("array_insert(array(1), 4, 9)"), [1, null, null, 9]);
  assert.equal(await one("array_insert(array(1, 2, 3, NULL), cast(NULL as INT), 4)"), null);
  await fails("array_insert(array(2, 3, 4), 0, 1)", /INVALID_INDEX_OF_ZERO/);
  await fails("array_insert(array(1, 2, 3), 3, '4')", /ARRAY_FUNCTION_DIFF_TYPES/);
  assert.deepEqual(await one("array_append(array(1, 2, 3, NULL), NULL)"), [1, 2, 3, null, null]);
  assert.deepEqual(await one("array_prepend(array('a', 'b'), 'd')"), ["d", "a", "b"]);
  assert.equal(await one("array_append(CAST(null AS ARRAY<STRING>), 'a')"), null);
  assert.deepEqual(await one("array_append(array(), 1)"), [1]);
  const t = typeOf("array_append(array(1), 2)");
  assert.equal(t.typeName === "array" && t.containsNull, false);
  const p = typeOf("array_prepend(array(1), 2)");
  assert.equal(p.typeName === "array" && p.containsNull, true);
});

test("array_remove / array_compact / array_repeat / flatten / slice", async () => {
  assert.deepEqual(await one("array_remove(array(1, 2, 3, null, 3), 3)"), [1, 2, null]);
  assert.deepEqual(await one("array_compact(array(1, null, 2, 3, null))"), [1, 2, 3]);
  assert.deepEqual(await one("array_compact(array(null))"), []);
  assert.deepEqual(await one("array_repeat('123', 2)"), ["123", "123"]);
  assert.deepEqual(await one("array_repeat(1, -1)"), []);
  assert.equal(await one("array_repeat(1, null)"), null);
  assert.deepEqual(await one("flatten(array(array(1, 2), array(3, 4)))"), [1, 2, 3, 4]);
  assert.equal(await one("flatten(array(array(1), null))"), null);
  assert.deepEqual(await one("slice(array(1, 2, 3, 4), 2, 2)"), [2, 3]);
  assert.deepEqual(await one("slice(array(1, 2, 3, 4), -2, 2)"), [3, 4]);
  assert.deepEqual(await one("slice(array(1, 2, 3, 4), 5, 2)"), []);
  await fails("slice(array(1, 2), 0, 1)", /INVALID_PARAMETER_VALUE\.START/);
  await fails("slice(array(1, 2), 1, -1)", /INVALID_PARAMETER_VALUE\.LENGTH/);
});

test("sort_array / array_min / array_max: NaN above every number, nulls first ascending", async () => {
  assert.deepEqual(await one("sort_array(array('b', 'd', null, 'c', 'a'), true)"), [null, "a", "b", "c", "d"]);
  assert.deepEqual(await one("sort_array(array('b', 'd', null, 'c', 'a'), false)"), ["d", "c", "b", "a", null]);
  const s = (await one("sort_array(array(double('NaN'), 1.0D, -1.0D, null))")) as (number | null)[];
  assert.deepEqual(s.slice(0, 3), [null, -1, 1]);
  assert.ok(Number.isNaN(s[3]));
  assert.deepEqual(await one("sort_array(array(array(2), array(1, 5), array(1)))"), [[1], [1, 5], [2]]);
  await fails("sort_array(array('b', 'd'), '1')", /UNEXPECTED_INPUT_TYPE/);
  await fails("sort_array(array('b', 'd'), cast(NULL as boolean))", /UNEXPECTED_INPUT_TYPE/);
  assert.equal(await one("array_min(array(1, 20, null, 3))"), 1);
  assert.equal(await one("array_max(array(1, 20, null, 3))"), 20);
  assert.ok(Number.isNaN(await one("array_max(array(1.0D, double('NaN')))")));
  assert.equal(await one("array_max(array(cast(null AS int)))"), null);
  const shuffled = (await one("shuffle(array(1, 20, 3, 5))")) as number[];
  assert.deepEqual([...shuffled].sort((a, b) => a - b), [1, 3, 5, 20]);
});

test("array_join: null elements skipped or replaced; non-string arrays cast to strings", async () => {
  assert.equal(await one("array_join(array('hello', 'world'), ' ')"), "hello world");
  assert.equal(await one("array_join(array('hello', null ,'world'), ' ')"), "hello world");
  assert.equal(await one("array_join(array('hello', null ,'world'), ' ', ',')"), "hello , world");
  assert.equal(await one("array_join(array(2, 1), ', ')"), "2, 1");
  assert.equal(await one("array_join(array(true, false), ', ')"), "true, false");
  assert.equal(await one("array_join(array('a'), null)"), null);
});

test("sequence: integral steps both ways and dates a day apart; bad boundaries fail", async () => {
  assert.deepEqual(await one("sequence(1, 5)"), [1, 2, 3, 4, 5]);
  assert.deepEqual(await one("sequence(5, 1)"), [5, 4, 3, 2, 1]);
  assert.deepEqual(await one("sequence(1, 9, 3)"), [1, 4, 7]);
  assert.deepEqual(await one("sequence(1L, 3)"), [1n, 2n, 3n]);
  const days = (await one("sequence(DATE'2018-01-01', DATE'2018-01-03')")) as Date[];
  assert.deepEqual(days.map((d) => d.toISOString().slice(0, 10)), ["2018-01-01", "2018-01-02", "2018-01-03"]);
  // A day of local time in the session zone: 23 hours across the spring-forward change.
  const la = new SparkSession("collection-functions-spark-la", { "sluice.exec.workers": "0", "spark.sql.session.timeZone": "America/Los_Angeles" });
  const rows = await la.sql("SELECT sequence(TIMESTAMP'2023-03-11 00:00:00', TIMESTAMP'2023-03-13 00:00:00') AS v").collect();
  assert.deepEqual(
    ((rows[0] as Record<string, unknown>).v as Date[]).map((d) => d.toISOString()),
    ["2023-03-11T08:00:00.000Z", "2023-03-12T08:00:00.000Z", "2023-03-13T07:00:00.000Z"],
  );
  await fails("sequence(DATE'2018-01-01', DATE'2018-01-03', 1)", /SEQUENCE_WRONG_INPUT_TYPES/);
  const t = typeOf("sequence(1, 2)");
  assert.equal(t.typeName === "array" && t.containsNull, false);
  await fails("sequence(1, 5, -1)", /Illegal sequence boundaries/);
});

test("arrays_zip: structs named after columns or positions, null past a shorter array", async () => {
  assert.deepEqual(await one("arrays_zip(array(1, 2, 3), array(2, 3, 4))"), [
    { "0": 1, "1": 2 },
    { "0": 2, "1": 3 },
    { "0": 3, "1": 4 },
  ]);
  assert.deepEqual(await one("arrays_zip(array(1, 2), array(3))"), [
    { "0": 1, "1": 3 },
    { "0": 2, "1": null },
  ]);
  assert.equal(await one("size(arrays_zip(array(1, 2, 3), array(4), null, array(7, 8, 9, 10)))"), -1);
  const rows = await spark.sql("SELECT arrays_zip(a, b) AS z FROM VALUES (array(1), array('x')) AS t(a, b)").collect();
  assert.deepEqual((rows[0] as Record<string, unknown>).z, [{ a: 1, b: "x" }]);
});

test("struct names fields after columns, aliases and extraction keys, else colN", async () => {
  const df = spark.sql("SELECT struct(a, b AS bb, m['k'], 1) AS s FROM VALUES (1, 'x', map('k', 2)) AS t(a, b, m)");
  const st = df.schema.fields[0].dataType;
  assert.ok(st.typeName === "struct");
  assert.deepEqual(
    st.fields.map((f) => f.name),
    ["a", "bb", "k", "col4"],
  );
  assert.deepEqual(((await df.collect())[0] as Record<string, unknown>).s, { a: 1, bb: "x", k: 2, col4: 1 });
});

test("array_size, size, get, element_at and try_element_at", async () => {
  assert.equal(await one("array_size(array(2, 1))"), 2);
  assert.equal(await one("array_size(NULL)"), null);
  assert.equal(await one("size(NULL)"), -1);
  await fails("array_size(map('a', 1))", /array/);
  assert.equal(await one("get(array(1, 2, 3), 0)"), 1);
  assert.equal(await one("get(array(1, 2, 3), 3)"), null);
  assert.equal(await one("get(array(1, 2, 3), -1)"), null);
  assert.equal(await one("try_element_at(array(1, 2, 3), -1)"), 3);
  assert.equal(await one("try_element_at(array(1, 2, 3), 4)"), null);
  assert.equal(await one("try_element_at(map('a','b'), 'a')"), "b");
  assert.equal(await one("try_element_at(map('a','b'), 'abc')"), null);
  await fails("try_element_at(array(1, 2, 3), 0)", /INVALID_INDEX_OF_ZERO/);
  assert.equal(await one("element_at(map(1.0D, 'a'), 1)"), "a");
  await fails("element_at(array(1, 2), 1L)", /UNEXPECTED_INPUT_TYPE/);
});

test("map: keys and values widened; duplicate and null keys fail as Spark's EXCEPTION policy", async () => {
  assert.deepEqual(await one("map(1, 'a', 2, 'b')"), new Map([[1, "a"], [2, "b"]]));
  assert.deepEqual(typeOf("map(1, 'a', 2L, null)"), { typeName: "map", keyType: { typeName: "long" }, valueType: { typeName: "string" }, valueContainsNull: true });
  assert.deepEqual(typeOf("map()"), { typeName: "map", keyType: { typeName: "null" }, valueType: { typeName: "null" }, valueContainsNull: false });
  await fails("map(1, 'a', 1, 'b')", /DUPLICATED_MAP_KEY.*Duplicate map key 1 was found/);
  await fails("map(null, 'a')", /NULL_MAP_KEY/);
  await fails("map(map(1, 2), 'a')", /INVALID_MAP_KEY_TYPE/);
  await fails("map(1, 'a', 2)", /WRONG_NUM_ARGS/);
});

test("map_keys / map_values / map_entries / map_contains_key", async () => {
  assert.deepEqual(await one("map_keys(map(1, 'a', 2, 'b'))"), [1, 2]);
  assert.deepEqual(await one("map_values(map(1, 'a', 2, 'b'))"), ["a", "b"]);
  assert.deepEqual(await one("map_entries(map(1, 'a', 2, 'b'))"), [
    { key: 1, value: "a" },
    { key: 2, value: "b" },
  ]);
  const keys = typeOf("map_keys(map(1, 'a'))");
  assert.equal(keys.typeName === "array" && keys.containsNull, true);
  const entries = typeOf("map_entries(map(1, 'a'))");
  assert.ok(entries.typeName === "array" && !entries.containsNull && entries.elementType.typeName === "struct" && !entries.elementType.fields[0].nullable);
  assert.equal(await one("map_contains_key(map(1, 'a', 2, 'b'), 1)"), true);
  assert.equal(await one("map_contains_key(map(1, 'a', 2, 'b'), 5.0)"), false);
  assert.equal(await one("map_contains_key(map(1.0, 'a', 2, 'b'), 1)"), true);
  await fails("map_contains_key(map('1', 'a', '2', 'b'), 1)", /MAP_FUNCTION_DIFF_TYPES/);
  await fails("map_contains_key(map(1, 'a', 2, 'b'), '1')", /MAP_FUNCTION_DIFF_TYPES/);
});

test("map_from_arrays / map_from_entries / map_concat / str_to_map", async () => {
  const fromArrays = typeOf("map_from_arrays(array(1.0, 3.0), array('2', null))");
  assert.ok(fromArrays.typeName === "map" && fromArrays.keyType.typeName === "decimal" && fromArrays.valueContainsNull);
  assert.deepEqual(await one("map_keys(map_from_arrays(array(1, 3), array('2', '4')))"), [1, 3]);
  await fails("map_from_arrays(array(1, 1), array('2', '4'))", /DUPLICATED_MAP_KEY/);
  await fails("map_from_arrays(array(1, null), array('2', '4'))", /NULL_MAP_KEY/);
  await fails("map_from_arrays(array(1), array('2', '4'))", /same length/);
  assert.deepEqual(await one("map_from_entries(array(struct(1, 'a'), struct(2, 'b')))"), new Map([[1, "a"], [2, "b"]]));
  assert.equal(await one("map_from_entries(array(struct(1, 'a'), null))"), null);
  assert.deepEqual(await one("map_concat(map(1, 'a', 2, 'b'), map(3, 'c'))"), new Map([[1, "a"], [2, "b"], [3, "c"]]));
  await fails("map_concat(map(1, 'a'), map(1, 'c'))", /DUPLICATED_MAP_KEY/);
  assert.deepEqual(typeOf("map_concat(map(1Y, 2Y), map(3S, 4S))"), { typeName: "map", keyType: { typeName: "short" }, valueType: { typeName: "short" }, valueContainsNull: false });
  await fails("map_concat(map(1, 2), map(array(1), array(2)))", /DATA_DIFF_TYPES/);
  assert.deepEqual(await one("str_to_map('a:1,b:2,c:3', ',', ':')"), new Map([["a", "1"], ["b", "2"], ["c", "3"]]));
  assert.deepEqual(await one("str_to_map('a')"), new Map([["a", null]]));
  assert.deepEqual(await one("str_to_map('a=1=2;b', ';', '=')"), new Map([["a", "1=2"], ["b", null]]));
  await fails("str_to_map('a:1,a:2')", /DUPLICATED_MAP_KEY/);
});

test("the Column builders call the same functions", async () => {
  const df = spark.sql("SELECT array(3, 1, 2) AS xs, map('k', 1) AS m");
  const rows = await df
    .select(
      F.sort_array("xs").alias("sorted"),
      F.array_contains("xs", 2).alias("has2"),
      F.slice("xs", 1, 2).alias("head"),
      F.array_join("xs", "-").alias("joined"),
      F.map_keys("m").alias("keys"),
      F.map_contains_key("m", "k").alias("hasK"),
      F.array_insert("xs", 1, 0).alias("ins"),
      F.create_map(lit("a"), col("xs")).alias("made"),
      F.get("xs", 0).alias("first"),
    )
    .collect();
  assert.deepEqual(rows[0], {
    sorted: [1, 2, 3],
    has2: true,
    head: [3, 1],
    joined: "3-1-2",
    keys: ["k"],
    hasK: true,
    ins: [0, 3, 1, 2],
    made: new Map([["a", [3, 1, 2]]]),
    first: 3,
  });
});
