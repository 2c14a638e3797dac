import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../../src/errors.js";
import { kafkaSourceOptions } from "../../../../src/connectors/kafka/kafka-options.js";

const base = { "kafka.bootstrap.servers": "b1:9092,b2:9092" };

function refused(options: Record<string, string>, streaming: boolean, option: string, words: RegExp): void {
  assert.throws(
    () => kafkaSourceOptions(options, streaming),
    (e: unknown) => e instanceof ConfigError && e.context.option === option && words.test(e.message),
    JSON.stringify(options),
  );
}

test("Spark's defaults: a stream starts at latest, a batch read from earliest to latest; failOnDataLoss on", () => {
  const s = kafkaSourceOptions({ ...base, subscribe: "a, b ,,c" }, true);
  assert.deepEqual(s.selection, { kind: "subscribe", topics: ["a", "b", "c"] });
  assert.deepEqual(s.starting, { kind: "latest" });
  assert.equal(s.ending, null);
  assert.equal(s.failOnDataLoss, true);
  assert.equal(s.includeHeaders, false);
  assert.equal(s.groupIdPrefix, "spark-kafka-source");
  assert.equal(s.maxTriggerDelay, 15 * 60_000);
  assert.equal(s.maxOffsetsPerTrigger, undefined);
  const b = kafkaSourceOptions({ ...base, subscribe: "a" }, false);
  assert.deepEqual(b.starting, { kind: "earliest" });
  assert.deepEqual(b.ending, { kind: "latest" });
});

test("kafka.* settings pass through without their prefix; option names are case-insensitive", () => {
  const o = kafkaSourceOptions(
    { ...base, SUBSCRIBEPATTERN: "booking_.*", "kafka.security.protocol": "SASL_SSL", "Kafka.SASL.Mechanism": "SCRAM-SHA-512", MaxOffsetsPerTrigger: "1000", failondataloss: "false" },
    true,
  );
  assert.deepEqual(o.kafkaParams, { "bootstrap.servers": "b1:9092,b2:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512" });
  assert.equal(o.maxOffsetsPerTrigger, 1000);
  assert.equal(o.failOnDataLoss, false);
  assert.equal(o.selection.kind, "subscribePattern");
  if (o.selection.kind === "subscribePattern") {
    // Java's matches(): the whole name.
    assert.ok(o.selection.pattern.test("booking_events"));
    assert.ok(!o.selection.pattern.test("x_booking_events"));
  }
});

test("starting offsets: JSON per partition, one timestamp, or timestamps per partition, in Spark's order of preference", () => {
  const j = kafkaSourceOptions({ ...base, assign: '{"t":[0,1]}', startingOffsets: '{"t":{"0":-2,"1":42}}' }, true);
  assert.deepEqual(j.selection, { kind: "assign", partitions: [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }] });
  assert.equal(j.starting.kind, "offsets");
  const ts = kafkaSourceOptions({ ...base, subscribe: "t", startingTimestamp: "1700000000000", startingOffsets: "earliest" }, true);
  assert.deepEqual(ts.starting, { kind: "timestamp", timestamp: 1_700_000_000_000, onNoMatch: "error" });
  const per = kafkaSourceOptions({ ...base, subscribe: "t", startingOffsetsByTimestamp: '{"t":{"0":1700000000000}}', startingOffsetsByTimestampStrategy: "LATEST" }, true);
  assert.equal(per.starting.kind, "timestamps");
  assert.equal(per.starting.kind === "timestamps" ? per.starting.onNoMatch : null, "latest");
});

test("refused as Spark refuses them, each error naming the option and saying why", () => {
  refused({ subscribe: "t" }, true, "kafka.bootstrap.servers", /must be specified/);
  refused({ ...base }, true, "subscribe", /One of the following options must be specified: assign, subscribe, subscribePattern/);
  refused({ ...base, subscribe: "t", assign: '{"t":[0]}' }, true, "subscribe", /Only one of/);
  refused({ ...base, subscribe: " , " }, true, "subscribe", /no topics/);
  refused({ ...base, subscribePattern: "(" }, true, "subscribePattern", /regular expression/);
  refused({ ...base, assign: "t:0" }, true, "assign", /no topic partitions/);
  refused({ ...base, subscribe: "t", "kafka.auto.offset.reset": "earliest" }, true, "kafka.auto.offset.reset", /startingOffsets/);
  refused({ ...base, subscribe: "t", "kafka.enable.auto.commit": "true" }, true, "kafka.enable.auto.commit", /checkpoint/);
  refused({ ...base, subscribe: "t", "kafka.value.deserializer": "x" }, true, "kafka.value.deserializer", /CAST\(value AS STRING\)/);
  refused({ ...base, subscribe: "t", "kafka.key.deserializer": "x" }, true, "kafka.key.deserializer", /bytes/);
  refused({ ...base, subscribe: "t", "kafka.interceptor.classes": "x" }, true, "kafka.interceptor.classes", /not supported/);
  refused({ ...base, subscribe: "t", endingOffsets: "latest" }, true, "endingOffsets", /not valid in streaming/);
  refused({ ...base, subscribe: "t", startingOffsets: "latest" }, false, "startingOffsets", /can't be latest for batch/);
  refused({ ...base, subscribe: "t", startingOffsets: '{"t":{"0":-1}}' }, false, "startingOffsets", /t-0 can't be latest/);
  refused({ ...base, subscribe: "t", endingOffsets: "earliest" }, false, "endingOffsets", /can't be earliest/);
  refused({ ...base, subscribe: "t", endingOffsets: '{"t":{"0":-2}}' }, false, "endingOffsets", /t-0 can't be earliest/);
  refused({ ...base, subscribe: "t", minOffsetsPerTrigger: "10", maxOffsetsPerTrigger: "5" }, true, "minOffsetsPerTrigger", /higher than maxOffsetsPerTrigger/);
  refused({ ...base, subscribe: "t", maxOffsetsPerTrigger: "0" }, true, "maxOffsetsPerTrigger", /positive integer/);
  refused({ ...base, subscribe: "t", startingTimestamp: "yesterday" }, true, "startingTimestamp", /whole number/);
  refused({ ...base, subscribe: "t", startingOffsetsByTimestampStrategy: "oldest" }, true, "startingOffsetsByTimestampStrategy", /error, latest/);
  refused({ ...base, subscribe: "t", maxOffsetPerTrigger: "5" }, true, "maxOffsetPerTrigger", /unknown option.*maxOffsetsPerTrigger/);
  refused({ ...base, subscribe: "t", path: "/x" }, true, "path", /does not take a path/);
});
