/**
 * The seed's Silver step over a landing file of valid events mixed with 49 kinds of bad input
 * (truncated and malformed JSON, wrong types, numbers beyond BIGINT, fractions, NaN and strings
 * for a BIGINT, 100,000-deep nesting, a 20 MB value, NUL bytes, invalid UTF-8, a BOM, blank lines,
 * arrays, objects and scalars where a string or an object goes, invalid escapes, …):
 * the sink gets exactly the valid events, the quarantine exactly the bad records, the query does
 * not crash, and each rule's counts add up to every record read.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, col, from_json } from "../../../src/index.js";
import { tempPath } from "./support.js";
import { readDeltaLog } from "../../../bench/lib/delta-log.js";
import { duckdb, queryRows, readParquetSql } from "../../support/duckdb.js";

const spark = SparkSession.builder.appName("bad-input-test").getOrCreate();

const BAD: readonly string[] = [
  '{"event_id":"evt-x1",', // truncated
  '{"event_id":"evt-2","timestamp":"abc"}', // wrong type
  '{"event_id":"evt-3","timestamp":99999999999999999999}', // beyond BIGINT
  "[1,2]", // an array, not an object
  "null",
  "42",
  '"text"',
  "true",
  "", // empty
  "   ", // whitespace only
  '{"event_id":"dup","event_id":"dup2"}', // duplicate keys, neither an event id
  '\uFEFF{"event_id":"evt-4"}', // a BOM before the record
  "{'event_id':'single'}", // single quotes (Spark accepts them) and a bad id
  '{"event_id":"evt-5" /* comment */}',
  '{event_id:"evt-6"}', // unquoted field name
  '{"event_id":"evt-7","timestamp":007}', // leading zeros
  '{"event_id":"evt-8\there"}', // an unescaped control character
  '{"event_id":"a"} trailing', // trailing text after an object with a bad id
  '{"a":1}{"b":2}', // two objects, no id
  '{"event_id":"evt-9\u0000"}', // a NUL byte
  "[".repeat(100_000) + "]".repeat(100_000), // 100,000-deep nesting
  `{"event_id":"${"x".repeat(20_000_000)}"}`, // a 20 MB value
  // Values that do not fit their type (Spark makes the record corrupt), and syntax Spark refuses:
  '{"event_id":"evt-20","timestamp":1.5}', // a fraction for BIGINT
  '{"event_id":"evt-21","timestamp":1e3}', // an exponent for BIGINT
  '{"event_id":"evt-22","timestamp":NaN}', // NaN for BIGINT
  '{"event_id":"evt-23","timestamp":-Infinity}',
  '{"event_id":"evt-24","timestamp":-99999999999999999999}', // below BIGINT
  '{"event_id":"evt-25","timestamp":true}', // a boolean for BIGINT
  '{"event_id":"evt-26","timestamp":"123"}', // a string for BIGINT
  '{"event_id":"evt-27","timestamp":{"a":1}}', // an object for BIGINT
  '{"event_id":"evt-28","timestamp":[1]}', // an array for BIGINT
  '{"event_id":"evt-29",}', // a trailing comma
  '{"event_id":"evt-30" "timestamp":1}', // a missing comma
  '{"event_id":"evt-31","timestamp":1,,}',
  '{"event_id":"evt-32\\x41"}', // an invalid escape
  '{"event_id":"evt-33\u0001"}', // a raw control character
  '{"event_id":{"nested":1}}', // an object for a string: kept as its JSON text, not an id
  '{"event_id":["evt-34"]}', // an array for a string
  "{}",
  "{ }",
  '{"event_id":null}',
  '{"event_id":""}',
  '{"event_id":"evt-35\\u0000"}', // an escaped NUL: parses, not an id
  '{"EVENT_ID":"evt-36"}', // the wrong case: no event_id
  '{"event_id":"evt-37"', // the last brace missing
  "}{",
  '{"event_id":"evt-38","timestamp":0x10}', // hexadecimal
];
/** Records that are not valid UTF-8: inside a value, and between tokens (which makes it corrupt). */
const INVALID_UTF8 = [
  Uint8Array.from([...Buffer.from('{"event_id":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
  Uint8Array.from([...Buffer.from('{"event_id":"evt-77",'), 0xff, 0xfe, ...Buffer.from('"timestamp":1}')]),
];

test("valid events reach Silver exactly once; every bad record reaches the quarantine; nothing crashes", async () => {
  const dir = tempPath("bad-input");
  mkdirSync(join(dir, "landing"), { recursive: true });
  const valid = Array.from({ length: 60 }, (_, i) => `{"event_id":"evt-${1000 + (i % 50)}","timestamp":${i}}`); // 10 duplicates
  const lines = [...valid.slice(0, 30), ...BAD, ...valid.slice(30)];
  writeFileSync(join(dir, "landing", "mixed.json"), Buffer.concat([Buffer.from(lines.join("\n") + "\n"), ...INVALID_UTF8.flatMap((b) => [b, Buffer.from("\n")])]));
  const q = spark.readStream
    .format("text")
    .load(join(dir, "landing"))
    .select(from_json(col("value"), "event_id STRING, timestamp BIGINT, _corrupt_record STRING").alias("d"))
    .select("d.*")
    .expectAllOrQuarantine({ parsed: col("_corrupt_record").isNull(), valid_id: "event_id RLIKE '^evt-[0-9]+$'" })
    .drop("_corrupt_record")
    .dropDuplicates(["event_id"])
    .writeStream.format("delta")
    .option("checkpointLocation", join(dir, "checkpoint"))
    .option("quarantinePath", join(dir, "quarantine"))
    .trigger({ availableNow: true })
    .start(join(dir, "silver"));
  await q.awaitTermination();
  const silver = await spark.read.format("delta").load(join(dir, "silver")).collect();
  assert.deepEqual(
    silver.map((r) => r.event_id).sort(),
    Array.from({ length: 50 }, (_, i) => `evt-${1000 + i}`),
  );
  const records = lines.length + INVALID_UTF8.length;
  const quarantined = await spark.read.format("delta").load(join(dir, "quarantine")).select("_error", "_corrupt_record", "event_id").collect();
  assert.equal(quarantined.length, BAD.length + INVALID_UTF8.length, "every bad record, and only those");
  // The 20 MB record is over maxRecordBytes (16 MiB): cut to its first 4 KiB, counted, quarantined.
  assert.equal(q.lastProgress?.sources[0].metrics.numRecordsTooLarge, "1");
  assert.ok(quarantined.some((r) => typeof r._corrupt_record === "string" && r._corrupt_record.length === 4096 && r._corrupt_record.startsWith('{"event_id":"xxx')));
  const dq = q.lastProgress?.dataQuality;
  assert.equal(dq?.quarantine?.numRecords, BAD.length + INVALID_UTF8.length);
  for (const rule of dq?.expectations ?? []) assert.equal(rule.passedRecords + rule.failedRecords, records, rule.name);
  // A record whose text Spark's parser refuses keeps it, byte for byte, in _corrupt_record.
  const texts = new Set(quarantined.map((r) => r._corrupt_record));
  for (const bad of BAD.filter((b) => b.length < 1000 && ["{\"event_id\":\"evt-x1\",", "[1,2]", "42", '{event_id:"evt-6"}'].includes(b))) assert.ok(texts.has(bad), bad);
  assert.ok(texts.has("[".repeat(100_000) + "]".repeat(100_000)), "the deep record is quarantined with its text");
  assert.ok(texts.has('{"event_id":"evt-77",\ufffd\ufffd"timestamp":1}'), "bytes that are not UTF-8 become U+FFFD in the text");
  // Both tables are valid UTF-8 wherever a string is: DuckDB, which refuses a file that is not, reads them.
  for (const t of ["silver", "quarantine"]) {
    const { files } = await readDeltaLog(join(dir, t), await duckdb());
    const rows = await queryRows(`SELECT * FROM ${readParquetSql(files)}`); // decodes every string
    assert.equal(rows.length, t === "silver" ? 50 : BAD.length + INVALID_UTF8.length, t);
  }
});

test("a text source's lines that are not UTF-8 become text other readers accept (U+FFFD for the bad bytes)", async () => {
  const dir = tempPath("not-utf8");
  mkdirSync(join(dir, "landing"), { recursive: true });
  writeFileSync(join(dir, "landing", "lines.txt"), Buffer.concat([Buffer.from("plain\n"), ...INVALID_UTF8.flatMap((b) => [b, Buffer.from("\n")])]));
  const lines = spark.read.format("text").load(join(dir, "landing"));
  await lines.write.format("parquet").save(join(dir, "out"));
  const rows = await queryRows(`SELECT value FROM read_parquet('${join(dir, "out")}/*.parquet') ORDER BY value`);
  assert.deepEqual(
    rows.map((r) => r.value),
    ['plain', '{"event_id":"evt-77",\ufffd\ufffd"timestamp":1}', '{"event_id":"\ufffd\ufffd"}'].sort(),
  );
});
