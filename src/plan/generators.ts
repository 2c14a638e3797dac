/**
 * Generators: functions that turn one input row into zero or more output rows (Spark's
 * `Generator`s): `explode`, `posexplode`, `inline` (each with an `_outer` form) and `stack`. They
 * appear as a SELECT item, in LATERAL VIEW, or as a table-valued function in FROM, and become a
 * `generate` plan node whose output is the input's columns followed by the generator's.
 *
 * Output columns, as Spark names them: explode → `col` (an array) or `key`, `value` (a map);
 * posexplode adds `pos` (int) first; inline → the struct's fields; stack(n, …) → `col0`, `col1` ….
 * An `_outer` generator emits one row of nulls for a null or empty input instead of none.
 */
import { AnalysisError } from "../errors.js";
import { IntegerType, StringType, StructField, type DataType } from "../types/data-types.js";
import type { StructField as Field } from "../types/data-types.js";
import type { BoundExpr } from "./expressions/bound.js";
import { castTo } from "./expressions/bind.js";
import { GENERATOR_NAMES } from "./expressions/generator-names.js";
import { equalsIgnoreNullability, findWiderCommonType } from "./expressions/coercion.js";
import { typeString } from "./expressions/coercion.js";

/** The base generator kinds sluice runs (json_tuple runs as a one-row stack). */
export type GeneratorKind = Exclude<(typeof GENERATOR_NAMES)[string]["kind"], "json_tuple"> | "replicate";

/**
 * The internal generator behind INTERSECT ALL and EXCEPT ALL (Spark's ReplicateRows): each input
 * row `n` times (none when `n` ≤ 0), adding no columns. Not callable from SQL.
 */
export const REPLICATE_ROWS = "#replicate_rows";


/** The generator a function name denotes (case-insensitive), or undefined. */
export function generatorOf(name: string): { kind: (typeof GENERATOR_NAMES)[string]["kind"]; outer: boolean } | undefined {
  return GENERATOR_NAMES[name.toLowerCase()];
}

/** A generator call resolved against its input: kind, bound arguments (already cast) and output fields. */
export interface BoundGenerator {
  readonly kind: GeneratorKind;
  readonly outer: boolean;
  readonly args: readonly BoundExpr[];
  readonly fields: readonly Field[];
}

/**
 * Checks a generator's arguments and derives its output fields; `aliases` (from `AS (a, b)` or
 * LATERAL VIEW's column list) rename them and must match their number.
 * @throws AnalysisError on a wrong argument type or count, or a wrong number of aliases.
 */
export function bindGenerator(name: string, args: readonly BoundExpr[], aliases: readonly string[] | null, outerOverride = false): BoundGenerator {
  if (name === REPLICATE_ROWS) return { kind: "replicate", outer: false, args, fields: [] };
  const g = generatorOf(name);
  if (g === undefined) throw new AnalysisError(`analysis: '${name}' is not a generator`);
  const outer = g.outer || outerOverride;
  let fields: Field[];
  let bound = args;
  switch (g.kind) {
    case "explode":
    case "posexplode": {
      if (args.length !== 1) throw new AnalysisError(`analysis: ${name} takes exactly one argument, got ${args.length}`);
      const t = args[0].dataType;
      const pos = g.kind === "posexplode" ? [StructField("pos", IntegerType(), outer)] : [];
      if (t.typeName === "array") fields = [...pos, StructField("col", t.elementType, true)];
      else if (t.typeName === "map") fields = [...pos, StructField("key", t.keyType, outer), StructField("value", t.valueType, true)];
      else throw new AnalysisError(`analysis: ${name} expects an array or a map, got ${typeString(t)}`);
      break;
    }
    case "inline": {
      if (args.length !== 1) throw new AnalysisError(`analysis: ${name} takes exactly one argument, got ${args.length}`);
      const t = args[0].dataType;
      if (t.typeName !== "array" || t.elementType.typeName !== "struct") {
        throw new AnalysisError(`analysis: ${name} expects an array of structs, got ${typeString(t)}`);
      }
      fields = t.elementType.fields.map((f) => StructField(f.name, f.dataType, true));
      break;
    }
    case "stack": {
      if (args.length < 2) throw new AnalysisError(`analysis: stack takes at least two arguments, got ${args.length}`);
      const n = args[0];
      if (n.kind !== "literal" || typeof n.value !== "number" || !Number.isInteger(n.value) || n.value < 1) {
        throw new AnalysisError("analysis: stack's first argument must be a positive integer literal (the number of rows)");
      }
      const rows = n.value;
      const values = args.slice(1);
      const width = Math.ceil(values.length / rows);
      const types: DataType[] = [];
      for (let c = 0; c < width; c++) {
        const column = values.filter((_, i) => i % width === c).map((v) => v.dataType);
        // Spark's Stack: a column's values share one type; only NULLs are coerced to it.
        const typed = column.filter((t) => t.typeName !== "null");
        const first = typed[0];
        const other = typed.findIndex((t) => !equalsIgnoreNullability(t, first));
        if (other >= 0) {
          throw new AnalysisError(
            `analysis: [DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES] stack: the values of column ${c} have different types: ${typeString(first)} and ${typeString(typed[other])}`,
          );
        }
        const t = first ?? findWiderCommonType(column);
        if (t === null) throw new AnalysisError(`analysis: stack: the values of column ${c} have incompatible types ${column.map(typeString).join(", ")}`);
        types.push(t);
      }
      bound = [n, ...values.map((v, i) => (v.dataType.typeName === types[i % width].typeName ? v : castTo(v, types[i % width])))];
      fields = types.map((t, c) => StructField(`col${c}`, t, true));
      break;
    }
    case "json_tuple": {
      // json_tuple(json, k1, k2, …): one row of the top-level values at keys k1, k2 … as text (a
      // string unquoted, anything else as JSON), each null where missing or where the JSON is
      // malformed: get_json_object(json, '$['k']') for each key, stacked into one row.
      if (args.length < 2) throw new AnalysisError(`analysis: [WRONG_NUM_ARGS] json_tuple requires at least 2 arguments, got ${args.length}`);
      const json = args[0];
      if (json.dataType.typeName !== "string" && json.dataType.typeName !== "null") {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_STRING_TYPE] json_tuple requires that all arguments are strings, got ${typeString(json.dataType)}`);
      }
      const text = castTo(json, StringType());
      const values = args.slice(1).map((k, i): BoundExpr => {
        // A bare NULL field is no string either (Spark's JsonTuple takes StringType only).
        if (k.dataType.typeName !== "string") {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_STRING_TYPE] json_tuple requires that all arguments are strings, got ${typeString(k.dataType)} for field ${i + 1}`);
        }
        const path: BoundExpr =
          k.kind === "literal"
            ? { kind: "literal", value: k.value === null ? null : `$['${String(k.value).replace(/'/g, "\\'")}']`, dataType: StringType(), nullable: k.value === null }
            : { kind: "call", fn: { name: "concat", prettyName: "concat", options: {} }, args: [lit("$['"), castTo(k, StringType()), lit("']")], dataType: StringType(), nullable: true };
        return { kind: "call", fn: { name: "get_json_object", prettyName: "get_json_object", options: {} }, args: [text, path], dataType: StringType(), nullable: true };
      });
      fields = values.map((_, c) => StructField(`c${c}`, StringType(), true));
      return finish("stack", outer, [{ kind: "literal", value: 1, dataType: IntegerType(), nullable: false }, ...values], fields, aliases, name);
    }
  }
  return finish(g.kind, outer, bound, fields, aliases, name);
}

function lit(value: string): BoundExpr {
  return { kind: "literal", value, dataType: StringType(), nullable: false };
}

/** Applies `aliases` (checked against the output's width) and builds the bound generator. */
function finish(kind: GeneratorKind, outer: boolean, bound: readonly BoundExpr[], outputs: Field[], aliases: readonly string[] | null, name: string): BoundGenerator {
  let fields = outputs;
  if (aliases !== null && aliases.length > 0) {
    if (aliases.length !== fields.length) {
      throw new AnalysisError(
        `analysis: ${name} outputs ${fields.length} column${fields.length === 1 ? "" : "s"} (${fields.map((f) => f.name).join(", ")}) but ${aliases.length} alias${aliases.length === 1 ? " was" : "es were"} given`,
      );
    }
    fields = fields.map((f, i) => StructField(aliases[i], f.dataType, f.nullable));
  }
  return { kind, outer, args: bound, fields };
}
