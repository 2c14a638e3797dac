import { test } from "node:test";
import assert from "node:assert/strict";
import { inferJsonSchema } from "../../../../src/formats/json/json-infer-schema.js";
import { catalogString } from "../../../../src/types/print-schema.js";

const infer = (...records: string[]): string => catalogString(inferJsonSchema(records));

test("Spark's JSON inference: sorted fields, long/double/string/boolean, nested structs and arrays", () => {
  assert.equal(infer('{"b": 1, "a": "x", "c": true, "d": 1.5, "e": 1e3}'), "struct<a:string,b:bigint,c:boolean,d:double,e:double>");
  assert.equal(infer('{"o": {"z": 1, "y": [1, 2]}, "arr": [{"k": 1}, {"j": "v"}]}'), "struct<arr:array<struct<j:string,k:bigint>>,o:struct<y:array<bigint>,z:bigint>>");
  assert.equal(infer('{"n": 12345678901234567890}'), "struct<n:decimal(20,0)>");
});

test("types met in several records merge as compatibleType does; nulls become strings; empty structs go", () => {
  assert.equal(infer('{"a": 1}', '{"a": 2.5}'), "struct<a:double>", "bigint and double");
  assert.equal(infer('{"a": 1}', '{"a": "x"}'), "struct<a:string>", "conflicts become string");
  assert.equal(infer('{"a": null}', '{"a": 3}'), "struct<a:bigint>");
  assert.equal(infer('{"a": null, "e": {}, "l": []}'), "struct<a:string,l:array<string>>");
  assert.equal(infer('{"a": 1}', '{"b": true}'), "struct<a:bigint,b:boolean>");
  assert.equal(infer('{"n": 12345678901234567890}', '{"n": 1}'), "struct<n:decimal(20,0)>");
  assert.equal(infer('{"a": [1]}', '{"a": 5}'), "struct<a:string>");
});

test("records that are not JSON objects do not contribute", () => {
  assert.equal(infer("not json", "[1,2]", "42", '{"ok": 1} trailing', '{"a": "\\u00e9\\"q"}'), "struct<a:string>");
  assert.equal(infer(), "struct<>");
});
