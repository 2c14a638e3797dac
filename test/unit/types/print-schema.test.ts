import { test } from "node:test";
import assert from "node:assert/strict";
import { treeString, simpleString, catalogString, sqlTypeName, toDDL, quoteIfNeeded } from "../../../src/types/print-schema.js";
import { parseDDL, parseDataType } from "../../../src/sql/ddl.js";
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

test("treeString matches Spark's printSchema output", () => {
  const schema = StructType([
    StructField("event_id", StringType()),
    StructField("data", StructType([StructField("a", IntegerType())])),
    StructField("tags", ArrayType(StringType())),
    StructField("m", MapType(StringType(), LongType())),
  ]);
  assert.equal(
    treeString(schema),
    [
      "root",
      " |-- event_id: string (nullable = true)",
      " |-- data: struct (nullable = true)",
      " |    |-- a: integer (nullable = true)",
      " |-- tags: array (nullable = true)",
      " |    |-- element: string (containsNull = true)",
      " |-- m: map (nullable = true)",
      " |    |-- key: string",
      " |    |-- value: long (valueContainsNull = true)",
      "",
    ].join("\n"),
  );
});

test("treeString nests arrays of structs and maps of arrays, with decimal and void names", () => {
  const schema = StructType([
    StructField("id", LongType(), false),
    StructField("amount", DecimalType(10, 2)),
    StructField("n", NullType()),
    StructField("items", ArrayType(StructType([StructField("sku", StringType(), false), StructField("qty", ShortType())]), false)),
    StructField("idx", MapType(StructType([StructField("k", ByteType())]), ArrayType(MapType(StringType(), DoubleType(), false)), false)),
  ]);
  assert.equal(
    treeString(schema),
    `root
 |-- id: long (nullable = false)
 |-- amount: decimal(10,2) (nullable = true)
 |-- n: void (nullable = true)
 |-- items: array (nullable = true)
 |    |-- element: struct (containsNull = false)
 |    |    |-- sku: string (nullable = false)
 |    |    |-- qty: short (nullable = true)
 |-- idx: map (nullable = true)
 |    |-- key: struct
 |    |    |-- k: byte (nullable = true)
 |    |-- value: array (valueContainsNull = false)
 |    |    |-- element: map (containsNull = true)
 |    |    |    |-- key: string
 |    |    |    |-- value: double (valueContainsNull = false)
`,
  );
});

test("treeString honours maxDepth like printSchema(level) and escapes control characters in names", () => {
  const schema = StructType([
    StructField("a", StructType([StructField("b", StructType([StructField("c", IntegerType())]))])),
    StructField("arr", ArrayType(StructType([StructField("x", IntegerType())]))),
  ]);
  assert.equal(treeString(schema, 1), "root\n |-- a: struct (nullable = true)\n |-- arr: array (nullable = true)\n");
  assert.equal(
    treeString(schema, 2),
    "root\n |-- a: struct (nullable = true)\n |    |-- b: struct (nullable = true)\n |-- arr: array (nullable = true)\n |    |-- element: struct (containsNull = true)\n",
  );
  assert.equal(treeString(schema, 0), treeString(schema, 100));
  assert.equal(treeString(StructType([StructField("a\nb\tc", IntegerType())])), "root\n |-- a\\nb\\tc: integer (nullable = true)\n");
  assert.equal(treeString(StructType([])), "root\n");
});

test("simpleString matches Spark's simpleString", () => {
  const cases: [Parameters<typeof simpleString>[0], string][] = [
    [StringType(), "string"],
    [LongType(), "bigint"],
    [IntegerType(), "int"],
    [ShortType(), "smallint"],
    [ByteType(), "tinyint"],
    [DoubleType(), "double"],
    [FloatType(), "float"],
    [BooleanType(), "boolean"],
    [BinaryType(), "binary"],
    [TimestampType(), "timestamp"],
    [DateType(), "date"],
    [NullType(), "void"],
    [DecimalType(10, 2), "decimal(10,2)"],
    [ArrayType(IntegerType()), "array<int>"],
    [MapType(StringType(), ArrayType(LongType())), "map<string,array<bigint>>"],
    [StructType([StructField("a", LongType()), StructField("b", StringType(), false)]), "struct<a:bigint,b:string>"],
    [StructType([StructField("a b", StructType([]))]), "struct<a b:struct<>>"],
  ];
  for (const [t, s] of cases) assert.equal(simpleString(t), s);
});

test("simpleString truncates wide structs like Spark; catalogString does not", () => {
  const wide = StructType(Array.from({ length: 30 }, (_, i) => StructField(`c${i}`, IntegerType())));
  const expected = `struct<${Array.from({ length: 24 }, (_, i) => `c${i}:int`).join(",")},... 6 more fields>`;
  assert.equal(simpleString(wide), expected);
  assert.equal(catalogString(wide), `struct<${Array.from({ length: 30 }, (_, i) => `c${i}:int`).join(",")}>`);
  assert.equal(simpleString(wide, 3), "struct<c0:int,c1:int,... 28 more fields>");
});

test("sqlTypeName matches Spark's DataType.sql", () => {
  assert.equal(sqlTypeName(LongType()), "BIGINT");
  assert.equal(sqlTypeName(StringType()), "STRING");
  assert.equal(sqlTypeName(NullType()), "VOID");
  assert.equal(sqlTypeName(DecimalType(38, 18)), "DECIMAL(38,18)");
  assert.equal(sqlTypeName(ArrayType(IntegerType())), "ARRAY<INT>");
  assert.equal(sqlTypeName(MapType(StringType(), IntegerType())), "MAP<STRING, INT>");
  assert.equal(sqlTypeName(StructType([StructField("a", LongType())])), "STRUCT<a: BIGINT>");
  assert.equal(
    sqlTypeName(StructType([StructField("a b", LongType(), false, { comment: "it's" }), StructField("`q`", StringType())])),
    "STRUCT<`a b`: BIGINT NOT NULL COMMENT 'it\\'s', ```q```: STRING>",
  );
});

test("toDDL matches Spark's StructType.toDDL and parses back", () => {
  const schema = StructType([
    StructField("id", LongType(), false),
    StructField("my col", StringType(), true, { comment: "a 'quoted' note" }),
    StructField("data", StructType([StructField("x", ArrayType(DecimalType(5, 1)), false)])),
    StructField("1st", MapType(StringType(), DateType())),
  ]);
  const ddl = toDDL(schema);
  assert.equal(
    ddl,
    "id BIGINT NOT NULL,`my col` STRING COMMENT 'a \\'quoted\\' note',data STRUCT<x: ARRAY<DECIMAL(5,1)> NOT NULL>,`1st` MAP<STRING, DATE>",
  );
  const back = parseDDL(ddl);
  assert.ok(sameType(back, schema));
  assert.deepEqual(back.fields[1].metadata, { comment: "a 'quoted' note" });
  assert.ok(sameType(parseDataType(sqlTypeName(schema)), schema));
});

test("quoteIfNeeded back-quotes only names that are not plain identifiers", () => {
  assert.equal(quoteIfNeeded("event_id"), "event_id");
  assert.equal(quoteIfNeeded("_x9"), "_x9");
  assert.equal(quoteIfNeeded("9x"), "`9x`");
  assert.equal(quoteIfNeeded("a.b"), "`a.b`");
  assert.equal(quoteIfNeeded("a`b"), "`a``b`");
  assert.equal(quoteIfNeeded(""), "``");
});
