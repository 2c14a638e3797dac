/**
 * count_min_sketch: the serialized sketch must be Spark's bytes exactly. Expected bytes come from
 * Spark's documented example, from hand derivation of CountMinSketchImpl's algorithm, and from an
 * independent Java program (java.util.Random, DataOutputStream) written from CountMinSketchImpl.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, col, count_min_sketch, hex } from "../../../../src/index.js";
import { CountMinSketchAccumulator, mergeSketchBytes, sketchShape } from "../../../../src/exec/aggregate/count-min-sketch.js";
import { JavaRandom } from "../../../../src/exec/aggregate/java-random.js";
import { ByteReader, ByteWriter } from "../../../../src/state/byte-io.js";
import { IntegerType } from "../../../../src/types/data-types.js";
import { restartedAggregation } from "./support.js";

const spark = new SparkSession("count-min-sketch", { "sluice.exec.workers": "0" });

async function hexOf(sql: string): Promise<unknown> {
  const rows = await spark.sql(sql).collect();
  return Object.values(rows[0] as Record<string, unknown>)[0];
}

/** Big-endian hex of a sketch: version 1, total, depth, width, multipliers, table rows. */
function sketchHex(total: number, depth: number, width: number, hashA: number[], table: number[]): string {
  const long = (v: number) => v.toString(16).toUpperCase().padStart(16, "0");
  const int = (v: number) => v.toString(16).toUpperCase().padStart(8, "0");
  return int(1) + long(total) + int(depth) + int(width) + hashA.map(long).join("") + table.map(long).join("");
}

/** eps 0.5, confidence 0.9, seed 3: depth 4, width 4 (Java's Random(3).nextInt(Integer.MAX_VALUE) ×4). */
const HASH_A_3 = [0x5d9349a6, 0x47fd02cc, 0x09164442, 0x671273f5];

test("java.util.Random's LCG and nextInt, as Java computes them", () => {
  const r = new JavaRandom(42);
  assert.deepEqual([r.nextInt(100), r.nextInt(0x7fffffff), r.nextInt(1 << 20)], [30, 117392763, 716411]);
  assert.equal(new JavaRandom(-1).nextInt(0x7fffffff), 577549913);
  assert.deepEqual(sketchShape(0.5, 0.5, 1), { depth: 1, width: 4, hashA: [0x5d8d6ab9] });
  assert.deepEqual(sketchShape(0.5, 0.9, 3).hashA, HASH_A_3);
  // width = ceil(2 / eps), depth = ceil(-log2(1 - confidence)).
  assert.deepEqual([sketchShape(0.3, 0.9, 0).width, sketchShape(0.3, 0.9, 0).depth], [7, 4]);
  assert.deepEqual([sketchShape(0.001, 0.99, 0).width, sketchShape(0.001, 0.99, 0).depth], [2000, 7]);
});

test("Spark's documented example", async () => {
  assert.equal(
    await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.5d, 1)) FROM VALUES (1), (2), (1) AS tab(col)"),
    "0000000100000000000000030000000100000004000000005D8D6AB90000000000000000000000000000000200000000000000010000000000000000",
  );
});

test("a hand-derived sketch; empty input and all-null input give the empty sketch", async () => {
  // a = 0x5D8D6AB9 = 1569548985; a·5 = 7847744925; + (that >> 32 = 1) = 7847744926;
  // & (2^31 - 1) = 1405293982; mod 4 = 2: the count lands in bucket 2.
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.5d, 1)) FROM VALUES (5), (NULL) AS tab(col)"), sketchHex(1, 1, 4, [0x5d8d6ab9], [0, 0, 1, 0]));
  const empty = sketchHex(0, 1, 4, [0x5d8d6ab9], [0, 0, 0, 0]);
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.5d, 1)) FROM VALUES (5) AS tab(col) WHERE col > 5"), empty);
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.5d, 1)) FROM VALUES (CAST(NULL AS INT)) AS tab(col)"), empty);
});

test("longs (with the extremes), ints, shorts and bytes hash as longs", async () => {
  const longs = "VALUES (-9223372036854775808L), (9223372036854775807L), (-1L), (0L), (123456789012L), (-5L), (7L) AS tab(col)";
  assert.equal(
    await hexOf(`SELECT hex(count_min_sketch(col, 0.5d, 0.9d, 3)) FROM ${longs}`),
    sketchHex(7, 4, 4, HASH_A_3, [5, 2, 0, 0, 2, 1, 1, 3, 3, 3, 1, 0, 3, 1, 2, 1]),
  );
  const five = sketchHex(2, 4, 4, HASH_A_3, [0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2]);
  for (const t of ["INT", "SHORT", "BYTE", "BIGINT"]) {
    assert.equal(await hexOf(`SELECT hex(count_min_sketch(CAST(col AS ${t}), 0.5d, 0.9d, 3)) FROM VALUES (5), (5) AS tab(col)`), five, t);
  }
});

test("strings hash their UTF-8 bytes with Spark's legacy Murmur3, as binaries do", async () => {
  const strings = "0000000100000000000000030000000400000007000000002272954600000000736445C100000000562ACD1600000000791176FB0000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000001000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000000000000000000000020000000000000001000000000000000000000000000000000000000000000000";
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.3d, 0.9d, -7)) FROM VALUES ('a'), ('bcdef'), (NULL), ('a') AS tab(col)"), strings);
  const a = sketchHex(1, 4, 4, HASH_A_3, [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.9d, 3)) FROM VALUES ('a') AS tab(col)"), a);
  assert.equal(await hexOf("SELECT hex(count_min_sketch(col, 0.5d, 0.9d, 3)) FROM VALUES (X'61') AS tab(col)"), a);
});

test("named arguments, the column builder, and grouping", async () => {
  const doc = "0000000100000000000000030000000100000004000000005D8D6AB90000000000000000000000000000000200000000000000010000000000000000";
  assert.equal(await hexOf("SELECT hex(count_min_sketch(seed => 1, epsilon => 0.5d, confidence => 0.5d, column => col)) FROM VALUES (1), (2), (1) AS tab(col)"), doc);
  const df = spark.sql("SELECT * FROM VALUES ('x', 1), ('y', 5), ('x', 2), ('x', 1) AS tab(k, v)");
  const rows = await df.groupBy("k").agg(hex(count_min_sketch("v", 0.5, 0.5, 1)).alias("s")).orderBy(col("k")).collect();
  assert.deepEqual(rows.map((r) => [r.k, r.s]), [["x", doc], ["y", sketchHex(1, 1, 4, [0x5d8d6ab9], [0, 0, 1, 0])]]);
});

test("argument checks follow CountMinSketchAgg.checkInputDataTypes", async () => {
  const bad = async (args: string, pattern: RegExp, values = "(1, 0.5d)") => {
    await assert.rejects(async () => spark.sql(`SELECT count_min_sketch(${args}) FROM VALUES ${values} AS tab(col, d)`).collect(), pattern);
  };
  await bad("col, 0.5, 0.5d, 1", /UNEXPECTED_INPUT_TYPE.*parameter 2 requires the "DOUBLE" type/);
  await bad("col, 0.5d, 0.5d, 1L", /UNEXPECTED_INPUT_TYPE.*parameter 4 requires the "INT" type/);
  await bad("d, 0.5d, 0.5d, 1", /UNEXPECTED_INPUT_TYPE.*parameter 1/);
  await bad("col, d, 0.5d, 1", /NON_FOLDABLE_INPUT.*eps/);
  await bad("1, 0.5d, 0.5d, col", /NON_FOLDABLE_INPUT.*seed/);
  await bad("col, CAST(NULL AS DOUBLE), 0.5d, 1", /UNEXPECTED_NULL.*eps/);
  await bad("col, 0.0d, 0.5d, 1", /VALUE_OUT_OF_RANGE.*eps/);
  await bad("col, 0.5d, 1.0d, 1", /VALUE_OUT_OF_RANGE.*confidence/);
  await bad("col, 0.5d, 0.0d, 1", /VALUE_OUT_OF_RANGE.*confidence/);
  await bad("col, 0.5d, 0.5d", /WRONG_NUM_ARGS/);
});

test("state round-trips through write/read, and partial sketches merge by adding tables", () => {
  const shape = sketchShape(0.5, 0.9, 3);
  const acc = new CountMinSketchAccumulator(shape);
  const ints = (xs: number[]) => ({ kind: "i32" as const, type: IntegerType(), length: xs.length, valid: null, values: Int32Array.from(xs) });
  acc.update(new Int32Array([0, 0]), null, 2, ints([5, 5]));
  const out = new ByteWriter();
  acc.write(0, out);
  const restored = new CountMinSketchAccumulator(shape);
  restored.read(0, new ByteReader(out.bytes(), "test"));
  restored.update(new Int32Array([0]), null, 1, ints([5]));
  const bytes = (a: CountMinSketchAccumulator) => {
    const v = a.result(new Int32Array([0]));
    return v.kind === "bytes" ? Buffer.from(v.data).toString("hex").toUpperCase() : "";
  };
  const three = sketchHex(3, 4, 4, HASH_A_3, [0, 0, 0, 3, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3]);
  assert.equal(bytes(restored), three);
  const merged = mergeSketchBytes(Buffer.from(bytes(acc), "hex"), Buffer.from(sketchHex(1, 4, 4, HASH_A_3, [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), "hex"));
  assert.equal(Buffer.from(merged).toString("hex").toUpperCase(), three);
  assert.throws(() => mergeSketchBytes(Buffer.from(bytes(acc), "hex"), Buffer.from(sketchHex(0, 4, 4, [1, 2, 3, 4], new Array<number>(16).fill(0)), "hex")), /different seed/);
});

test("count_min_sketch keeps its state across micro-batches and a restart", async () => {
  const runs = restartedAggregation(spark, "k STRING, v INT", () => [hex(count_min_sketch("v", 0.5, 0.9, 3)).alias("s")], "cms");
  const run = async (data: { k: string; v: number }[]) => (await runs(data)).map((r) => [r.k, r.s]);
  await run([{ k: "a", v: 5 }, { k: "a", v: 5 }]);
  const after = await run([{ k: "a", v: 5 }]);
  assert.deepEqual(after, [["a", sketchHex(3, 4, 4, HASH_A_3, [0, 0, 0, 3, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3])]]);
});
