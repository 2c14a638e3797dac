/**
 * KPL de-aggregation: aggregates built with protobufjs' writer in the KPL's format (magic, the
 * AggregatedRecord protobuf, its MD5), read back; what is not an aggregate is left alone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deaggregate, looksAggregated } from "../../../../src/connectors/kinesis/kpl.js";
import { aggregate } from "../../../support/kpl-aggregate.js";
import { SourceError } from "../../../../src/errors.js";

test("an aggregate becomes its user records, in order, each with its partition key", async () => {
  const data = aggregate(["a", "b"], [
    { key: 0, data: "one" },
    { key: 1, data: "two" },
    { key: 0, data: "" },
  ]);
  assert.equal(looksAggregated(data), true);
  const users = await deaggregate(data, "record 1");
  assert.deepEqual(users?.map((u) => [u.partitionKey, new TextDecoder().decode(u.data)]), [
    ["a", "one"],
    ["b", "two"],
    ["a", ""],
  ]);
});

test("plain records and a wrong digest are not aggregates; a malformed body with a good digest is an error", async () => {
  assert.equal(await deaggregate(new TextEncoder().encode('{"event_id":"e1"}'), "r"), null);
  assert.equal(await deaggregate(aggregate(["a"], [{ key: 0, data: "x" }], true), "r"), null);
  await assert.rejects(deaggregate(aggregate(["a"], [{ key: 3, data: "x" }]), "record 9 of shardId-1"), (e: unknown) => e instanceof SourceError && /record 9 of shardId-1.*partition key index 3/.test(e.message));
});
