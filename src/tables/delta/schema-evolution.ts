/**
 * Fitting written data to a Delta table's schema, as Delta's schema enforcement and `mergeSchema`
 * do: columns are matched by name (order does not matter), table columns the data lacks are written
 * as nulls, and columns the table lacks (top-level, or fields of nested structs, also inside arrays
 * and map values) are either refused or, with `mergeSchema`, appended to the table schema as
 * nullable. Type changes and names that differ only in case are always refused.
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import type { Vector } from "../../columnar/vector.js";
import { AnalysisError, ConfigError } from "../../errors.js";
import { ArrayType, MapType, StructField, StructType } from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";
import { simpleString } from "../../types/print-schema.js";

/**
 * What a write does with columns the table lacks, in the spirit of dlt's schema contracts: `evolve`
 * adds them to the table (Delta's `mergeSchema`), `freeze` refuses the write (Delta's default),
 * `discard_value` writes the rows without them, `discard_row` drops the rows that have a value in
 * one of them (a top-level column; new nested fields are discarded as values) and writes the rest.
 */
export type SchemaContract = "evolve" | "freeze" | "discard_row" | "discard_value";

/** The schema contracts, for option validation. */
export const SCHEMA_CONTRACTS = ["evolve", "freeze", "discard_row", "discard_value"] as const;

/**
 * Checks a writer's `schemaContract` against its `mergeSchema`: both may only ask for the same.
 * @throws ConfigError naming both options when `mergeSchema` is on and the contract is not `evolve`.
 */
export function checkSchemaContract(writer: string, mergeSchema: boolean, contract: SchemaContract | undefined): void {
  if (mergeSchema && contract !== undefined && contract !== "evolve") {
    throw new ConfigError(`${writer}: option mergeSchema adds new columns, but schemaContract '${contract}' says otherwise; set one of them`, { option: "schemaContract" });
  }
}

/** Options of {@link evolveSchema}. */
export interface EvolveSchemaOptions {
  /** Add the data's new columns and nested fields to the table schema instead of refusing them. */
  readonly mergeSchema: boolean;
  /** What to do with new columns when `mergeSchema` is off: `freeze` (refuse, the default) or discard them. */
  readonly contract?: SchemaContract;
  /** The table's location, for messages. */
  readonly tablePath: string;
}

/** The outcome of {@link evolveSchema}. */
export interface EvolvedSchema {
  /** The table schema after the write: the table's own, plus new columns when merged. */
  readonly schema: StructType;
  /** True when `schema` differs from the table's (the commit needs a new `metaData`). */
  readonly changed: boolean;
  /** Under a discard contract: the data's columns the table lacks (dotted paths), left out of the files. */
  readonly discarded: readonly string[];
}

/**
 * The table schema that writing data of schema `data` into a table of schema `table` results in.
 * Data may lack nullable table columns (they are written as nulls) and may order columns freely.
 * @throws AnalysisError (`delta writer: …`) when a column's type differs between table and data
 *   (naming the column and both types; nullability is not compared), when a data column differs
 *   from a table column only in case, when the data repeats a name or lacks a non-nullable table
 *   column, or — without `mergeSchema` — when the data has columns the table lacks (listing them
 *   and suggesting `.option("mergeSchema", "true")`).
 */
export function evolveSchema(table: StructType, data: StructType, options: EvolveSchemaOptions): EvolvedSchema {
  const added: Added[] = [];
  const schema = mergeStruct(table, data, "", added, options.tablePath);
  const contract = options.mergeSchema ? "evolve" : (options.contract ?? "freeze");
  if (added.length === 0 || contract === "evolve") return { schema, changed: added.length > 0, discarded: [] };
  if (contract === "freeze") {
    throw new AnalysisError(
      `delta writer: the data has columns the table at ${options.tablePath} lacks: ${added.map((a) => `${a.path} ${a.type}`).join(", ")}; ` +
        `to add them to the table schema, write with .option("mergeSchema", "true") (or option("schemaContract", "evolve")); ` +
        `"discard_value" or "discard_row" leaves them out`,
      { path: options.tablePath },
    );
  }
  // The data is written with the table's own schema: `conformBatch` leaves the new columns out.
  return { schema: table, changed: false, discarded: added.map((a) => a.path) };
}

/**
 * `batch` with the columns of `target` in `target`'s order, matched by name at every struct level;
 * target columns or nested fields the batch lacks become null vectors. `target` must be a schema
 * {@link evolveSchema} returned for the batch's schema (same names, compatible types).
 * Cost is per column, not per row (except null vectors allocated for missing columns).
 */
export function conformBatch(batch: Batch, target: StructType): Batch {
  if (sameLayout(batch.schema, target)) return batch.schema === target ? batch : makeBatch(target, batch.columns, batch.numRows);
  const columns = target.fields.map((f) => {
    const i = batch.schema.fields.findIndex((g) => g.name === f.name);
    return i < 0 ? nullVector(f.dataType, batch.numRows) : conformVector(batch.columns[i], f.dataType);
  });
  return makeBatch(target, columns, batch.numRows);
}

/** A column or nested field of the data the table lacks: its dotted path and its type, for messages. */
interface Added {
  readonly path: string;
  readonly type: string;
}

function mergeStruct(table: StructType, data: StructType, prefix: string, added: Added[], tablePath: string): StructType {
  const fail = (message: string): never => {
    throw new AnalysisError(`delta writer: ${message} (table at ${tablePath})`, { path: tablePath });
  };
  const seen = new Set<string>();
  for (const d of data.fields) {
    const lower = d.name.toLowerCase();
    if (seen.has(lower)) fail(`the data has the column '${prefix}${d.name}' twice (names are case-insensitive)`);
    seen.add(lower);
  }
  const fields: StructField[] = [];
  for (const t of table.fields) {
    const d = data.fields.find((f) => f.name === t.name);
    if (d === undefined) {
      const clash = data.fields.find((f) => f.name.toLowerCase() === t.name.toLowerCase());
      if (clash !== undefined) fail(`the data's column '${prefix}${clash.name}' differs only in case from the table's column '${prefix}${t.name}'`);
      if (!t.nullable) fail(`the data lacks the column '${prefix}${t.name}', which is not nullable in the table`);
      fields.push(t);
      continue;
    }
    const merged = mergeType(t.dataType, d.dataType, `${prefix}${t.name}`, added, tablePath);
    fields.push(merged === t.dataType ? t : StructField(t.name, merged, t.nullable, t.metadata));
  }
  for (const d of data.fields) {
    if (table.fields.some((t) => t.name.toLowerCase() === d.name.toLowerCase())) continue;
    added.push({ path: `${prefix}${d.name}`, type: simpleString(d.dataType) });
    fields.push(StructField(d.name, d.dataType, true, d.metadata));
  }
  const unchanged = fields.length === table.fields.length && fields.every((f, i) => f === table.fields[i]);
  return unchanged ? table : StructType(fields);
}

/** The merged type of a column; the table's own type object when nothing was added inside it. */
function mergeType(table: DataType, data: DataType, column: string, added: Added[], tablePath: string): DataType {
  if (table.typeName === "struct" && data.typeName === "struct") return mergeStruct(table, data, `${column}.`, added, tablePath);
  if (table.typeName === "array" && data.typeName === "array") {
    const e = mergeType(table.elementType, data.elementType, `${column}.element`, added, tablePath);
    return e === table.elementType ? table : ArrayType(e, table.containsNull);
  }
  if (table.typeName === "map" && data.typeName === "map") {
    const k = mergeType(table.keyType, data.keyType, `${column}.key`, added, tablePath);
    const v = mergeType(table.valueType, data.valueType, `${column}.value`, added, tablePath);
    return k === table.keyType && v === table.valueType ? table : MapType(k, v, table.valueContainsNull);
  }
  if (!sameAtomic(table, data)) {
    throw new AnalysisError(
      `delta writer: column '${column}' has type ${simpleString(table)} in the table but ${simpleString(data)} in the data; ` +
        `Delta does not change column types on write (table at ${tablePath})`,
      { path: tablePath },
    );
  }
  return table;
}

function sameAtomic(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  if (a.typeName === "decimal" && b.typeName === "decimal") return a.precision === b.precision && a.scale === b.scale;
  // Complex types reaching here differ in kind (struct vs array …) and failed the typeName test.
  return true;
}

/** True when both have the same field names and type names in the same order, at every level. */
function sameLayout(a: StructType, b: StructType): boolean {
  if (a === b) return true;
  if (a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    if (a.fields[i].name !== b.fields[i].name || !sameTypeLayout(a.fields[i].dataType, b.fields[i].dataType)) return false;
  }
  return true;
}

function sameTypeLayout(a: DataType, b: DataType): boolean {
  if (a.typeName === "struct" && b.typeName === "struct") return sameLayout(a, b);
  if (a.typeName === "array" && b.typeName === "array") return sameTypeLayout(a.elementType, b.elementType);
  if (a.typeName === "map" && b.typeName === "map") return sameTypeLayout(a.keyType, b.keyType) && sameTypeLayout(a.valueType, b.valueType);
  return a.typeName === b.typeName;
}

function conformVector(v: Vector, target: DataType): Vector {
  if (target.typeName === "struct" && v.kind === "struct") {
    if (sameLayout(v.type, target)) return v;
    const children = target.fields.map((f) => {
      const i = v.type.fields.findIndex((g) => g.name === f.name);
      return i < 0 ? nullVector(f.dataType, v.length) : conformVector(v.children[i], f.dataType);
    });
    return { kind: "struct", type: target, length: v.length, valid: v.valid, children };
  }
  if (target.typeName === "array" && v.kind === "list") {
    if (sameTypeLayout(v.type, target)) return v;
    return { ...v, type: target, child: conformVector(v.child, target.elementType) };
  }
  if (target.typeName === "map" && v.kind === "map") {
    if (sameTypeLayout(v.type, target)) return v;
    return { ...v, type: target, keys: conformVector(v.keys, target.keyType), items: conformVector(v.items, target.valueType) };
  }
  return v;
}
