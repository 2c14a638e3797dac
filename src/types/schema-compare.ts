/**
 * Comparing a schema a query was defined with against a table's, as table sources do when a user
 * passes a schema or a table's schema changes under a running stream.
 */
import type { DataType, StructType } from "./data-types.js";

/** Same field names (exact, in order) and types; nullability flags and metadata aside. */
export function sameSchema(a: StructType, b: StructType): boolean {
  return sameIgnoringNullability(a, b);
}

function sameIgnoringNullability(a: DataType, b: DataType): boolean {
  if (a.typeName === "struct" && b.typeName === "struct") {
    return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && sameIgnoringNullability(f.dataType, b.fields[i].dataType));
  }
  if (a.typeName === "array" && b.typeName === "array") return sameIgnoringNullability(a.elementType, b.elementType);
  if (a.typeName === "map" && b.typeName === "map") return sameIgnoringNullability(a.keyType, b.keyType) && sameIgnoringNullability(a.valueType, b.valueType);
  if (a.typeName === "decimal" && b.typeName === "decimal") return a.precision === b.precision && a.scale === b.scale;
  return a.typeName === b.typeName;
}

/** `a long, b string`: the top-level fields for messages. */
export function describeFields(s: StructType): string {
  return s.fields.map((f) => `${f.name} ${f.dataType.typeName}`).join(", ");
}
