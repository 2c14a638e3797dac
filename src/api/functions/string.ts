/**
 * Column builders: string functions (Spark's Python/Scala names and signatures). Where PySpark
 * takes a column, a `string` is a column name; plain-value parameters (`len`, `pad`, `charset` …)
 * are literals.
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** Code point of the first character (0 for ""). @example ascii("name") */
export function ascii(col: ColumnName): Column {
  return fn1("ascii", col);
}

/** The character with code `n mod 256`. @example char(lit(65)) // "A" */
export function char(col: ColumnName): Column {
  return fn1("char", col);
}

/** Base64 text of a binary (a string is read as UTF-8). @example base64("payload") */
export function base64(col: ColumnName): Column {
  return fn1("base64", col);
}

/** Binary decoded from base64 text. @example unbase64("b64") */
export function unbase64(col: ColumnName): Column {
  return fn1("unbase64", col);
}

/** Length in bits of the UTF-8 text (or binary). @example bit_length("name") */
export function bit_length(col: ColumnName): Column {
  return fn1("bit_length", col);
}

/** Length in bytes of the UTF-8 text (or binary). @example octet_length("name") */
export function octet_length(col: ColumnName): Column {
  return fn1("octet_length", col);
}

/** Text decoded from a binary in a Java charset ('UTF-8', 'US-ASCII', 'ISO-8859-1', 'UTF-16BE' …). @example decode("raw", "UTF-8") */
export function decode(col: ColumnName, charset: string): Column {
  return call("decode", [colExpr(col), literalExpr(charset)]);
}

/** The text encoded in a Java charset, as binary. @example encode("name", "UTF-16BE") */
export function encode(col: ColumnName, charset: string): Column {
  return call("encode", [colExpr(col), literalExpr(charset)]);
}

/** The n-th input (1-based); null when out of range. @example elt(col("i"), "a", "b") */
export function elt(...inputs: ColumnName[]): Column {
  return call("elt", inputs.map(colExpr));
}

/** 1-based position of `str` in a comma-separated list; 0 if absent. @example find_in_set(lit("b"), lit("a,b,c")) // 2 */
export function find_in_set(str: ColumnName, strArray: ColumnName): Column {
  return call("find_in_set", [colExpr(str), colExpr(strArray)]);
}

/** `#,###,###.##` text rounded (half-even) to `d` decimal places. @example format_number("price", 2) */
export function format_number(col: ColumnName, d: number): Column {
  return call("format_number", [colExpr(col), literalExpr(d)]);
}

/** Java `String.format` of the columns. @example format_string("%s=%d", "k", "v") */
export function format_string(format: string, ...cols: ColumnName[]): Column {
  return call("format_string", [literalExpr(format), ...cols.map(colExpr)]);
}

/** Java `String.format` with the format taken from a column. @example printf(lit("%s!"), "name") */
export function printf(format: ColumnName, ...cols: ColumnName[]): Column {
  return call("printf", [colExpr(format), ...cols.map(colExpr)]);
}

/** Upper-cases the first letter of each space-separated word, lower-cases the rest. @example initcap("name") */
export function initcap(col: ColumnName): Column {
  return fn1("initcap", col);
}

/** 1-based position of the first occurrence of `substr`; 0 if absent. @example instr("s", "ab") */
export function instr(str: ColumnName, substr: string): Column {
  return call("instr", [colExpr(str), literalExpr(substr)]);
}

/** Levenshtein distance; with a threshold, -1 when the distance exceeds it. @example levenshtein("a", "b", 3) */
export function levenshtein(left: ColumnName, right: ColumnName, threshold?: number): Column {
  const args = [colExpr(left), colExpr(right)];
  if (threshold !== undefined) args.push(literalExpr(threshold));
  return call("levenshtein", args);
}

/** Whether a string of digits passes the Luhn checksum. @example luhn_check("card") */
export function luhn_check(col: ColumnName): Column {
  return fn1("luhn_check", col);
}

/** SQL LIKE (`%`, `_`) as a function. @example like("name", lit("a%")) */
export function like(str: ColumnName, pattern: ColumnName): Column {
  return call("like", [colExpr(str), colExpr(pattern)]);
}

/** Case-insensitive LIKE. @example ilike("name", lit("A%")) */
export function ilike(str: ColumnName, pattern: ColumnName): Column {
  return call("ilike", [colExpr(str), colExpr(pattern)]);
}

/** Whether a Java regex matches anywhere in the string. @example rlike("s", lit("\\d+")) */
export function rlike(str: ColumnName, regexp: ColumnName): Column {
  return call("rlike", [colExpr(str), colExpr(regexp)]);
}

/** Same as {@link rlike}. @example regexp_like("s", lit("\\d+")) */
export function regexp_like(str: ColumnName, regexp: ColumnName): Column {
  return call("regexp_like", [colExpr(str), colExpr(regexp)]);
}

/** Same as {@link rlike}. @example regexp("s", lit("\\d+")) */
export function regexp(str: ColumnName, regexp: ColumnName): Column {
  return call("regexp", [colExpr(str), colExpr(regexp)]);
}

/** Number of matches of a Java regex. @example regexp_count("s", lit("\\d+")) */
export function regexp_count(str: ColumnName, regexp: ColumnName): Column {
  return call("regexp_count", [colExpr(str), colExpr(regexp)]);
}

/** Group `idx` (default 1) of every match of a Java regex. @example regexp_extract_all("s", lit("(\\d+)"), 1) */
export function regexp_extract_all(str: ColumnName, regexp: ColumnName, idx?: number | Column): Column {
  const args = [colExpr(str), colExpr(regexp)];
  if (idx !== undefined) args.push(typeof idx === "number" ? literalExpr(idx) : idx.expr);
  return call("regexp_extract_all", args);
}

/** The first match of a Java regex; null when none. @example regexp_substr("s", lit("\\d+")) */
export function regexp_substr(str: ColumnName, regexp: ColumnName): Column {
  return call("regexp_substr", [colExpr(str), colExpr(regexp)]);
}

/** 1-based position of the first match of a Java regex; 0 when none. @example regexp_instr("s", lit("\\d+")) */
export function regexp_instr(str: ColumnName, regexp: ColumnName, idx?: number | Column): Column {
  const args = [colExpr(str), colExpr(regexp)];
  if (idx !== undefined) args.push(typeof idx === "number" ? literalExpr(idx) : idx.expr);
  return call("regexp_instr", args);
}

/** Left-pads to `len` characters with `pad` (truncates when longer). @example lpad("id", 5, "0") */
export function lpad(col: ColumnName, len: number, pad: string): Column {
  return call("lpad", [colExpr(col), literalExpr(len), literalExpr(pad)]);
}

/** Right-pads to `len` characters with `pad` (truncates when longer). @example rpad("id", 5, ".") */
export function rpad(col: ColumnName, len: number, pad: string): Column {
  return call("rpad", [colExpr(col), literalExpr(len), literalExpr(pad)]);
}

/** Replaces `len` characters from 1-based `pos` with `replace` (len -1: the length of `replace`). @example overlay("s", lit("_"), 6) */
export function overlay(src: ColumnName, replace: ColumnName, pos: number | Column, len: number | Column = -1): Column {
  const lit = (x: number | Column) => (typeof x === "number" ? literalExpr(x) : x.expr);
  return call("overlay", [colExpr(src), colExpr(replace), lit(pos), lit(len)]);
}

/** The string repeated `n` times. @example repeat("s", 3) */
export function repeat(col: ColumnName, n: number): Column {
  return call("repeat", [colExpr(col), literalExpr(n)]);
}

/** Replaces every occurrence of `search` (with "" by default). @example replace("s", lit("a"), lit("b")) */
export function replace(src: ColumnName, search: ColumnName, replacement?: ColumnName): Column {
  const args = [colExpr(src), colExpr(search)];
  if (replacement !== undefined) args.push(colExpr(replacement));
  return call("replace", args);
}

/** Sentences as arrays of words. @example sentences("text") */
export function sentences(string: ColumnName, language?: ColumnName, country?: ColumnName): Column {
  const args = [colExpr(string)];
  if (language !== undefined) args.push(colExpr(language));
  if (country !== undefined) args.push(colExpr(country));
  return call("sentences", args);
}

/** American Soundex code. @example soundex("name") */
export function soundex(col: ColumnName): Column {
  return fn1("soundex", col);
}

/** The part-th piece of the string split on `delimiter` (from the end when negative). @example split_part("s", lit("."), lit(2)) */
export function split_part(src: ColumnName, delimiter: ColumnName, partNum: ColumnName): Column {
  return call("split_part", [colExpr(src), colExpr(delimiter), colExpr(partNum)]);
}

/** The leftmost `len` characters. @example left("s", lit(3)) */
export function left(str: ColumnName, len: ColumnName): Column {
  return call("left", [colExpr(str), colExpr(len)]);
}

/** The rightmost `len` characters. @example right("s", lit(3)) */
export function right(str: ColumnName, len: ColumnName): Column {
  return call("right", [colExpr(str), colExpr(len)]);
}

/** The text before the count-th `delim` (after it, counting from the end, when negative). @example substring_index("host", ".", 2) */
export function substring_index(str: ColumnName, delim: string, count: number): Column {
  return call("substring_index", [colExpr(str), literalExpr(delim), literalExpr(count)]);
}

/** Maps each character of `matching` to the same position of `replace` (deleting extras). @example translate("s", "abc", "xy") */
export function translate(srcCol: ColumnName, matching: string, replace: string): Column {
  return call("translate", [colExpr(srcCol), literalExpr(matching), literalExpr(replace)]);
}

/** Removes spaces (or the characters of `trim`) from both ends. @example btrim("s", lit("xy")) */
export function btrim(str: ColumnName, trim?: ColumnName): Column {
  return call("btrim", trim === undefined ? [colExpr(str)] : [colExpr(str), colExpr(trim)]);
}

/** Upper-case hex of a number, string or binary. @example hex("id") */
export function hex(col: ColumnName): Column {
  return fn1("hex", col);
}

/** Binary from hex text; null when not hex. @example unhex("h") */
export function unhex(col: ColumnName): Column {
  return fn1("unhex", col);
}

/** Binary from text in format 'hex' (default), 'utf-8' or 'base64'. @example to_binary("h", lit("hex")) */
export function to_binary(col: ColumnName, format?: ColumnName): Column {
  return call("to_binary", format === undefined ? [colExpr(col)] : [colExpr(col), colExpr(format)]);
}

/** As {@link to_binary}, with null instead of an error on bad input. @example try_to_binary("h") */
export function try_to_binary(col: ColumnName, format?: ColumnName): Column {
  return call("try_to_binary", format === undefined ? [colExpr(col)] : [colExpr(col), colExpr(format)]);
}

/** `application/x-www-form-urlencoded` text. @example url_encode("q") */
export function url_encode(str: ColumnName): Column {
  return fn1("url_encode", str);
}

/** Decodes `application/x-www-form-urlencoded` text. @example url_decode("q") */
export function url_decode(str: ColumnName): Column {
  return fn1("url_decode", str);
}

/** A part of a URL: HOST, PATH, QUERY (optionally one key), REF, PROTOCOL, FILE, AUTHORITY, USERINFO. @example parse_url("url", lit("HOST")) */
export function parse_url(url: ColumnName, partToExtract: ColumnName, key?: ColumnName): Column {
  const args = [colExpr(url), colExpr(partToExtract)];
  if (key !== undefined) args.push(colExpr(key));
  return call("parse_url", args);
}

/**
 * Masks characters by class (upper 'X', lower 'x', digit 'n' by default; others kept); a null
 * replacement keeps that class.
 * @example mask("card", null, null, "#")
 */
export function mask(col: ColumnName, upperChar?: string | null, lowerChar?: string | null, digitChar?: string | null, otherChar?: string | null): Column {
  const args = [colExpr(col)];
  const given = [upperChar, lowerChar, digitChar, otherChar];
  const defaults = ["X", "x", "n", null];
  let last = -1;
  given.forEach((g, k) => {
    if (g !== undefined) last = k;
  });
  for (let k = 0; k <= last; k++) args.push(literalExpr(given[k] === undefined ? defaults[k] : given[k]));
  return call("mask", args);
}

/** A decimal read with a number format ('999.99', '$9,999', 'S999' …). @example to_number("s", lit("999.99")) */
export function to_number(col: ColumnName, format: ColumnName): Column {
  return call("to_number", [colExpr(col), colExpr(format)]);
}

/** As {@link to_number}, with null instead of an error on a mismatch. @example try_to_number("s", lit("999")) */
export function try_to_number(col: ColumnName, format: ColumnName): Column {
  return call("try_to_number", [colExpr(col), colExpr(format)]);
}

/** A number written with a number format. @example to_char("amount", lit("$99,999.99")) */
export function to_char(col: ColumnName, format: ColumnName): Column {
  return call("to_char", [colExpr(col), colExpr(format)]);
}

/** Same as {@link to_char}. @example to_varchar("amount", lit("999")) */
export function to_varchar(col: ColumnName, format: ColumnName): Column {
  return call("to_varchar", [colExpr(col), colExpr(format)]);
}

/** The string with its characters reversed, or the array with its elements reversed. @example reverse("s") */
export function reverse(col: ColumnName): Column {
  return fn1("reverse", col);
}
