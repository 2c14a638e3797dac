import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { schemaFromJson, schemaToJson } from "../../../src/types/json-schema.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  NullType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  sameType,
} from "../../../src/types/data-types.js";
import { ParseError } from "../../../src/errors.js";
import { fixtureFolder } from "../../support/fixtures.js";

const { dir: DAT, skip } = fixtureFolder("delta/dat");

function assertSchemaError(input: string | object, ...fragments: string[]): void {
  assert.throws(
    () => schemaFromJson(input),
    (e: unknown) => {
      assert.ok(e instanceof ParseError, String(e));
      for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
      return true;
    },
  );
}

test("schemaToJson writes Spark's compact StructType.json", () => {
  const s = StructType([
    StructField("a", LongType()),
    StructField("b", DecimalType(10, 2), false),
    StructField("c", ArrayType(StringType(), false)),
    StructField("d", MapType(StringType(), IntegerType())),
    StructField("e", StructType([StructField("x", DoubleType(), true, { comment: "x's", n: 3 })])),
  ]);
  assert.equal(
    schemaToJson(s),
    '{"type":"struct","fields":[' +
      '{"name":"a","type":"long","nullable":true,"metadata":{}},' +
      '{"name":"b","type":"decimal(10,2)","nullable":false,"metadata":{}},' +
      '{"name":"c","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},' +
      '{"name":"d","type":{"type":"map","keyType":"string","valueType":"integer","valueContainsNull":true},"nullable":true,"metadata":{}},' +
      '{"name":"e","type":{"type":"struct","fields":[{"name":"x","type":"double","nullable":true,"metadata":{"comment":"x\'s","n":3}}]},"nullable":true,"metadata":{}}' +
      "]}",
  );
});

test("atomic types use Spark's JSON names; NullType is void", () => {
  const cases = [
    [StringType(), "string"],
    [LongType(), "long"],
    [IntegerType(), "integer"],
    [ShortType(), "short"],
    [ByteType(), "byte"],
    [DoubleType(), "double"],
    [FloatType(), "float"],
    [BooleanType(), "boolean"],
    [BinaryType(), "binary"],
    [TimestampType(), "timestamp"],
    [DateType(), "date"],
    [NullType(), "void"],
  ] as const;
  for (const [t, name] of cases) {
    assert.equal(schemaToJson(t), JSON.stringify(name));
    assert.ok(sameType(schemaFromJson(JSON.stringify(name)), t));
  }
  assert.ok(sameType(schemaFromJson('"null"'), NullType()), "Spark's pre-3.0 name");
  assert.ok(sameType(schemaFromJson('"timestamp_ltz"'), TimestampType()));
  assert.ok(sameType(schemaFromJson('"decimal"'), DecimalType(10, 0)));
  assert.ok(sameType(schemaFromJson('"decimal( 7 , 3 )"'), DecimalType(7, 3)));
  assert.ok(sameType(schemaFromJson('"varchar(5)"'), StringType()));
});

test("schemaFromJson reads objects and text, filling Spark's defaults for missing nullable/metadata", () => {
  const t = schemaFromJson({ type: "struct", fields: [{ name: "a", type: "long" }, { name: "b", type: "string", nullable: false }] });
  assert.ok(sameType(t, StructType([StructField("a", LongType()), StructField("b", StringType(), false)])));
  assert.ok(t.typeName === "struct");
  assert.deepEqual(t.fields[0].metadata, {});
});

test("metadata survives a round trip in order", () => {
  const text =
    '{"type":"struct","fields":[{"name":"id","type":"integer","nullable":true,"metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-5f","nested":{"k":[1,2.5,"s",true,null]}}}]}';
  assert.equal(schemaToJson(schemaFromJson(text)), text);
});

test("every schemaString in the Delta DAT fixtures (written by Spark) round-trips byte for byte", { skip }, () => {
  let count = 0;
  for (const tableCase of readdirSync(DAT)) {
    const log = join(DAT, tableCase, "delta", "_delta_log");
    if (!existsSync(log)) continue;
    for (const file of readdirSync(log).filter((f) => f.endsWith(".json"))) {
      for (const line of readFileSync(join(log, file), "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const action = JSON.parse(line) as { metaData?: { schemaString: string } };
        if (action.metaData === undefined) continue;
        const text = action.metaData.schemaString;
        assert.equal(schemaToJson(schemaFromJson(text)), text, `${tableCase}/${file}`);
        count++;
      }
    }
  }
  assert.ok(count >= 10, `found ${count} schemas`);
});

test("malformed schemas are ParseErrors naming the path and field", () => {
  assertSchemaError("{", "json schema: invalid JSON");
  assertSchemaError('{"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]}', "type 'variant' is not supported", "$.fields[0].type", "field 'v'");
  assertSchemaError(
    '{"type":"struct","fields":[{"name":"a","type":"long"},{"name":"data","type":{"type":"struct","fields":[{"name":"x","type":"variant"}]}}]}',
    "'variant'",
    "$.fields[1].type.fields[0].type",
    "field 'data.x'",
  );
  assertSchemaError('"variant"', "not supported", "at $");
  assertSchemaError('"strin"', "unknown type 'strin'");
  assertSchemaError('"decimal(40,2)"', "invalid decimal type 'decimal(40,2)'");
  assertSchemaError('{"type":"array","elementType":"long"}', "missing 'containsNull'");
  assertSchemaError('{"type":"array","elementType":"long","containsNull":"yes"}', "'containsNull' must be true or false");
  assertSchemaError('{"type":"map","keyType":"string","valueType":{"type":"list"},"valueContainsNull":true}', "unknown complex type \"list\"", "$.valueType", "field 'value'");
  assertSchemaError('{"type":"struct","fields":{}}', "'fields' must be an array");
  assertSchemaError('{"type":"struct","fields":[{"type":"long"}]}', "field 'name' must be a string", "$.fields[0]");
  assertSchemaError('{"type":"struct","fields":[{"name":"a","nullable":true}]}', "missing 'type'", "field 'a'");
  assertSchemaError('{"type":"struct","fields":[{"name":"a","type":"long","extra":1}]}', "unexpected key 'extra'");
  assertSchemaError('{"type":"struct","fields":[{"name":"a","type":"long","metadata":[]}]}', "'metadata' must be an object");
  assertSchemaError('{"type":"udt","class":"x","pyClass":null,"sqlType":"long"}', "udt");
  assertSchemaError("42", "expected a type name or object, got 42");
  assertSchemaError('{"fields":[]}', "no 'type' key");
});
