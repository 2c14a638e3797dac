import { test } from "node:test";
import assert from "node:assert/strict";
import { fixedOffset, fromLocalMicros, toLocalMicros, zoneRules } from "../../../src/columnar/time-zone.js";

/** Seconds of a wall-clock time `yyyy-mm-ddThh:mm:ss` read as if it were UTC. */
const local = (s: string): number => Date.parse(`${s}Z`) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString().replace(".000Z", "Z");

test("a region zone's offsets follow the IANA data, including local mean time before 1883", () => {
  const la = zoneRules("America/Los_Angeles");
  assert.ok(la !== null);
  assert.equal(la.offsetAt(local("2019-01-15T12:00:00")), -8 * 3600);
  assert.equal(la.offsetAt(local("2019-07-15T12:00:00")), -7 * 3600);
  assert.equal(la.offsetAt(local("1850-01-01T00:00:00")), -(7 * 3600 + 52 * 60 + 58));
  assert.equal(zoneRules("Asia/Kolkata")?.offsetAt(0), 5.5 * 3600);
});

test("local times resolve as java.time does: a gap moves later, an overlap takes the earlier offset", () => {
  const la = zoneRules("America/Los_Angeles");
  assert.ok(la !== null);
  // Spring forward on 2019-03-10: 02:00-03:00 does not exist.
  assert.equal(iso(la.utcOf(local("2019-03-10T01:59:59"))), "2019-03-10T09:59:59Z");
  assert.equal(iso(la.utcOf(local("2019-03-10T02:30:00"))), "2019-03-10T10:30:00Z");
  assert.equal(iso(la.utcOf(local("2019-03-10T03:00:00"))), "2019-03-10T10:00:00Z");
  // Fall back on 2019-11-03: 01:00-02:00 happens twice; the first (PDT) wins.
  assert.equal(iso(la.utcOf(local("2019-11-03T01:30:00"))), "2019-11-03T08:30:00Z");
  assert.equal(iso(la.utcOf(local("2019-11-03T02:00:00"))), "2019-11-03T10:00:00Z");
  // Through microseconds, both ways.
  const us = BigInt(local("2019-11-03T01:30:00")) * 1_000_000n + 7n;
  assert.equal(toLocalMicros(fromLocalMicros(us, la), la), us);
});

test("fixed offsets and short ids are zones; anything else is not", () => {
  assert.equal(fixedOffset("+08:00"), 8 * 3600);
  assert.equal(fixedOffset("-0130"), -(3600 + 1800));
  assert.equal(fixedOffset("GMT+1"), 3600);
  assert.equal(fixedOffset("UTC"), 0);
  assert.equal(fixedOffset("+19:00"), null);
  assert.equal(zoneRules("Z")?.offsetAt(0), 0);
  assert.equal(zoneRules("EST")?.offsetAt(0), -5 * 3600);
  assert.equal(zoneRules("PST")?.offsetAt(local("2019-07-01T00:00:00")), -7 * 3600);
  assert.equal(zoneRules("Mars/Olympus"), null);
  assert.equal(zoneRules("not a zone"), null);
});

test("a million offset lookups over a month take well under a second (per-day cache)", () => {
  const la = zoneRules("America/Los_Angeles");
  assert.ok(la !== null);
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < 1_000_000; i++) sum += la.offsetAt(1_550_000_000 + i * 3);
  assert.ok(sum < 0);
  assert.ok(performance.now() - start < 1000);
});
