/**
 * JSON functions: get_json_object, from_json, to_json, schema_of_json, json_array_length,
 * json_object_keys. Their inputs are Spark `ExpectsInputTypes` without implicit casts: a JSON
 * argument must be a string (or NULL); schemas and option maps are constants read at analysis.
 *
 * Also here, because analysis needs them and plan/ cannot reach exec/: Spark's JSON options for
 * the functions, {@link JsonReader} (a Jackson-compatible pull tokenizer the kernels read with) and
 * schema_of_json's inference, which analysis runs when a schema is given as `schema_of_json(…)`.
 */
import { z } from "zod";
import {
  ArrayType,
  BooleanType,
  DecimalType,
  DoubleType,
  IntegerType,
  LongType,
  NullType,
  StringType,
  StructField,
  StructType,
} from "../../../types/data-types.js";
import type { DataType } from "../../../types/data-types.js";
import { AnalysisError, ExecutionError } from "../../../errors.js";
import { booleanOption, onlyDefault, validateOptions } from "../../../options.js";
import { javaDoubleString } from "../../../columnar/java-text.js";
import { sqlTypeName } from "../../../types/print-schema.js";
import { compatibleType } from "../../../formats/json/json-infer-schema.js";
import { quoteJsonString } from "../../../formats/json/json-text.js";
import type { Expr } from "../../../sql/expression.js";
import { parseDataType, parseDDL } from "../../../sql/ddl.js";
import type { BoundExpr } from "../bound.js";
import { typeSql, typeString } from "../coercion.js";
import { schemaOfCsv } from "./csv.js";
import type { FunctionDef, ResolveContext } from "./define.js";
import { jsonParseOptionShape } from "../../../formats/json/json-options.js";

const S = StringType();

export const JSON_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "get_json_object",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      return { args: [stringInput(ctx, 0), stringInput(ctx, 1)], dataType: S, nullable: true };
    },
  },
  {
    name: "from_json",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 3,
    constantArgs: [1, 2],
    resolve(ctx) {
      const json = stringInput(ctx, 0);
      const schema = typeArg(ctx, 1);
      if (schema.typeName !== "struct" && schema.typeName !== "array" && schema.typeName !== "map") {
        throw invalidJsonSchema(ctx, schema);
      }
      checkMapKeys(ctx, schema);
      const options = optionMap(ctx, 2);
      resolveJsonFunctionOptions("from_json", options);
      return { args: [json], dataType: asNullable(schema), nullable: true, options };
    },
  },
  {
    name: "to_json",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const x = ctx.args[0];
      const t = x.dataType.typeName;
      if (t !== "struct" && t !== "array" && t !== "map") {
        throw invalidJsonSchema(ctx, x.dataType);
      }
      const options = optionMap(ctx, 1);
      resolveJsonFunctionOptions("to_json", options);
      return { args: [x], dataType: S, nullable: true, options };
    },
  },
  {
    name: "schema_of_json",
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const json = foldableText(ctx, 0, "json");
      const options = optionMap(ctx, 1);
      // Evaluated now, as Spark folds it: a malformed text or a bad option fails the query here.
      schemaOfJson(json, resolveJsonFunctionOptions("schema_of_json", options));
      return { args: [ctx.args[0]], dataType: S, nullable: false, options };
    },
  },
  {
    name: "json_array_length",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      return { args: [stringInput(ctx, 0)], dataType: IntegerType(), nullable: true };
    },
  },
  {
    name: "json_object_keys",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      return { args: [stringInput(ctx, 0)], dataType: ArrayType(S), nullable: true };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Shared by the JSON and CSV definitions.

/** Spark's `sqlExpr` of the call being resolved: `"json_array_length(2)"`. */
function callSql(ctx: ResolveContext): string {
  return `${ctx.name}(${ctx.raw.map((r) => ctx.sql(r)).join(", ")})`;
}

function quoteType(t: DataType): string {
  return `"${typeSql(t)}"`;
}

/** Spark's DATATYPE_MISMATCH.INVALID_JSON_SCHEMA: from_json's schema / to_json's input is not a struct, array or map. */
function invalidJsonSchema(ctx: ResolveContext, t: DataType): AnalysisError {
  return new AnalysisError(
    `analysis: function ${ctx.name} expects a struct, array or map schema, got ${typeString(t)} ` +
      `([DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Input schema ${quoteType(t)} must be a struct, an array or a map.)`,
  );
}

/** Spark's DATATYPE_MISMATCH error of the call being resolved. */
export function mismatch(ctx: ResolveContext, subclass: string, detail: string): AnalysisError {
  return new AnalysisError(
    `analysis: [DATATYPE_MISMATCH.${subclass}] Cannot resolve "${callSql(ctx)}" due to data type mismatch: ${detail}`,
  );
}

/**
 * Argument `i` as a string: Spark's `ExpectsInputTypes(StringType)` casts nothing, so any other
 * type (but NULL) is DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE.
 */
export function stringInput(ctx: ResolveContext, i: number): BoundExpr {
  const a = ctx.args[i];
  if (a.dataType.typeName === "string") return a;
  if (a.dataType.typeName === "null") return ctx.cast(a, S);
  throw mismatch(
    ctx,
    "UNEXPECTED_INPUT_TYPE",
    `Parameter ${i + 1} requires the "STRING" type, however "${ctx.sql(ctx.raw[i])}" has the type ${quoteType(a.dataType)}.`,
  );
}

/** Requires argument `i` of a struct-typed input (to_csv). */
export function structInput(ctx: ResolveContext, i: number): BoundExpr {
  const a = ctx.args[i];
  if (a.dataType.typeName === "struct") return a;
  throw mismatch(
    ctx,
    "UNEXPECTED_INPUT_TYPE",
    `Parameter ${i + 1} requires the "STRUCT" type, however "${ctx.sql(ctx.raw[i])}" has the type ${quoteType(a.dataType)}.`,
  );
}

/**
 * The option map of argument `i` (Spark's `ExprUtils.convertToMapData`): it must be written as
 * `map(k1, v1, …)` (INVALID_OPTIONS.NON_MAP_FUNCTION) of string keys and values
 * (INVALID_OPTIONS.NON_STRING_TYPE). Empty when the argument is absent.
 */
export function optionMap(ctx: ResolveContext, i: number): Record<string, string> {
  if (ctx.raw.length <= i) return {};
  const r = ctx.raw[i];
  if (r.kind !== "call" || r.name.toLowerCase() !== "map") {
    throw new AnalysisError(`analysis: [INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the \`map()\` function for options. (in ${callSql(ctx)})`);
  }
  const out: Record<string, string> = {};
  const types: string[] = [];
  let allStrings = r.args.length % 2 === 0;
  for (const a of r.args) {
    const t = a.kind === "literal" ? a.dataType.typeName : "?";
    types.push(a.kind === "literal" ? typeSql(a.dataType) : "?");
    if (a.kind !== "literal" || t !== "string" || typeof a.value !== "string") allStrings = false;
  }
  if (!allStrings) {
    const keyType = commonName(types.filter((_, k) => k % 2 === 0));
    const valueType = commonName(types.filter((_, k) => k % 2 === 1));
    throw new AnalysisError(
      `analysis: [INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of keys and values in \`map()\` must be string, but got "MAP<${keyType}, ${valueType}>". (in ${callSql(ctx)})`,
    );
  }
  for (let k = 0; k < r.args.length; k += 2) out[String(literalText(r.args[k]))] = String(literalText(r.args[k + 1]));
  return out;
}

function commonName(types: readonly string[]): string {
  const distinct = [...new Set(types)];
  return distinct.length === 1 ? distinct[0] : distinct.find((t) => t !== "STRING") ?? "STRING";
}

function literalText(e: Expr): string {
  return e.kind === "literal" && typeof e.value === "string" ? e.value : "";
}

/**
 * The constant text of argument `i` for schema_of_json / schema_of_csv: Spark requires a foldable,
 * non-null argument (DATATYPE_MISMATCH.NON_FOLDABLE_INPUT / UNEXPECTED_NULL).
 */
export function foldableText(ctx: ResolveContext, i: number, inputName: string): string {
  const a = ctx.args[i];
  if (a.kind !== "literal") {
    throw mismatch(
      ctx,
      "NON_FOLDABLE_INPUT",
      `the input ${inputName} should be a foldable ${quoteType(a.dataType)} expression; however, got "${ctx.sql(ctx.raw[i])}".`,
    );
  }
  if (a.value === null) throw mismatch(ctx, "UNEXPECTED_NULL", `The ${inputName} must not be null.`);
  if (typeof a.value !== "string") {
    throw mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `Parameter ${i + 1} requires the "STRING" type, however "${ctx.sql(ctx.raw[i])}" has the type ${quoteType(a.dataType)}.`);
  }
  return a.value;
}

/**
 * The schema of argument `i` (Spark's `ExprUtils.evalTypeExpr`): a DDL string literal (a type such
 * as `array<int>` first, then a field list `a INT, b STRING`), a StructType passed from the API,
 * or a constant schema_of_json / schema_of_csv call; anything else is INVALID_SCHEMA.NON_STRING_LITERAL.
 */
export function typeArg(ctx: ResolveContext, i: number): DataType {
  const r = ctx.raw[i];
  if (r.kind === "typeArg") return r.dataType;
  const text = schemaText(r);
  if (text === null) {
    throw new AnalysisError(`analysis: [INVALID_SCHEMA.NON_STRING_LITERAL] The input schema "${ctx.sql(r)}" must be a string literal or output of \`schema_of_json\`/\`schema_of_csv\` functions.`);
  }
  try {
    return parseDataType(text.trim());
  } catch {
    return parseDDL(text);
  }
}

/** The DDL text a constant schema expression evaluates to, or null when it is not constant text. */
function schemaText(r: Expr): string | null {
  if (r.kind === "literal") return typeof r.value === "string" ? r.value : null;
  if (r.kind !== "call" || r.args.length < 1 || r.args.length > 2) return null;
  const name = r.name.toLowerCase();
  if (name !== "schema_of_json" && name !== "schema_of_csv") return null;
  const arg = r.args[0];
  if (arg.kind !== "literal" || typeof arg.value !== "string") return null;
  const options: Record<string, string> = {};
  const m = r.args[1];
  if (m !== undefined) {
    if (m.kind !== "call" || m.name.toLowerCase() !== "map") return null;
    for (let k = 0; k + 1 < m.args.length; k += 2) options[literalText(m.args[k])] = literalText(m.args[k + 1]);
  }
  return name === "schema_of_json" ? schemaOfJson(arg.value, resolveJsonFunctionOptions(name, options)) : schemaOfCsv(arg.value, options);
}

/** Spark's `ExprUtils.checkJsonSchema`: map keys must be strings (DATATYPE_MISMATCH.INVALID_JSON_MAP_KEY_TYPE). */
function checkMapKeys(ctx: ResolveContext, t: DataType): void {
  switch (t.typeName) {
    case "map":
      if (t.keyType.typeName !== "string") {
        throw mismatch(ctx, "INVALID_JSON_MAP_KEY_TYPE", `Input schema ${quoteType(t)} can only contain STRING as a key type for a MAP.`);
      }
      checkMapKeys(ctx, t.valueType);
      return;
    case "array":
      checkMapKeys(ctx, t.elementType);
      return;
    case "struct":
      for (const f of t.fields) checkMapKeys(ctx, f.dataType);
      return;
    default:
      return;
  }
}

/** `t` with every field, element and value nullable (Spark's `asNullable`: parsed input may lack any of them). */
export function asNullable(t: DataType): DataType {
  switch (t.typeName) {
    case "struct":
      return { ...t, fields: Object.freeze(t.fields.map((f) => ({ ...f, nullable: true, dataType: asNullable(f.dataType) }))) };
    case "array":
      return { ...t, elementType: asNullable(t.elementType), containsNull: true };
    case "map":
      return { ...t, keyType: asNullable(t.keyType), valueType: asNullable(t.valueType), valueContainsNull: true };
    default:
      return t;
  }
}

// ---------------------------------------------------------------------------------------------
// Options

/**
 * Spark's `JSONOptions` as the JSON functions take them (names case-insensitive, values strings).
 * Options that only describe files (`multiLine`, `lineSep`, `encoding`, …) are accepted and have
 * no effect on a single value, as in Spark; the ones sluice does not implement accept only their
 * default.
 */
export const jsonFunctionOptionShape = {
  // The options of the from_json codec, with its defaults.
  ...jsonParseOptionShape,
  primitivesAsString: booleanOption.default(false),
  prefersDecimal: booleanOption.default(false),
  dropFieldIfAllNull: booleanOption.default(false),
  ignoreNullFields: booleanOption.default(true),
  allowComments: booleanOption.default(false),
  allowUnquotedFieldNames: booleanOption.default(false),
  /** Pattern for dates read and written (default: Spark's lenient reader, `yyyy-MM-dd` written). */
  dateFormat: z.string().min(1, { message: "must not be empty" }).optional(),
  /** Pattern for timestamps read and written (default: lenient reader, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` written). */
  timestampFormat: z.string().min(1, { message: "must not be empty" }).optional(),
  timestampNTZFormat: z.string().optional(),
  enableDateTimeParsingFallback: booleanOption.optional(),
  inferTimestamp: onlyDefault("false", "timestamps are not inferred"),
  locale: onlyDefault("en-US", "numbers and dates are read in en-US"),
  pretty: onlyDefault("false", "JSON is written compactly"),
  writeNonAsciiCharacterAsCodePoint: onlyDefault("false", "non-ASCII characters are written as they are"),
  samplingRatio: z.string().optional(),
  multiLine: z.string().optional(),
  lineSep: z.string().optional(),
  encoding: z.string().optional(),
  charset: z.string().optional(),
  compression: z.string().optional(),
};

/** JSON function options with Spark's defaults applied. */
export type JsonFunctionOptions = ReturnType<typeof validateOptions<typeof jsonFunctionOptionShape>>;

/** Validates a JSON function's option map; `fn` starts the messages (`from_json: unknown option …`). */
export function resolveJsonFunctionOptions(fn: string, raw: Readonly<Record<string, string>>): JsonFunctionOptions {
  return validateOptions(fn, jsonFunctionOptionShape, raw);
}


// ---------------------------------------------------------------------------------------------
// The token reader

/** Token kinds of {@link JsonReader}, Jackson's `JsonToken`s. */
export const Tok = {
  EOF: 0,
  START_OBJECT: 1,
  END_OBJECT: 2,
  START_ARRAY: 3,
  END_ARRAY: 4,
  FIELD_NAME: 5,
  STRING: 6,
  INT: 7,
  FLOAT: 8,
  TRUE: 9,
  FALSE: 10,
  NULL: 11,
} as const;

/** Which non-standard JSON a {@link JsonReader} accepts (Jackson's `JsonReadFeature`s). */
export interface JsonReadFeatures {
  readonly allowSingleQuotes: boolean;
  readonly allowUnquotedControlChars: boolean;
  readonly allowNumericLeadingZeros: boolean;
  readonly allowNonNumericNumbers: boolean;
  readonly allowBackslashEscapingAnyCharacter: boolean;
  readonly allowUnquotedFieldNames: boolean;
  readonly allowComments: boolean;
}

/** Spark's `SharedFactory` (get_json_object, json_tuple, json_array_length, json_object_keys). */
export const SHARED_JSON_FEATURES: JsonReadFeatures = Object.freeze({
  allowSingleQuotes: true,
  allowUnquotedControlChars: true,
  allowNumericLeadingZeros: false,
  allowNonNumericNumbers: false,
  allowBackslashEscapingAnyCharacter: false,
  allowUnquotedFieldNames: false,
  allowComments: false,
});

/** Thrown by {@link JsonReader} on text Jackson rejects; one shared instance, caught by the callers. */
const MALFORMED = new ExecutionError("json: malformed JSON text");

/** Whether `e` is the error {@link JsonReader} throws on malformed text. */
export function isMalformedJson(e: unknown): boolean {
  return e === MALFORMED;
}

const IN_ARRAY = 1;
const IN_OBJECT = 2;
const OPENED = 0;
const AFTER_VALUE = 1;

/**
 * A pull tokenizer over one JSON text, as Jackson's parser reads it: `next()` returns the next
 * token ({@link Tok}) and throws the shared malformed-text error where Jackson would throw. Only
 * what has been pulled is checked: text after the first complete value is never read unless asked.
 * `text` holds a string's or field name's unescaped text, or a number's text.
 */
export class JsonReader {
  token: number = Tok.EOF;
  text = "";
  private s = "";
  private i = 0;
  private readonly levels: number[] = [];
  private readonly states: number[] = [];
  private pendingValue = false;

  constructor(private readonly f: JsonReadFeatures = SHARED_JSON_FEATURES) {}

  /** Starts reading `s`. */
  reset(s: string): this {
    this.s = s;
    this.i = 0;
    this.levels.length = 0;
    this.states.length = 0;
    this.pendingValue = false;
    this.token = Tok.EOF;
    this.text = "";
    return this;
  }

  next(): number {
    this.skipSpace();
    const depth = this.levels.length;
    if (depth === 0) {
      if (this.i >= this.s.length) return (this.token = Tok.EOF);
      return this.value();
    }
    const inObject = this.levels[depth - 1] === IN_OBJECT;
    if (this.pendingValue) {
      this.pendingValue = false;
      return this.value();
    }
    const close = inObject ? "}" : "]";
    let c = this.s[this.i];
    if (c === close) {
      this.i++;
      this.levels.pop();
      this.states.pop();
      return (this.token = inObject ? Tok.END_OBJECT : Tok.END_ARRAY);
    }
    if (this.states[depth - 1] === AFTER_VALUE) {
      if (c !== ",") throw MALFORMED;
      this.i++;
      this.skipSpace();
      c = this.s[this.i];
      if (c === close) throw MALFORMED;
    }
    this.states[depth - 1] = AFTER_VALUE;
    if (!inObject) return this.value();
    this.text = this.fieldName();
    this.skipSpace();
    if (this.s[this.i] !== ":") throw MALFORMED;
    this.i++;
    this.pendingValue = true;
    return (this.token = Tok.FIELD_NAME);
  }

  /** When the current token starts an object or array, reads up to its end (Jackson's `skipChildren`). */
  skipChildren(): void {
    if (this.token !== Tok.START_OBJECT && this.token !== Tok.START_ARRAY) return;
    let open = 1;
    while (open > 0) {
      const t = this.next();
      if (t === Tok.START_OBJECT || t === Tok.START_ARRAY) open++;
      else if (t === Tok.END_OBJECT || t === Tok.END_ARRAY) open--;
      else if (t === Tok.EOF) throw MALFORMED;
    }
  }

  /** The current value (read to its end) as compact JSON, as Jackson's `copyCurrentStructure` writes it. */
  copyStructure(): string {
    switch (this.token) {
      case Tok.START_OBJECT: {
        let out = "{";
        let first = true;
        while (this.next() !== Tok.END_OBJECT) {
          if (!first) out += ",";
          first = false;
          out += `${quoteJsonString(this.text)}:`;
          this.next();
          out += this.copyStructure();
        }
        return `${out}}`;
      }
      case Tok.START_ARRAY: {
        let out = "[";
        let first = true;
        while (this.next() !== Tok.END_ARRAY) {
          if (!first) out += ",";
          first = false;
          out += this.copyStructure();
        }
        return `${out}]`;
      }
      case Tok.STRING:
        return quoteJsonString(this.text);
      case Tok.INT:
        return BigInt(this.text).toString();
      case Tok.FLOAT: {
        const d = floatValue(this.text);
        return Number.isFinite(d) ? javaDoubleString(d) : `"${javaDoubleString(d)}"`;
      }
      case Tok.TRUE:
        return "true";
      case Tok.FALSE:
        return "false";
      case Tok.NULL:
        return "null";
      default:
        throw MALFORMED;
    }
  }

  private value(): number {
    const s = this.s;
    const c = s[this.i];
    const depth = this.levels.length;
    switch (c) {
      case "{":
        this.i++;
        this.levels.push(IN_OBJECT);
        this.states.push(OPENED);
        return (this.token = Tok.START_OBJECT);
      case "[":
        this.i++;
        this.levels.push(IN_ARRAY);
        this.states.push(OPENED);
        return (this.token = Tok.START_ARRAY);
      case '"':
        this.text = this.string('"');
        return (this.token = Tok.STRING);
      case "'":
        if (!this.f.allowSingleQuotes) throw MALFORMED;
        this.text = this.string("'");
        return (this.token = Tok.STRING);
      case "t":
        return this.literal("true", Tok.TRUE);
      case "f":
        return this.literal("false", Tok.FALSE);
      case "n":
        return this.literal("null", Tok.NULL);
      default: {
        const t = this.number();
        // Jackson requires a space between root-level numbers and what follows.
        if (depth === 0 && this.i < s.length && !isSpace(s.charCodeAt(this.i))) throw MALFORMED;
        return t;
      }
    }
  }

  private literal(word: string, token: number): number {
    if (!this.s.startsWith(word, this.i)) throw MALFORMED;
    this.i += word.length;
    if (this.i < this.s.length && isIdentifierPart(this.s.charCodeAt(this.i))) throw MALFORMED;
    return (this.token = token);
  }

  private number(): number {
    const s = this.s;
    const start = this.i;
    let i = this.i;
    if (s[i] === "-" || (s[i] === "+" && this.f.allowNonNumericNumbers)) i++;
    if (this.f.allowNonNumericNumbers) {
      for (const word of i === start ? ["NaN", "Infinity", "INF"] : ["Infinity", "INF"]) {
        if (s.startsWith(word, i)) {
          this.i = i + word.length;
          this.text = s.slice(start, this.i);
          return (this.token = Tok.FLOAT);
        }
      }
    }
    if (s[start] === "+") throw MALFORMED;
    const intStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === intStart) throw MALFORMED;
    if (s[intStart] === "0" && i - intStart > 1 && !this.f.allowNumericLeadingZeros) throw MALFORMED;
    let float = false;
    if (s[i] === ".") {
      i++;
      const f = i;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (i === f) throw MALFORMED;
      float = true;
    }
    if (s[i] === "e" || s[i] === "E") {
      i++;
      if (s[i] === "+" || s[i] === "-") i++;
      const e = i;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (i === e) throw MALFORMED;
      float = true;
    }
    this.i = i;
    this.text = s.slice(start, i);
    return (this.token = float ? Tok.FLOAT : Tok.INT);
  }

  private fieldName(): string {
    const c = this.s[this.i];
    if (c === '"') return this.string('"');
    if (c === "'" && this.f.allowSingleQuotes) return this.string("'");
    if (!this.f.allowUnquotedFieldNames || c === undefined || !isIdentifierPart(c.charCodeAt(0))) throw MALFORMED;
    const start = this.i;
    while (this.i < this.s.length && isIdentifierPart(this.s.charCodeAt(this.i))) this.i++;
    return this.s.slice(start, this.i);
  }

  private string(q: string): string {
    const s = this.s;
    let i = this.i + 1;
    let out = "";
    let from = i;
    for (;;) {
      if (i >= s.length) throw MALFORMED;
      const c = s.charCodeAt(i);
      if (s[i] === q) {
        out += s.slice(from, i);
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(from, i);
        const e = s[i + 1];
        if (e === undefined) throw MALFORMED;
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === "u") {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw MALFORMED;
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if ((e === "'" && this.f.allowSingleQuotes) || this.f.allowBackslashEscapingAnyCharacter) {
          out += e;
          i += 2;
        } else throw MALFORMED;
        from = i;
        continue;
      }
      if (c < 0x20 && !this.f.allowUnquotedControlChars) throw MALFORMED;
      i++;
    }
  }

  private skipSpace(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
      if (!this.f.allowComments || s[this.i] !== "/") return;
      if (s[this.i + 1] === "/") {
        const nl = s.indexOf("\n", this.i);
        this.i = nl < 0 ? s.length : nl + 1;
      } else if (s[this.i + 1] === "*") {
        const end = s.indexOf("*/", this.i + 2);
        if (end < 0) throw MALFORMED;
        this.i = end + 2;
      } else throw MALFORMED;
    }
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Java's `Character.isJavaIdentifierPart`, for the characters that matter after a literal. */
function isIdentifierPart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c > 0x7f;
}

function floatValue(text: string): number {
  if (text.endsWith("NaN")) return NaN;
  if (text.endsWith("Infinity") || text.endsWith("INF")) return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/** Runs `read` over each valid slot's text; a null result or malformed text gives null. */

// ---------------------------------------------------------------------------------------------
// schema_of_json

/**
 * The type of the JSON value `text` as Spark's `SchemaOfJson` infers it (`JsonInferSchema.inferField`
 * then `canonicalizeType`), printed as Spark's DDL: `STRUCT<c1: BIGINT, c2: ARRAY<BIGINT>>`.
 * Options: `primitivesAsString`, `prefersDecimal`, `dropFieldIfAllNull` and the `allow…` parser
 * features. Malformed text raises Spark's error.
 */
export function schemaOfJson(text: string, options: JsonFunctionOptions): string {
  const p = new JsonReader({
    allowSingleQuotes: options.allowSingleQuotes,
    allowUnquotedControlChars: options.allowUnquotedControlChars,
    allowNumericLeadingZeros: options.allowNumericLeadingZeros,
    allowNonNumericNumbers: options.allowNonNumericNumbers,
    allowBackslashEscapingAnyCharacter: options.allowBackslashEscapingAnyCharacter,
    allowUnquotedFieldNames: options.allowUnquotedFieldNames,
    allowComments: options.allowComments,
  });
  let t: DataType;
  try {
    p.reset(text).next();
    t = inferField(p, options);
  } catch (e) {
    if (e !== MALFORMED) throw e;
    throw new ExecutionError(`schema_of_json: [MALFORMED_RECORD_IN_PARSING] Malformed records are detected in record parsing: ${JSON.stringify(text)}`);
  }
  let out: DataType;
  if (t.typeName === "struct") out = canonicalize(t, options) ?? StructType([]);
  else if (t.typeName === "array" && t.elementType.typeName === "struct") {
    const e = canonicalize(t.elementType, options);
    out = ArrayType(e ?? StructType([]), t.containsNull);
  } else out = canonicalize(t, options) ?? StringType();
  return sqlTypeName(out);
}

function inferField(p: JsonReader, o: JsonFunctionOptions): DataType {
  switch (p.token) {
    case Tok.EOF:
    case Tok.NULL:
      return NullType();
    case Tok.FIELD_NAME:
      p.next();
      return inferField(p, o);
    case Tok.STRING: {
      if (p.text.length < 1) return NullType();
      if (o.prefersDecimal) {
        const d = bigDecimalShape(p.text.replaceAll(",", ""));
        if (d !== null) {
          try {
            return DecimalType(d.precision, d.scale);
          } catch {
            // Not a decimal Spark can hold: the string stays a string.
          }
        }
      }
      return StringType();
    }
    case Tok.START_OBJECT: {
      const fields: StructField[] = [];
      while (p.next() !== Tok.END_OBJECT) {
        const name = p.text;
        fields.push(StructField(name, inferField(p, o), true));
      }
      // Java's String.compareTo (UTF-16 code units) and a stable sort, as Spark's.
      fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return StructType(fields);
    }
    case Tok.START_ARRAY: {
      let element: DataType = NullType();
      while (p.next() !== Tok.END_ARRAY) element = compatibleType(element, inferField(p, o));
      return ArrayType(element, true);
    }
    case Tok.INT:
    case Tok.FLOAT: {
      if (o.primitivesAsString) return StringType();
      if (p.token === Tok.INT) {
        const v = BigInt(p.text);
        if (v >= -(2n ** 63n) && v < 2n ** 63n) return LongType();
        return decimalOrDouble(p.text);
      }
      return o.prefersDecimal ? decimalOrDouble(p.text) : DoubleType();
    }
    case Tok.TRUE:
    case Tok.FALSE:
      return o.primitivesAsString ? StringType() : BooleanType();
    default:
      throw MALFORMED;
  }
}

/** Jackson's BigDecimal of a number token as Spark types it: decimal(max(p, s), s) up to 38 digits, else double. */
function decimalOrDouble(text: string): DataType {
  const d = bigDecimalShape(text);
  if (d === null) return DoubleType();
  const precision = Math.max(d.precision, d.scale);
  if (precision > 38) return DoubleType();
  if (d.scale < 0) {
    throw new ExecutionError(`schema_of_json: [NEGATIVE_SCALE_DISALLOWED] Negative scale is not allowed: ${d.scale} (from ${text})`);
  }
  return DecimalType(precision, d.scale);
}

/** Precision and scale of `new java.math.BigDecimal(text)`, or null when Java rejects the text. */
function bigDecimalShape(text: string): { precision: number; scale: number } | null {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[1] === "" && (m[2] === undefined || m[2] === ""))) return null;
  const frac = m[2] ?? "";
  const digits = (m[1] + frac).replace(/^0+/, "");
  const scale = frac.length - (m[3] === undefined ? 0 : Number(m[3]));
  return { precision: Math.max(1, digits.length), scale };
}

/** Spark's `canonicalizeType`: null → string (or dropped), nameless fields and empty structs dropped. */
function canonicalize(t: DataType, o: JsonFunctionOptions): DataType | null {
  switch (t.typeName) {
    case "null":
      return o.dropFieldIfAllNull ? null : StringType();
    case "array": {
      const e = canonicalize(t.elementType, o);
      return e === null ? null : ArrayType(e, t.containsNull);
    }
    case "struct": {
      const fields = t.fields.flatMap((f) => {
        if (f.name === "") return [];
        const c = canonicalize(f.dataType, o);
        return c === null ? [] : [StructField(f.name, c, true)];
      });
      return fields.length === 0 ? null : StructType(fields);
    }
    default:
      return t;
  }
}

