import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, SourceError } from "../../../../src/errors.js";
import { offsetsFrom, offsetsToJson, parseAssign, parsePartitionOffsets, partitionsOf, rateLimit } from "../../../../src/connectors/kafka/kafka-offsets.js";
import type { PartitionOffsets } from "../../../../src/connectors/kafka/kafka-offsets.js";

const opt = { option: "startingOffsets" };

function plain(o: PartitionOffsets): Record<string, Record<string, number>> {
  return Object.fromEntries([...o].map(([t, m]) => [t, Object.fromEntries([...m].map(([p, v]) => [String(p), v]))]));
}

test("offset JSON round-trips in Spark's shape, topics and partitions in order", () => {
  const text = '{"topicB":{"10":7,"2":5},"topicA":{"0":23,"1":-1}}';
  const o = parsePartitionOffsets(text, opt);
  assert.deepEqual(plain(o), { topicA: { "0": 23, "1": -1 }, topicB: { "2": 5, "10": 7 } });
  assert.equal(offsetsToJson(o), '{"topicA":{"0":23,"1":-1},"topicB":{"2":5,"10":7}}');
  assert.deepEqual(partitionsOf(o), [
    { topic: "topicA", partition: 0 },
    { topic: "topicA", partition: 1 },
    { topic: "topicB", partition: 2 },
    { topic: "topicB", partition: 10 },
  ]);
  // Topic names are JSON strings: quotes and backslashes survive.
  const odd = offsetsFrom([[{ topic: 'a"b\\c', partition: 0 }, 1]]);
  assert.deepEqual(plain(parsePartitionOffsets(offsetsToJson(odd), opt)), { 'a"b\\c': { "0": 1 } });
});

test("malformed offset JSON names the option, or the checkpoint file, and shows the expected shape", () => {
  for (const bad of ["earliest-ish", "[1,2]", '{"t":[0,1]}', '{"t":{"x":1}}', '{"t":{"0":-3}}', '{"t":{"0":1.5}}', '{"t":{"0":"5"}}']) {
    assert.throws(
      () => parsePartitionOffsets(bad, opt),
      (e: unknown) => e instanceof ConfigError && e.context.option === "startingOffsets" && e.message.includes('{"topicA":{"0":23'),
      bad,
    );
  }
  assert.throws(
    () => parsePartitionOffsets('{"t":{"0":-1}}', { file: "file:///ck/offsets/3" }, 0),
    (e: unknown) => e instanceof SourceError && e.message.includes("file:///ck/offsets/3") && e.message.includes("≥ 0"),
  );
});

test("assign JSON lists topic partitions; anything else is refused with the option's name", () => {
  assert.deepEqual(parseAssign('{"topicA":[0,1],"topicB":[2,4]}'), [
    { topic: "topicA", partition: 0 },
    { topic: "topicA", partition: 1 },
    { topic: "topicB", partition: 2 },
    { topic: "topicB", partition: 4 },
  ]);
  for (const bad of ["{}", '{"t":{"0":1}}', '{"t":[-1]}', '{"t":["0"]}', "nope"]) {
    assert.throws(() => parseAssign(bad), (e: unknown) => e instanceof ConfigError && e.context.option === "assign", bad);
  }
});

test("rateLimit splits maxOffsetsPerTrigger by backlog, as Spark's KafkaMicroBatchStream does", () => {
  const from = offsetsFrom([
    [{ topic: "t", partition: 0 }, 0],
    [{ topic: "t", partition: 1 }, 100],
    [{ topic: "t", partition: 2 }, 50],
  ]);
  const until = offsetsFrom([
    [{ topic: "t", partition: 0 }, 900],
    [{ topic: "t", partition: 1 }, 200],
    [{ topic: "t", partition: 2 }, 50],
    [{ topic: "u", partition: 0 }, 3],
  ]);
  // Backlogs 900, 100 and 0 (and u-0, new, from 0: 3): total 1003. A limit of 100 gives
  // floor(89.73) = 89, floor(9.97) = 9, and ceil(0.299) = 1 for the small new partition.
  const newStart = offsetsFrom([[{ topic: "u", partition: 0 }, 0]]);
  assert.deepEqual(plain(rateLimit(100, from, until, newStart)), { t: { "0": 89, "1": 109, "2": 50 }, u: { "0": 1 } });
  // A limit above the backlog changes nothing; no backlog at all returns `until` as is.
  assert.deepEqual(plain(rateLimit(10_000, from, until, newStart)), plain(until));
  assert.equal(rateLimit(5, until, until), until);
  // Each round admits at most the limit (plus one per partition whose share rounds up from
  // below 1) and makes progress, until every partition reaches its end.
  const start = (o: PartitionOffsets, topic: string, p: number) => o.get(topic)?.get(p) ?? newStart.get(topic)?.get(p) ?? 0;
  let at: PartitionOffsets = from;
  for (let round = 0; offsetsToJson(at) !== offsetsToJson(until); round++) {
    const next = rateLimit(7, at, until, newStart);
    const moved = partitionsOf(next).reduce((s, tp) => s + start(next, tp.topic, tp.partition) - start(at, tp.topic, tp.partition), 0);
    assert.ok(moved > 0 && moved <= 7 + 4, `round ${round} moved ${moved}`);
    at = next;
    assert.ok(round < 1000, "rateLimit never reached the end");
  }
  assert.deepEqual(plain(at), plain(until));
});
