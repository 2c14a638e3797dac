/**
 * Column builders: miscellaneous functions (Spark's Python/Scala names and signatures): null
 * handling, assertions, hashing, and session, version and partition information.
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";
import { node } from "../../sql/expression.js";
import type { LiteralExpr } from "../../sql/expression.js";
import { DoubleType } from "../../types/data-types.js";

/** `col2` where `col1` is not null, else `col3`. @example nvl2("discount", lit(true), lit(false)) */
export function nvl2(col1: ColumnName, col2: ColumnName, col3: ColumnName): Column {
  return call("nvl2", [colExpr(col1), colExpr(col2), colExpr(col3)]);
}

/** `col1 <=> col2`: equality where two nulls are equal; never null. @example equal_null("a", "b") */
export function equal_null(col1: ColumnName, col2: ColumnName): Column {
  return call("equal_null", [colExpr(col1), colExpr(col2)]);
}

/** Null, or fails the query where `col` is not true. @example assert_true(col("qty").gt(0), "qty must be positive") */
export function assert_true(col: ColumnName, errMsg?: string): Column {
  return call("assert_true", errMsg === undefined ? [colExpr(col)] : [colExpr(col), literalExpr(errMsg)]);
}

/** Fails the query with `errMsg`. @example when(col("qty").lt(0), raise_error("negative qty")) */
export function raise_error(errMsg: ColumnName): Column {
  return fn1("raise_error", errMsg);
}

/** Spark's XXH64 hash (seed 42) of the arguments, as a bigint. @example xxhash64("user_id", "event") */
export function xxhash64(...cols: ColumnName[]): Column {
  return call("xxhash64", cols.map(colExpr));
}

/**
 * The type of the value, as Spark names it (`int`, `array<string>`). Exported as `typeof` (a
 * reserved word, so it is declared under another name). @example F.typeof("payload")
 */
function typeOf(col: ColumnName): Column {
  return fn1("typeof", col);
}
export { typeOf as typeof };

/**
 * The URL of the file the row was read from, "" when it did not come straight from a file source
 * (Spark's `input_file_name`). @example df.withColumn("source_file", input_file_name())
 */
export function input_file_name(): Column {
  return call("input_file_name", []);
}

/** A random UUID string per row. @example uuid() */
export function uuid(): Column {
  return call("uuid", []);
}

/** The current database (`default`). @example current_database() */
export function current_database(): Column {
  return call("current_database", []);
}

/** The current schema (`default`). @example current_schema() */
export function current_schema(): Column {
  return call("current_schema", []);
}

/** The current catalog (`spark_catalog`). @example current_catalog() */
export function current_catalog(): Column {
  return call("current_catalog", []);
}

/** The user running the query. @example current_user() */
export function current_user(): Column {
  return call("current_user", []);
}

/** The user running the query. @example user() */
export function user(): Column {
  return call("user", []);
}

/** The Spark version whose semantics sluice follows. @example version() */
export function version(): Column {
  return call("version", []);
}

/** The partition of the row (always 0: a micro-batch is one partition). @example spark_partition_id() */
export function spark_partition_id(): Column {
  return call("spark_partition_id", []);
}

/** Increasing, unique bigints per row (partition 0's row counter). @example monotonically_increasing_id() */
export function monotonically_increasing_id(): Column {
  return call("monotonically_increasing_id", []);
}

/**
 * AES-encrypts `input` with `key` (16, 24 or 32 bytes) in `mode` (GCM by default; ECB, CBC),
 * with a random IV unless `iv` is given; GCM takes additional authenticated data `aad`.
 * @example aes_encrypt("card_number", lit(secretKey))
 */
export function aes_encrypt(input: ColumnName, key: ColumnName, mode?: ColumnName, padding?: ColumnName, iv?: ColumnName, aad?: ColumnName): Column {
  return call("aes_encrypt", [input, key, mode, padding, iv, aad].filter((c) => c !== undefined).map(colExpr));
}

/** Decrypts what {@link aes_encrypt} produced; an error when it cannot. @example aes_decrypt("secret", lit(secretKey)) */
export function aes_decrypt(input: ColumnName, key: ColumnName, mode?: ColumnName, padding?: ColumnName, aad?: ColumnName): Column {
  return call("aes_decrypt", [input, key, mode, padding, aad].filter((c) => c !== undefined).map(colExpr));
}

/** {@link aes_decrypt}, null where the input cannot be decrypted. @example try_aes_decrypt("secret", lit(secretKey)) */
export function try_aes_decrypt(input: ColumnName, key: ColumnName, mode?: ColumnName, padding?: ColumnName, aad?: ColumnName): Column {
  return call("try_aes_decrypt", [input, key, mode, padding, aad].filter((c) => c !== undefined).map(colExpr));
}

/** The bucket of 32,768 values `col` falls in (for exact distinct counts with bitmaps). @example bitmap_bucket_number("user_id") */
export function bitmap_bucket_number(c: ColumnName): Column {
  return fn1("bitmap_bucket_number", c);
}

/** The bit of `col` within its bucket. @example bitmap_bit_position("user_id") */
export function bitmap_bit_position(c: ColumnName): Column {
  return fn1("bitmap_bit_position", c);
}

/** The number of set bits of a bitmap. @example bitmap_count("bitmap") */
export function bitmap_count(c: ColumnName): Column {
  return fn1("bitmap_count", c);
}

/** Aggregate: the bitmap with the bit of each position set. @example bitmap_construct_agg(bitmap_bit_position("user_id")) */
export function bitmap_construct_agg(c: ColumnName): Column {
  return fn1("bitmap_construct_agg", c);
}

/** Aggregate: the OR of bitmaps. @example bitmap_or_agg("bitmap") */
export function bitmap_or_agg(c: ColumnName): Column {
  return fn1("bitmap_or_agg", c);
}

/**
 * Aggregate: Spark's count-min sketch of a column (integral, string or binary), serialized as
 * Spark's `CountMinSketch.readFrom` reads it. `eps` (relative error, > 0) and `confidence` (in
 * (0, 1)) given as numbers are doubles; `seed` as a number is an int.
 * @example count_min_sketch("user_id", 0.001, 0.99, 42)
 */
export function count_min_sketch(col: ColumnName, eps: Column | number, confidence: Column | number, seed: Column | number): Column {
  const dbl = (v: Column | number) => (typeof v === "number" ? node<LiteralExpr>({ kind: "literal", value: v, dataType: DoubleType() }) : v.expr);
  return call("count_min_sketch", [colExpr(col), dbl(eps), dbl(confidence), typeof seed === "number" ? literalExpr(seed) : seed.expr]);
}

/** The values of the nodes an XPath matches in XML text. @example xpath("payload", lit("a/b/text()")) */
export function xpath(xml: ColumnName, path: ColumnName): Column {
  return call("xpath", [colExpr(xml), colExpr(path)]);
}

/** The string value of an XPath over XML text. @example xpath_string("payload", lit("a/c")) */
export function xpath_string(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_string", [colExpr(xml), colExpr(path)]);
}

/** Whether an XPath matches in XML text. @example xpath_boolean("payload", lit("a/b")) */
export function xpath_boolean(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_boolean", [colExpr(xml), colExpr(path)]);
}

/** The numeric value of an XPath over XML text, as a double. @example xpath_double("payload", lit("sum(a/b)")) */
export function xpath_double(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_double", [colExpr(xml), colExpr(path)]);
}

/** Same as {@link xpath_double}. */
export function xpath_number(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_number", [colExpr(xml), colExpr(path)]);
}

/** The numeric value of an XPath, as a float. @example xpath_float("payload", lit("a/b")) */
export function xpath_float(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_float", [colExpr(xml), colExpr(path)]);
}

/** The numeric value of an XPath, as an int. @example xpath_int("payload", lit("sum(a/b)")) */
export function xpath_int(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_int", [colExpr(xml), colExpr(path)]);
}

/** The numeric value of an XPath, as a bigint. @example xpath_long("payload", lit("sum(a/b)")) */
export function xpath_long(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_long", [colExpr(xml), colExpr(path)]);
}

/** The numeric value of an XPath, as a smallint. @example xpath_short("payload", lit("sum(a/b)")) */
export function xpath_short(xml: ColumnName, path: ColumnName): Column {
  return call("xpath_short", [colExpr(xml), colExpr(path)]);
}
