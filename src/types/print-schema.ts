/**
 * The textual forms Spark gives a type: `printSchema()`'s tree, `simpleString`
 * (`struct<a:bigint>`), `catalogString`, `sql` (`STRUCT<a: BIGINT>`) and `StructType.toDDL`.
 * Each matches Spark's output character for character.
 */
import type { DataType, StructField, StructType } from "./data-types.js";
import { ansiIntervalTypeName } from "./data-types.js";

/**
 * Spark's `StructType.treeString`: `root` and one ` |-- name: type (nullable = …)` line per field,
 * nested types indented by `    |`, array elements as `element: … (containsNull = …)` and map
 * entries as `key: …` / `value: … (valueContainsNull = …)`. Type names are JSON type names
 * (`long`, `integer`, `decimal(10,2)`, `void`). The result ends with a newline; `printSchema()`
 * prints it followed by one more (Spark uses `println`).
 *
 * @param maxDepth how many levels to show (Spark's `printSchema(level)`); 0 or less shows all.
 * @example treeString(StructType([StructField("a", LongType())]))
 * // "root\n |-- a: long (nullable = true)\n"
 */
export function treeString(schema: StructType, maxDepth = 0): string {
  const out: string[] = ["root\n"];
  const depth = maxDepth > 0 ? maxDepth : Number.MAX_SAFE_INTEGER;
  for (const f of schema.fields) fieldTree(f, " |", out, depth);
  return out.join("");
}

/**
 * Spark's `simpleString`: `bigint`, `int`, `smallint`, `tinyint`, `string`, `void`,
 * `decimal(10,2)`, `array<int>`, `map<string,bigint>`, `struct<a:bigint,b:string>`. As in Spark,
 * a struct with more than `maxFields` (default 25, Spark's `spark.sql.debug.maxToStringFields`)
 * fields is truncated with `... N more fields`; pass `Infinity` to never truncate.
 */
export function simpleString(t: DataType, maxFields = 25): string {
  switch (t.typeName) {
    case "struct": {
      const parts = t.fields.map((f) => `${f.name}:${simpleString(f.dataType, maxFields)}`);
      return truncated(parts, "struct<", ",", ">", maxFields);
    }
    case "array":
      return `array<${simpleString(t.elementType, maxFields)}>`;
    case "map":
      return `map<${simpleString(t.keyType, maxFields)},${simpleString(t.valueType, maxFields)}>`;
    default:
      return atomicSimpleString(t);
  }
}

/**
 * A type's shape: {@link catalogString} without struct field names (`struct<timestamp,timestamp>`),
 * what Spark's state schema check compares (it allows renamed fields).
 */
export function shapeString(t: DataType): string {
  switch (t.typeName) {
    case "struct":
      return `struct<${t.fields.map((f) => shapeString(f.dataType)).join(",")}>`;
    case "array":
      return `array<${shapeString(t.elementType)}>`;
    case "map":
      return `map<${shapeString(t.keyType)},${shapeString(t.valueType)}>`;
    default:
      return atomicSimpleString(t);
  }
}

/** Spark's `catalogString`: {@link simpleString} without truncation. */
export function catalogString(t: DataType): string {
  return simpleString(t, Infinity);
}

/**
 * Spark's `DataType.sql`: `BIGINT`, `STRING`, `DECIMAL(10,2)`, `ARRAY<INT>`, `MAP<STRING, INT>`,
 * `STRUCT<a: BIGINT, `b c`: STRING NOT NULL COMMENT 'x'>` (names back-quoted only when needed).
 */
export function sqlTypeName(t: DataType): string {
  switch (t.typeName) {
    case "struct":
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)}: ${sqlTypeName(f.dataType)}${nullDdl(f)}${commentDdl(f)}`).join(", ")}>`;
    case "array":
      return `ARRAY<${sqlTypeName(t.elementType)}>`;
    case "map":
      return `MAP<${sqlTypeName(t.keyType)}, ${sqlTypeName(t.valueType)}>`;
    default:
      return atomicSimpleString(t).toUpperCase();
  }
}

/**
 * Spark's `StructType.toDDL`: `a BIGINT NOT NULL,b STRING COMMENT 'x'` (comma without space, as
 * Spark). {@link parseDDL} reads it back to the same schema (metadata other than `comment` is lost).
 */
export function toDDL(schema: StructType): string {
  return schema.fields.map((f) => `${quoteIfNeeded(f.name)} ${sqlTypeName(f.dataType)}${nullDdl(f)}${commentDdl(f)}`).join(",");
}

/** Back-quotes a name unless it is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`), doubling back-ticks. */
export function quoteIfNeeded(name: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, "``")}\``;
}

// ---------------------------------------------------------------------------------------------

function fieldTree(f: StructField, prefix: string, out: string[], depth: number): void {
  if (depth <= 0) return;
  out.push(`${prefix}-- ${escapeMetaCharacters(f.name)}: ${treeTypeName(f.dataType)} (nullable = ${f.nullable})\n`);
  nestedTree(f.dataType, `${prefix}    |`, out, depth - 1);
}

function nestedTree(t: DataType, prefix: string, out: string[], depth: number): void {
  if (depth <= 0) return;
  switch (t.typeName) {
    case "struct":
      for (const f of t.fields) fieldTree(f, prefix, out, depth);
      return;
    case "array":
      out.push(`${prefix}-- element: ${treeTypeName(t.elementType)} (containsNull = ${t.containsNull})\n`);
      nestedTree(t.elementType, `${prefix}    |`, out, depth - 1);
      return;
    case "map":
      out.push(`${prefix}-- key: ${treeTypeName(t.keyType)}\n`);
      nestedTree(t.keyType, `${prefix}    |`, out, depth - 1);
      out.push(`${prefix}-- value: ${treeTypeName(t.valueType)} (valueContainsNull = ${t.valueContainsNull})\n`);
      nestedTree(t.valueType, `${prefix}    |`, out, depth - 1);
      return;
    default:
      return;
  }
}

/** Spark's `typeName`: the JSON name (`long`, `decimal(10,2)`, `void`). */
function treeTypeName(t: DataType): string {
  if (t.typeName === "decimal") return `decimal(${t.precision},${t.scale})`;
  if (t.typeName === "yearmonthinterval" || t.typeName === "daytimeinterval") return ansiIntervalTypeName(t);
  if (t.typeName === "null") return "void";
  return t.typeName;
}

function atomicSimpleString(t: DataType): string {
  switch (t.typeName) {
    case "long":
      return "bigint";
    case "integer":
      return "int";
    case "short":
      return "smallint";
    case "byte":
      return "tinyint";
    default:
      return treeTypeName(t);
  }
}

function truncated(parts: string[], start: string, sep: string, end: string, maxFields: number): string {
  if (parts.length <= maxFields) return start + parts.join(sep) + end;
  const shown = Math.max(0, maxFields - 1);
  return `${start}${parts.slice(0, shown).join(sep)}${sep}... ${parts.length - shown} more fields${end}`;
}

function nullDdl(f: StructField): string {
  return f.nullable ? "" : " NOT NULL";
}

function commentDdl(f: StructField): string {
  const c = f.metadata.comment;
  return typeof c === "string" ? ` COMMENT '${c.replace(/'/g, "\\'")}'` : "";
}

function escapeMetaCharacters(s: string): string {
  return s
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/\f/g, "\\f")
    .replaceAll("\u0008", "\\b")
    .replaceAll("\u000B", "\\v")
    .replaceAll("\u0007", "\\a");
}
