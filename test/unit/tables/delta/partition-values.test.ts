import { test } from "node:test";
import assert from "node:assert/strict";
import { checkTimeZone, parsePartitionValue, partitionVector } from "../../../../src/tables/delta/partition-values.js";
import { DateType, DecimalType, IntegerType, LongType, StringType, TimestampType } from "../../../../src/types/data-types.js";
import { ConfigError, SourceError } from "../../../../src/errors.js";

const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

test("zone-less timestamps are wall-clock times in the given time zone (UTC by default)", () => {
  const ts = TimestampType();
  assert.equal(parsePartitionValue(ts, "2021-09-08 11:11:11", "t"), micros("2021-09-08T11:11:11Z"));
  // Daylight saving time (PDT, UTC-7) in September, standard time (PST, UTC-8) in January.
  assert.equal(parsePartitionValue(ts, "2021-09-08 11:11:11", "t", "America/Los_Angeles"), micros("2021-09-08T18:11:11Z"));
  assert.equal(parsePartitionValue(ts, "2021-01-08 11:11:11", "t", "America/Los_Angeles"), micros("2021-01-08T19:11:11Z"));
  assert.equal(parsePartitionValue(ts, "2021-09-08 11:11:11.000123", "t", "Asia/Tokyo"), micros("2021-09-08T02:11:11Z") + 123n);
  assert.equal(parsePartitionValue(ts, "2021-09-08 11:11:11", "t", "+05:30"), micros("2021-09-08T05:41:11Z"));
  // Fall-back overlap: the earlier offset (PDT), as java.time and Spark resolve it.
  assert.equal(parsePartitionValue(ts, "2021-11-07 01:30:00", "t", "America/Los_Angeles"), micros("2021-11-07T08:30:00Z"));
});

test("timestamps with a zone ignore the time zone", () => {
  const ts = TimestampType();
  for (const zone of ["UTC", "America/Los_Angeles"]) {
    assert.equal(parsePartitionValue(ts, "2021-09-08T11:11:11.000000Z", "t", zone), micros("2021-09-08T11:11:11Z"));
    assert.equal(parsePartitionValue(ts, "2021-09-08 11:11:11+02:00", "t", zone), micros("2021-09-08T09:11:11Z"));
  }
});

test("dates keep years below 100 and reject impossible days", () => {
  assert.equal(parsePartitionValue(DateType(), "1970-01-02", "d"), 1);
  assert.equal(parsePartitionValue(DateType(), "2024-02-29", "d"), 19782);
  // 0001-01-01 is 719162 days before the epoch (Date.UTC would have read it as 1901).
  assert.equal(parsePartitionValue(DateType(), "0001-01-01", "d"), -719162);
  assert.throws(() => parsePartitionValue(DateType(), "2023-02-29", "d"), SourceError);
  assert.throws(() => parsePartitionValue(DateType(), "2023-13-01", "d"), SourceError);
  assert.throws(() => parsePartitionValue(DateType(), "20230101", "d"), /partition value "20230101" of column 'd' is not a valid date/);
});

test("null partitions, numbers, decimals and strings", () => {
  assert.equal(parsePartitionValue(IntegerType(), null, "i"), null);
  assert.equal(parsePartitionValue(IntegerType(), "", "i"), null);
  assert.equal(parsePartitionValue(LongType(), "-9007199254740993", "l"), -9007199254740993n);
  assert.equal(parsePartitionValue(DecimalType(10, 2), "12.50", "d"), "12.50");
  assert.equal(parsePartitionValue(StringType(), "a=b/c", "s"), "a=b/c");
  assert.throws(() => parsePartitionValue(TimestampType(), "yesterday", "t"), /partition value "yesterday" of column 't' is not a valid timestamp/);
});

test("partitionVector fills a column with the value parsed in the time zone", () => {
  const v = partitionVector(TimestampType(), "2021-09-08 11:11:11", 3, "t", "America/Los_Angeles");
  assert.equal(v.kind, "i64");
  if (v.kind === "i64") assert.deepEqual([...v.values], [1, 2, 3].map(() => micros("2021-09-08T18:11:11Z")));
  const n = partitionVector(TimestampType(), null, 2, "t", "America/Los_Angeles");
  assert.deepEqual(n.valid === null ? null : [...n.valid], [0, 0]);
});

test("checkTimeZone accepts IANA names, UTC and offsets, and names a bad value", () => {
  for (const zone of ["UTC", "America/Los_Angeles", "Europe/Paris", "+08:00", "-05:30", "GMT+1"]) checkTimeZone(zone);
  for (const zone of ["Mars/Olympus", "", " UTC", "+25:00"]) {
    assert.throws(
      () => checkTimeZone(zone),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`delta reader: option 'timeZone' must be a time zone`) && e.message.includes(JSON.stringify(zone)),
    );
  }
});
