import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLongJson, sameLong, stringifyLongJson } from "../../../../src/tables/iceberg/long-json.js";

test("integers beyond 2^53 parse as bigint and write back exactly; others stay numbers", () => {
  const text = '{"snapshot-id":9158179788527662767,"n":12,"neg":-9158179788527662767,"s":"9158179788527662767","f":1.5e+300,"a":[1,9007199254740993]}';
  const v = parseLongJson(text) as Record<string, unknown>;
  assert.equal(v["snapshot-id"], 9158179788527662767n);
  assert.equal(v.neg, -9158179788527662767n);
  assert.equal(v.n, 12);
  assert.equal(v.s, "9158179788527662767");
  assert.equal(v.f, 1.5e300);
  assert.deepEqual(v.a, [1, 9007199254740993n]);
  assert.equal(stringifyLongJson(v), text);
});

test("strings that look like markers or hold escaped quotes are left alone", () => {
  const text = '{"a":"x\\"12345678901234567890\\"","b":12345678901234567890}';
  const v = parseLongJson(text) as Record<string, unknown>;
  assert.equal(v.a, 'x"12345678901234567890"');
  assert.equal(v.b, 12345678901234567890n);
});

test("sameLong compares across representations", () => {
  assert.ok(sameLong(5, 5n));
  assert.ok(!sameLong(5, 6n));
  assert.ok(sameLong(null, null));
  assert.ok(!sameLong(null, 0));
});
