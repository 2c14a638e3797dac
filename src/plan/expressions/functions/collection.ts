/**
 * Array, map and struct functions: their argument coercion, result types and nullability as Spark
 * 3.5 resolves them (`collectionOperations.scala`, `complexTypeCreator.scala`). Result types carry
 * Spark's `containsNull` / `valueContainsNull` flags; maps refuse map-typed keys.
 */
import type { DataType, StructField as StructFieldT } from "../../../types/data-types.js";
import {
  ArrayType,
  BooleanType,
  IntegerType,
  LongType,
  MapType,
  NullType,
  StringType,
  StructField,
  StructType,
  isIntegral,
} from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { BoundExpr } from "../bound.js";
import {
  equalsIgnoreNullability,
  findTightestCommonType,
  findWiderCommonType,
  findWiderTypeWithoutStringPromotion,
  implicitCastType,
  typeSql,
  typeString,
} from "../coercion.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { anyNullable, argTypeError, constString, expectArg, widened } from "./define.js";

const S = StringType();

export const COLLECTION_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const fields: StructFieldT[] = ctx.args.map((a, i) => {
        const name = ctx.raw[i].kind === "lambdaVar" ? ctx.argNames[i] : extractedName(ctx, i);
        return StructField(name ?? `col${i + 1}`, a.dataType, a.nullable);
      });
      return { args: ctx.args, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "named_struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length % 2 !== 0) {
        throw new AnalysisError(`analysis: function named_struct expects an even number of arguments, got ${ctx.args.length}`);
      }
      const fields: StructFieldT[] = [];
      const values: BoundExpr[] = [];
      for (let i = 0; i < ctx.args.length; i += 2) {
        const name = constString(ctx, i, "a field name");
        fields.push(StructField(name, ctx.args[i + 1].dataType, ctx.args[i + 1].nullable));
        values.push(ctx.args[i + 1]);
      }
      return { args: values, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "array",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      // Spark 3.5 types `array()` as array<void> (spark.sql.legacy.createEmptyCollectionUsingStringType=false).
      if (ctx.args.length === 0) return { args: [], dataType: ArrayType(NullType(), false), nullable: false };
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: ArrayType(w.type, anyNullable(ctx.args)), nullable: false };
    },
  },
  {
    name: "map",
    minArgs: 0,
    maxArgs: Infinity,
    resolve: resolveCreateMap,
  },
  {
    name: "size",
    aliases: ["cardinality"],
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = ctx.args[0];
      if (x.dataType.typeName === "null") return { args: [ctx.cast(x, ArrayType(NullType()))], dataType: IntegerType(), nullable: false };
      if (x.dataType.typeName !== "array" && x.dataType.typeName !== "map") argTypeError(ctx.name, "an array or map", x.dataType);
      return { args: [x], dataType: IntegerType(), nullable: false };
    },
  },
  {
    // Spark's `Size(child, legacySizeOfNull = false)`: null for a null array.
    name: "array_size",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      return { args: [x], dataType: IntegerType(), nullable: x.nullable, options: { nullOnNull: "1" } };
    },
  },
  {
    name: "element_at",
    aliases: ["try_element_at"],
    minArgs: 2,
    maxArgs: 2,
    resolve: resolveElementAt,
  },
  {
    name: "get_item",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveGetItem(ctx, true),
  },
  {
    // `get(array, index)`: 0-based, null out of range (GetArrayItem without failOnError); arrays only.
    name: "get",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveGetItem(ctx, false),
  },
  {
    name: "array_contains",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [arr, value] = elementAndValue(ctx, findWiderForTwoWithoutStringPromotion, true);
      const nullable = arr.nullable || value.nullable || containsNull(arr.dataType);
      return { args: [arr, value], dataType: BooleanType(), nullable };
    },
  },
  {
    name: "array_position",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [arr, value] = elementAndValue(ctx, findTightestCommonType, true);
      return { args: [arr, value], dataType: LongType(), nullable: arr.nullable || value.nullable };
    },
  },
  {
    name: "array_remove",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [arr, value] = elementAndValue(ctx, findTightestCommonType, false);
      checkOrderable(ctx, elementOf(arr.dataType));
      return { args: [arr, value], dataType: arr.dataType, nullable: arr.nullable || value.nullable };
    },
  },
  {
    name: "array_append",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [arr, value] = elementAndValue(ctx, findTightestCommonType, false);
      const t = value.nullable ? ArrayType(elementOf(arr.dataType), true) : arr.dataType;
      return { args: [arr, value], dataType: t, nullable: arr.nullable };
    },
  },
  {
    // ArrayInsert(array, 1, element): the result always may hold nulls.
    name: "array_prepend",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [arr, value] = elementAndValue(ctx, findTightestCommonType, false);
      return { args: [arr, value], dataType: ArrayType(elementOf(arr.dataType), true), nullable: arr.nullable };
    },
  },
  {
    name: "array_insert",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const [a, p, v] = ctx.args;
      if (a.dataType.typeName !== "array") return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 1 requires an ARRAY, got ${typeSql(a.dataType)}`);
      if (!isIntegral(p.dataType) || p.dataType.typeName === "long") {
        return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 2 requires an INT, got ${typeSql(p.dataType)}`);
      }
      const dt = findTightestCommonType(a.dataType.elementType, v.dataType);
      if (dt === null) return diffTypes(ctx, "ARRAY_FUNCTION_DIFF_TYPES", a.dataType, v.dataType);
      const arr = ctx.cast(a, ArrayType(dt, a.dataType.containsNull));
      return { args: [arr, ctx.cast(p, IntegerType()), ctx.cast(v, dt)], dataType: ArrayType(dt, true), nullable: a.nullable || p.nullable };
    },
  },
  {
    name: "arrays_overlap",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [l, r] = twoArrays(ctx);
      checkOrderable(ctx, elementOf(l.dataType));
      const nullable = l.nullable || r.nullable || containsNull(l.dataType) || containsNull(r.dataType);
      return { args: [l, r], dataType: BooleanType(), nullable };
    },
  },
  setFunction("array_union", (a, b) => a || b),
  setFunction("array_intersect", (a, b) => a && b),
  setFunction("array_except", (a) => a),
  {
    name: "array_distinct",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      checkOrderable(ctx, elementOf(x.dataType));
      return { args: [x], dataType: x.dataType, nullable: x.nullable };
    },
  },
  {
    // Spark rewrites it to filter(x, e -> e IS NOT NULL): the element nullability is kept.
    name: "array_compact",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      return { args: [x], dataType: x.dataType, nullable: x.nullable };
    },
  },
  {
    name: "array_join",
    minArgs: 2,
    maxArgs: 3,
    resolve(ctx) {
      const a = ctx.args[0];
      let arr: BoundExpr;
      if (a.dataType.typeName === "null") arr = ctx.cast(a, ArrayType(S));
      else if (a.dataType.typeName === "array") {
        const t = implicitCastType(a.dataType, ArrayType(S, a.dataType.containsNull));
        if (t === null) return argTypeError(ctx.name, "an array of strings", a.dataType);
        arr = ctx.cast(a, t.typeName === "array" ? ArrayType(S, a.dataType.containsNull) : t);
      } else return argTypeError(ctx.name, "an array of strings", a.dataType);
      const rest = ctx.args.slice(1).map((x) => exactString(ctx, x));
      return { args: [arr, ...rest], dataType: S, nullable: arr.nullable || rest.some((x) => x.nullable) };
    },
  },
  {
    name: "slice",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      const args = [x, expectArg(ctx, 1, IntegerType()), expectArg(ctx, 2, IntegerType())];
      return { args, dataType: x.dataType, nullable: anyNullable(args) };
    },
  },
  {
    name: "sort_array",
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const x = ctx.args[0].dataType.typeName === "null" ? ctx.cast(ctx.args[0], ArrayType(NullType())) : ctx.args[0];
      if (x.dataType.typeName !== "array") return argTypeError(ctx.name, "an array", x.dataType);
      checkOrderable(ctx, x.dataType.elementType);
      let ascending = true;
      if (ctx.raw.length > 1) {
        const r = ctx.raw[1];
        if (r.kind !== "literal" || typeof r.value !== "boolean") {
          return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `the sort order (argument 2) must be a boolean literal, got ${typeSql(ctx.args[1].dataType)}`);
        }
        ascending = r.value;
      }
      return { args: [x], dataType: x.dataType, nullable: x.nullable, options: { ascending: ascending ? "1" : "0" } };
    },
  },
  {
    name: "shuffle",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      return { args: [x], dataType: x.dataType, nullable: x.nullable };
    },
  },
  minMax("array_min"),
  minMax("array_max"),
  {
    name: "flatten",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = ctx.args[0];
      if (x.dataType.typeName !== "array" || x.dataType.elementType.typeName !== "array") {
        return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 1 requires an ARRAY of ARRAY, got ${typeSql(x.dataType)}`);
      }
      return { args: [x], dataType: x.dataType.elementType, nullable: x.nullable || x.dataType.containsNull };
    },
  },
  {
    name: "sequence",
    // A timestamp sequence steps a day of local time in the session zone.
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 3,
    resolve: resolveSequence,
  },
  {
    name: "array_repeat",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [e, c] = ctx.args;
      if (c.dataType.typeName !== "integer" && c.dataType.typeName !== "null") argTypeError(ctx.name, "an int count", c.dataType);
      const count = ctx.cast(c, IntegerType());
      return { args: [e, count], dataType: ArrayType(e.dataType, e.nullable), nullable: count.nullable };
    },
  },
  {
    name: "arrays_zip",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => arrayArg(ctx, i));
      const fields = args.map((a, i) => StructField(zipFieldName(ctx, i), elementOf(a.dataType), true));
      return { args, dataType: ArrayType(StructType(fields), false), nullable: anyNullable(args) };
    },
  },
  {
    name: "map_from_arrays",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const k = arrayArg(ctx, 0);
      const v = arrayArg(ctx, 1);
      const kt = elementOf(k.dataType);
      checkMapKeyType(ctx, kt);
      return { args: [k, v], dataType: MapType(kt, elementOf(v.dataType), containsNull(v.dataType)), nullable: k.nullable || v.nullable };
    },
  },
  {
    name: "map_keys",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const m = mapArg(ctx, 0);
      return { args: [m], dataType: ArrayType(keyOf(m.dataType), true), nullable: m.nullable };
    },
  },
  {
    name: "map_values",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const m = mapArg(ctx, 0);
      return { args: [m], dataType: ArrayType(valueOf(m.dataType), true), nullable: m.nullable };
    },
  },
  {
    name: "map_entries",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const m = mapArg(ctx, 0);
      const t = m.dataType;
      if (t.typeName !== "map") return argTypeError(ctx.name, "a map", t);
      const entry = StructType([StructField("key", t.keyType, false), StructField("value", t.valueType, t.valueContainsNull)]);
      return { args: [m], dataType: ArrayType(entry, false), nullable: m.nullable };
    },
  },
  {
    name: "map_contains_key",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [m, k] = ctx.args;
      if (k.dataType.typeName === "null") return mismatch(ctx, "NULL_TYPE", "the key must not be NULL");
      if (m.dataType.typeName !== "map") return diffTypes(ctx, "MAP_FUNCTION_DIFF_TYPES", m.dataType, k.dataType);
      const wider = findWiderForTwoWithoutStringPromotion(m.dataType.keyType, k.dataType);
      if (wider === null) return diffTypes(ctx, "MAP_FUNCTION_DIFF_TYPES", m.dataType, k.dataType);
      checkOrderable(ctx, wider);
      const map = ctx.cast(m, MapType(wider, m.dataType.valueType, m.dataType.valueContainsNull));
      return { args: [map, ctx.cast(k, wider)], dataType: BooleanType(), nullable: true };
    },
  },
  {
    name: "map_from_entries",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = ctx.args[0];
      const t = x.dataType;
      if (t.typeName !== "array" || t.elementType.typeName !== "struct" || t.elementType.fields.length !== 2) {
        return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 1 requires an ARRAY of pair STRUCT, got ${typeSql(t)}`);
      }
      const [kf, vf] = t.elementType.fields;
      checkMapKeyType(ctx, kf.dataType);
      return { args: [x], dataType: MapType(kf.dataType, vf.dataType, vf.nullable), nullable: x.nullable || t.containsNull };
    },
  },
  {
    name: "map_concat",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length === 0) return { args: [], dataType: MapType(S, S, true), nullable: false };
      const bad = ctx.args.find((a) => a.dataType.typeName !== "map");
      if (bad !== undefined) {
        return mismatch(ctx, "MAP_CONCAT_DIFF_TYPES", `the arguments must all be maps, got [${ctx.args.map((a) => typeSql(a.dataType)).join(", ")}]`);
      }
      const types = ctx.args.map((a) => a.dataType);
      const same = types.every((t) => equalsIgnoreNullability(t, types[0]));
      const t = same ? types[0] : findWiderCommonType(types);
      if (t === null || t.typeName !== "map") {
        return mismatch(ctx, "DATA_DIFF_TYPES", `the arguments must have the same type, got [${types.map(typeSql).join(", ")}]`);
      }
      checkMapKeyType(ctx, t.keyType);
      const vcn = types.some((x) => x.typeName === "map" && x.valueContainsNull);
      const merged = MapType(t.keyType, t.valueType, vcn);
      const args = ctx.args.map((a) => (equalsIgnoreNullability(a.dataType, merged) ? a : ctx.cast(a, merged)));
      return { args, dataType: merged, nullable: anyNullable(args) };
    },
  },
  {
    name: "str_to_map",
    minArgs: 1,
    maxArgs: 3,
    resolve(ctx) {
      const args = ctx.args.map((a) => exactString(ctx, a));
      return { args, dataType: MapType(S, S, true), nullable: anyNullable(args) };
    },
  },
];

/** Spark's `CreateMap`: keys and values each widened to a common type; duplicate keys fail at run time. */
function resolveCreateMap(ctx: ResolveContext): ResolvedCall {
  if (ctx.args.length % 2 !== 0) {
    throw new AnalysisError(`analysis: [WRONG_NUM_ARGS] function map requires 2n (n > 0) arguments, got ${ctx.args.length}`);
  }
  if (ctx.args.length === 0) return { args: [], dataType: MapType(NullType(), NullType(), false), nullable: false };
  const keys = ctx.args.filter((_, i) => i % 2 === 0);
  const values = ctx.args.filter((_, i) => i % 2 === 1);
  const kt = commonType(keys);
  if (kt === null) return mismatch(ctx, "CREATE_MAP_KEY_DIFF_TYPES", `the keys must have the same type, got [${keys.map((k) => typeSql(k.dataType)).join(", ")}]`);
  const vt = commonType(values);
  if (vt === null) return mismatch(ctx, "CREATE_MAP_VALUE_DIFF_TYPES", `the values must have the same type, got [${values.map((v) => typeSql(v.dataType)).join(", ")}]`);
  checkMapKeyType(ctx, kt);
  const args: BoundExpr[] = [];
  for (let i = 0; i < keys.length; i++) args.push(ctx.cast(keys[i], kt), ctx.cast(values[i], vt));
  return { args, dataType: MapType(kt, vt, anyNullable(values)), nullable: false };
}

function commonType(xs: readonly BoundExpr[]): DataType | null {
  const types = xs.map((x) => x.dataType);
  if (types.every((t) => equalsIgnoreNullability(t, types[0]))) return types[0];
  return findWiderCommonType(types);
}

/**
 * element_at / try_element_at: an array by a 1-based int index (byte, short or int; not long), or
 * a map by key (the map and key widened to their tightest common key type).
 */
function resolveElementAt(ctx: ResolveContext): ResolvedCall {
  const [c, k] = ctx.args;
  const t = c.dataType;
  if (t.typeName === "array") {
    if (!isIntegral(k.dataType) || k.dataType.typeName === "long") {
      return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 2 requires an INT, got ${typeSql(k.dataType)}`);
    }
    return { args: [c, ctx.cast(k, IntegerType())], dataType: t.elementType, nullable: true, options: { base: "1" } };
  }
  if (t.typeName === "map") {
    const dt = findTightestCommonType(t.keyType, k.dataType);
    if (dt === null) return diffTypes(ctx, "MAP_FUNCTION_DIFF_TYPES", t, k.dataType);
    return { args: [ctx.cast(c, MapType(dt, t.valueType, t.valueContainsNull)), ctx.cast(k, dt)], dataType: t.valueType, nullable: true };
  }
  return argTypeError(ctx.name, "an array or map", t);
}

/** `a[i]` (0-based) and `m[k]`; `get(a, i)` takes arrays only. */
function resolveGetItem(ctx: ResolveContext, maps: boolean): ResolvedCall {
  const c = ctx.args[0];
  const t = c.dataType;
  if (t.typeName === "array") {
    const idx = expectArg(ctx, 1, IntegerType());
    return { args: [c, idx], dataType: t.elementType, nullable: true, options: { base: "0" } };
  }
  if (t.typeName === "map" && maps) {
    const key = ctx.args[1];
    const kt = implicitCastType(key.dataType, t.keyType);
    if (kt === null) argTypeError(ctx.name, `a ${typeString(t.keyType)} key`, key.dataType);
    return { args: [c, ctx.cast(key, t.keyType)], dataType: t.valueType, nullable: true };
  }
  return argTypeError(ctx.name, maps ? "an array or map" : "an array", t);
}

function resolveSequence(ctx: ResolveContext): ResolvedCall {
  const types = ctx.args.map((a) => a.dataType);
  let args = [...ctx.args];
  if (!types.every((t) => equalsIgnoreNullability(t, types[0]))) {
    const w = findWiderCommonType(types);
    if (w !== null) args = args.map((a) => ctx.cast(a, w));
  }
  const st = args[0].dataType;
  const same = args.every((a) => equalsIgnoreNullability(a.dataType, st));
  const temporal = st.typeName === "date" || st.typeName === "timestamp";
  if (!same || !(isIntegral(st) || temporal)) {
    return mismatch(
      ctx,
      "SEQUENCE_WRONG_INPUT_TYPES",
      `start and stop must be of the same integral type, date or timestamp, and step of that integral type too; got (${types.map(typeSql).join(", ")})`,
    );
  }
  if (temporal && args.length === 3) {
    return mismatch(ctx, "SEQUENCE_WRONG_INPUT_TYPES", `a ${st.typeName} sequence needs an interval step, which sluice does not support yet; leave out the step for one day`);
  }
  return { args, dataType: ArrayType(st, false), nullable: anyNullable(args) };
}

function setFunction(name: string, containsNulls: (l: boolean, r: boolean) => boolean): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const [l, r] = twoArrays(ctx);
      const et = elementOf(l.dataType);
      checkOrderable(ctx, et);
      return { args: [l, r], dataType: ArrayType(et, containsNulls(containsNull(l.dataType), containsNull(r.dataType))), nullable: l.nullable || r.nullable };
    },
  };
}

function minMax(name: string): FunctionDef {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = arrayArg(ctx, 0);
      const et = elementOf(x.dataType);
      checkOrderable(ctx, et);
      return { args: [x], dataType: et, nullable: true };
    },
  };
}

/** An argument whose declared type is an array (a NULL literal becomes `array<void>`). */
function arrayArg(ctx: ResolveContext, i: number): BoundExpr {
  const a = ctx.args[i];
  if (a.dataType.typeName === "array") return a;
  if (a.dataType.typeName === "null") return ctx.cast(a, ArrayType(NullType()));
  return argTypeError(ctx.name, "an array", a.dataType);
}

function mapArg(ctx: ResolveContext, i: number): BoundExpr {
  const a = ctx.args[i];
  if (a.dataType.typeName === "map") return a;
  if (a.dataType.typeName === "null") return ctx.cast(a, MapType(NullType(), NullType(), true));
  return argTypeError(ctx.name, "a map", a.dataType);
}

/** A string argument without implicit casts (Spark's ExpectsInputTypes); NULL becomes a string. */
function exactString(ctx: ResolveContext, a: BoundExpr): BoundExpr {
  if (a.dataType.typeName === "string") return a;
  if (a.dataType.typeName === "null") return ctx.cast(a, S);
  return argTypeError(ctx.name, "a string", a.dataType);
}

/**
 * (array, value) functions: the array's element type and the value's are widened by `widen`, and
 * the array and value cast to it. NULL-typed arguments are refused when `refuseNull` (Spark's
 * NULL_TYPE check of array_contains / array_position).
 */
function elementAndValue(
  ctx: ResolveContext,
  widen: (a: DataType, b: DataType) => DataType | null,
  refuseNull: boolean,
): [BoundExpr, BoundExpr] {
  const [a, v] = ctx.args;
  if (refuseNull && (a.dataType.typeName === "null" || v.dataType.typeName === "null")) {
    return mismatch(ctx, "NULL_TYPE", "null typed values cannot be used as arguments");
  }
  if (a.dataType.typeName !== "array") return mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `argument 1 requires an ARRAY, got ${typeSql(a.dataType)}`);
  const dt = widen(a.dataType.elementType, v.dataType);
  if (dt === null) return diffTypes(ctx, "ARRAY_FUNCTION_DIFF_TYPES", a.dataType, v.dataType);
  if (refuseNull) checkOrderable(ctx, dt);
  return [ctx.cast(a, ArrayType(dt, a.dataType.containsNull)), ctx.cast(v, dt)];
}

/** Two arrays whose element types are cast to their tightest common type. */
function twoArrays(ctx: ResolveContext): [BoundExpr, BoundExpr] {
  const [l, r] = ctx.args;
  if (l.dataType.typeName !== "array" || r.dataType.typeName !== "array") {
    return diffTypes(ctx, "BINARY_ARRAY_DIFF_TYPES", l.dataType, r.dataType);
  }
  const dt = findTightestCommonType(l.dataType.elementType, r.dataType.elementType);
  if (dt === null) return diffTypes(ctx, "BINARY_ARRAY_DIFF_TYPES", l.dataType, r.dataType);
  return [ctx.cast(l, ArrayType(dt, l.dataType.containsNull)), ctx.cast(r, ArrayType(dt, r.dataType.containsNull))];
}

function findWiderForTwoWithoutStringPromotion(a: DataType, b: DataType): DataType | null {
  return findWiderTypeWithoutStringPromotion([a, b]);
}

/** Spark's arrays_zip field names: as `struct`'s, else the argument's position. */
function zipFieldName(ctx: ResolveContext, i: number): string {
  return extractedName(ctx, i) ?? String(i);
}

/**
 * The field name `struct` / `arrays_zip` give argument i (CreateStruct): a column's last name
 * part, an alias, or the string key of an extraction (`f(x).y`, `m['k']`); else undefined.
 */
function extractedName(ctx: ResolveContext, i: number): string | undefined {
  const r = ctx.raw[i];
  if (r.kind === "column" || r.kind === "alias") return ctx.argNames[i];
  if (r.kind === "call" && (r.name === "get_field" || r.name === "get_item") && r.args.length === 2) {
    const f = r.args[1];
    if (f.kind === "literal" && typeof f.value === "string") return f.value;
  }
  return undefined;
}

function elementOf(t: DataType): DataType {
  return t.typeName === "array" ? t.elementType : NullType();
}

function keyOf(t: DataType): DataType {
  return t.typeName === "map" ? t.keyType : NullType();
}

function valueOf(t: DataType): DataType {
  return t.typeName === "map" ? t.valueType : NullType();
}

function containsNull(t: DataType): boolean {
  return t.typeName === "array" ? t.containsNull : true;
}

function containsMap(t: DataType): boolean {
  switch (t.typeName) {
    case "map":
      return true;
    case "array":
      return containsMap(t.elementType);
    case "struct":
      return t.fields.some((f) => containsMap(f.dataType));
    default:
      return false;
  }
}

/** Spark's `checkForOrderingExpr`: maps have no ordering, so they cannot be compared. */
function checkOrderable(ctx: ResolveContext, t: DataType): void {
  if (containsMap(t)) mismatch(ctx, "INVALID_ORDERING_TYPE", `the ${typeSql(t)} type does not support ordering`);
}

/** Spark's `checkForMapKeyType`: a map key cannot be or contain a map. */
function checkMapKeyType(ctx: ResolveContext, t: DataType): void {
  if (containsMap(t)) mismatch(ctx, "INVALID_MAP_KEY_TYPE", `the key of map cannot be/contain ${typeSql(t)}`);
}

function mismatch(ctx: ResolveContext, subclass: string, detail: string): never {
  throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.${subclass}] cannot resolve ${ctx.name}(…): ${detail}`);
}

function diffTypes(ctx: ResolveContext, subclass: string, left: DataType, right: DataType): never {
  return mismatch(ctx, subclass, `the arguments must share an element type, got ${typeSql(left)} and ${typeSql(right)}`);
}
