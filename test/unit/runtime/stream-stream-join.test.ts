/**
 * Stream–stream inner, outer and semi joins through the public API: every matching pair exactly once whatever
 * batch each side's rows arrive in, the residual condition, null keys, state across a restart,
 * and the joins Spark (or sluice, for now) refuses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, col, expr, window } from "../../../src/index.js";
import { tempPath, uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("stream-stream-join-test").getOrCreate();

test("bookings joined with payments: each pair once, whichever side arrives first, across a restart", async () => {
  const checkpoint = tempPath("ck-ssj");
  const bookings = new MemoryStream("booking_id STRING, hotel STRING, amount INT", uniqueName("bookings"));
  const payments = new MemoryStream("pay_booking_id STRING, paid INT", uniqueName("payments"));
  const name = uniqueName("joined");
  const query = () => {
    const b = spark.readStream.format("memory").option("name", bookings.name).load();
    const p = spark.readStream.format("memory").option("name", payments.name).load();
    return b
      .join(p, col("booking_id").equalTo(col("pay_booking_id")).and(col("paid").geq(col("amount"))))
      .select(col("booking_id"), col("hotel"), col("paid"))
      .writeStream.format("memory")
      .queryName(name)
      .outputMode("append")
      .option("checkpointLocation", checkpoint)
      .start();
  };
  const rows = async () => (await spark.table(name).collect()).map((r) => `${String(r.booking_id)}:${String(r.hotel)}:${String(r.paid)}`).sort();
  let q = query();
  bookings.addData([{ booking_id: "b1", hotel: "H1", amount: 100 }, { booking_id: "b2", hotel: "H2", amount: 50 }, { booking_id: null, hotel: "H0", amount: 1 }]);
  payments.addData([{ pay_booking_id: "b1", paid: 100 }, { pay_booking_id: null, paid: 5 }]); // same batch as its booking
  await q.processAllAvailable();
  assert.deepEqual(await rows(), ["b1:H1:100"]);
  payments.addData([{ pay_booking_id: "b2", paid: 40 }, { pay_booking_id: "b3", paid: 70 }]); // b2 underpaid: no pair; b3 not booked yet
  await q.processAllAvailable();
  assert.deepEqual(await rows(), ["b1:H1:100"]);
  await q.stop();
  q = query();
  bookings.addData([{ booking_id: "b3", hotel: "H3", amount: 70 }]); // joins the payment kept in state before the restart
  payments.addData([{ pay_booking_id: "b2", paid: 60 }, { pay_booking_id: "b1", paid: 120 }]);
  await q.processAllAvailable();
  assert.deepEqual(await rows(), ["b1:H1:100", "b1:H1:120", "b2:H2:60", "b3:H3:70"]);
  const state = q.lastProgress?.stateOperators[0];
  assert.equal(state?.operatorName, "symmetricHashJoin");
  assert.equal(state?.numRowsTotal, 8, "every row with a non-null key: 3 bookings and 5 payments");
  assert.deepEqual(state?.customMetrics, { stateGrowsWithoutBound: 1 });
  await q.stop();
});

test("stream-stream joins Spark refuses, or sluice does not run yet, fail at start with the reason", () => {
  const a = spark.readStream.format("memory").option("name", new MemoryStream("k STRING", uniqueName("a")).name).load();
  const b = spark.readStream.format("memory").option("name", new MemoryStream("j STRING", uniqueName("b")).name).load();
  const start = (df: ReturnType<typeof a.join>, mode: "append" | "update" = "append") => df.writeStream.format("memory").queryName(uniqueName("x")).outputMode(mode).start();
  // An outer join whose outer side the watermark never evicts would hold its rows (and outer rows) forever.
  assert.throws(() => start(a.join(b, col("k").equalTo(col("j")), "left")), /LeftOuter join between two streaming DataFrames is not supported without a watermark/);
  assert.throws(() => start(a.join(b, col("k").equalTo(col("j")), "left_semi")), /LeftSemi join .* not supported without a watermark/);
  assert.throws(() => start(a.join(b, col("k").equalTo(col("j")), "left_anti")), /left anti joins are not supported/);
  assert.throws(() => start(a.crossJoin(b)), /needs at least one equality condition/);
  assert.throws(() => start(a.join(b, col("k").equalTo(col("j"))), "update"), /not supported in update output mode, only in append output mode/);
});

test("joined on a watermarked window: late rows dropped, keys the watermark passed evicted from both sides", async () => {
  const bookings = new MemoryStream("id STRING, t INT", uniqueName("wb"));
  const payments = new MemoryStream("pid STRING, pt INT", uniqueName("wp"));
  const name = uniqueName("wj");
  const b = spark.readStream
    .format("memory")
    .option("name", bookings.name)
    .load()
    .withColumn("ts", col("t").cast("timestamp"))
    .withWatermark("ts", "0 seconds")
    .select(col("id"), window(col("ts"), "10 seconds").alias("w"));
  const p = spark.readStream
    .format("memory")
    .option("name", payments.name)
    .load()
    .withColumn("pts", col("pt").cast("timestamp"))
    .withWatermark("pts", "0 seconds")
    .select(col("pid"), window(col("pts"), "10 seconds").alias("pw"));
  const q = b
    .join(p, col("id").equalTo(col("pid")).and(col("w").equalTo(col("pw"))))
    .select(col("id"), col("w.start").cast("long").alias("s"))
    .writeStream.format("memory")
    .queryName(name)
    .outputMode("append")
    .start();
  try {
    const rows = async () => (await spark.table(name).collect()).map((r) => `${String(r.id)}@${String(r.s)}`).sort();
    bookings.addData([{ id: "a", t: 1 }, { id: "b", t: 2 }]);
    payments.addData([{ pid: "a", pt: 3 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a@0"]);
    // The payments' watermark: 3 s; bookings' 2 s; the query's (min) 2 s. Then both move past 10 s.
    bookings.addData([{ id: "c", t: 25 }]);
    payments.addData([{ pid: "x", pt: 30 }]);
    await q.processAllAvailable();
    const state = q.lastProgress?.stateOperators[0];
    assert.equal(state?.numRowsTotal, 2, "window [0, 10) left both sides: c and x remain");
    assert.deepEqual(state?.customMetrics, {});
    // b's payment comes too late: its window [0, 10) is below the watermark (25 s).
    payments.addData([{ pid: "b", pt: 4 }, { pid: "c", pt: 27 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a@0", "c@20"]);
    assert.equal(q.recentProgress.find((x) => x.numInputRows === 2 && x.sources[1]?.numInputRows === 2)?.stateOperators[0].numRowsDroppedByWatermark, 1);
  } finally {
    await q.stop();
  }
});

test("within an hour of event time (Spark's CAST form of a time-range condition): exact, and state leaves as the watermark moves", async () => {
  const bookings = new MemoryStream("id STRING, t INT", uniqueName("rb"));
  const payments = new MemoryStream("pid STRING, pt INT", uniqueName("rp"));
  const name = uniqueName("rj");
  const b = spark.readStream.format("memory").option("name", bookings.name).load().withColumn("bts", col("t").cast("timestamp")).withWatermark("bts", "0 seconds");
  const p = spark.readStream.format("memory").option("name", payments.name).load().withColumn("pts", col("pt").cast("timestamp")).withWatermark("pts", "0 seconds");
  const q = b
    .join(p, expr("id = pid AND CAST(pts AS LONG) >= CAST(bts AS LONG) AND CAST(pts AS LONG) <= CAST(bts AS LONG) + 3600"))
    .select(col("id"), col("pt"))
    .writeStream.format("memory")
    .queryName(name)
    .outputMode("append")
    .start();
  try {
    const rows = async () => (await spark.table(name).collect()).map((r) => `${String(r.id)}@${String(r.pt)}`).sort();
    bookings.addData([{ id: "b1", t: 100 }, { id: "b2", t: 200 }]);
    payments.addData([{ pid: "b1", pt: 150 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["b1@150"]);
    payments.addData([{ pid: "b2", pt: 5000 }]); // more than an hour after b2: no pair
    bookings.addData([{ id: "b3", t: 6000 }]);
    await q.processAllAvailable();
    // Watermark 5000 s: bookings at or below 5000 - 3600 s and payments at or below 5000 s leave.
    assert.equal(q.lastProgress?.stateOperators[0].numRowsTotal, 2, "b3 and the payment at 5000 s remain");
    assert.deepEqual(q.lastProgress?.stateOperators[0].customMetrics, {});
    payments.addData([{ pid: "b3", pt: 6500 }, { pid: "b2", pt: 300 }]); // the second is late
    bookings.addData([{ id: "b4", t: 4000 }]); // late
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["b1@150", "b3@6500"]);
  } finally {
    await q.stop();
  }
});

/** Bookings and payments within 10 s of event time, both sides watermarked at 0 s, joined by `how`. */
function timeRangeJoin(how: string, checkpoint?: string) {
  const bookings = new MemoryStream("id STRING, t INT", uniqueName("ob"));
  const payments = new MemoryStream("pid STRING, pt INT", uniqueName("op"));
  const name = uniqueName("oj");
  const start = () => {
    const b = spark.readStream.format("memory").option("name", bookings.name).load().withColumn("bts", col("t").cast("timestamp")).withWatermark("bts", "0 seconds");
    const p = spark.readStream.format("memory").option("name", payments.name).load().withColumn("pts", col("pt").cast("timestamp")).withWatermark("pts", "0 seconds");
    const joined = b.join(p, expr("id = pid AND pts >= bts AND pts <= bts + INTERVAL 10 SECONDS"), how);
    const out = how === "left_semi" ? joined.select(col("id"), col("t")) : joined.select(col("id"), col("t"), col("pid"), col("pt"));
    const w = out.writeStream.format("memory").queryName(name).outputMode("append");
    return checkpoint === undefined ? w.start() : w.option("checkpointLocation", checkpoint).start();
  };
  const q = start();
  const rows = async () => (await spark.table(name).collect()).map((r) => Object.values(r).map(String).join(":")).sort();
  return { bookings, payments, q, rows, start };
}

test("left outer stream-stream join: pairs at once, an unmatched booking null-padded once the watermark passes it", async () => {
  const { bookings, payments, q, rows } = timeRangeJoin("left");
  try {
    bookings.addData([{ id: "a", t: 1 }, { id: "b", t: 2 }, { id: null, t: 3 }]);
    payments.addData([{ pid: "a", pt: 5 }]);
    await q.processAllAvailable();
    // The null-keyed booking can never match: it is output at once, as an outer row.
    assert.deepEqual(await rows(), ["a:1:a:5", "null:3:null:null"]);
    // Both watermarks move to 30 s: b's payment window [2, 12] is over, so b leaves unmatched.
    bookings.addData([{ id: "c", t: 30 }]);
    payments.addData([{ pid: "c", pt: 31 }, { pid: "zz", pt: 40 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a:1:a:5", "b:2:null:null", "c:30:c:31", "null:3:null:null"]);
    // a matched, so it never comes back null-padded; c matched too.
    bookings.addData([{ id: "d", t: 60 }]);
    payments.addData([{ pid: "q", pt: 61 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a:1:a:5", "b:2:null:null", "c:30:c:31", "null:3:null:null"]);
  } finally {
    await q.stop();
  }
});

test("right and full outer stream-stream joins output the unmatched rows of their outer sides", async () => {
  for (const [how, expected] of [
    ["right", ["a:1:a:5", "null:null:x:6"]],
    ["full", ["a:1:a:5", "b:2:null:null", "null:null:x:6"]],
  ] as const) {
    const { bookings, payments, q, rows } = timeRangeJoin(how);
    try {
      bookings.addData([{ id: "a", t: 1 }, { id: "b", t: 2 }]);
      payments.addData([{ pid: "a", pt: 5 }, { pid: "x", pt: 6 }]);
      await q.processAllAvailable();
      bookings.addData([{ id: "m", t: 100 }]);
      payments.addData([{ pid: "n", pt: 100 }]);
      await q.processAllAvailable();
      assert.deepEqual((await rows()).filter((r) => !r.includes("100")), expected, how);
    } finally {
      await q.stop();
    }
  }
});

test("left semi stream-stream join: a booking once, on its first payment, whichever side arrives first", async () => {
  const { bookings, payments, q, rows } = timeRangeJoin("left_semi");
  try {
    bookings.addData([{ id: "a", t: 1 }, { id: "b", t: 2 }]);
    payments.addData([{ pid: "a", pt: 3 }, { pid: "a", pt: 4 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a:1"]);
    payments.addData([{ pid: "b", pt: 5 }, { pid: "a", pt: 6 }, { pid: "b", pt: 7 }]);
    await q.processAllAvailable();
    assert.deepEqual(await rows(), ["a:1", "b:2"]);
  } finally {
    await q.stop();
  }
});

test("an outer join's matched flags survive a restart: a row that matched before it is never null-padded after", async () => {
  const { bookings, payments, q, rows, start } = timeRangeJoin("left", tempPath("ck-outer"));
  bookings.addData([{ id: "a", t: 1 }, { id: "b", t: 2 }]);
  payments.addData([{ pid: "a", pt: 5 }]);
  await q.processAllAvailable();
  await q.stop();
  const again = start();
  try {
    bookings.addData([{ id: "c", t: 50 }]);
    payments.addData([{ pid: "y", pt: 50 }]);
    await again.processAllAvailable();
    assert.deepEqual((await rows()).filter((r) => !r.startsWith("c")), ["a:1:a:5", "b:2:null:null"]);
  } finally {
    await again.stop();
  }
});
