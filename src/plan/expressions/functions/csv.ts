/**
 * CSV functions: from_csv, to_csv, schema_of_csv. As in Spark, the CSV argument of from_csv must
 * be a string and to_csv's a struct (no implicit casts); schemas and option maps are constants
 * read at analysis (see the helpers in `json.ts`). schema_of_csv's inference is here too: analysis
 * runs it when a schema is given as `schema_of_csv(…)`.
 */
import { BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from "../../../types/data-types.js";
import type { DataType } from "../../../types/data-types.js";
import { sqlTypeName } from "../../../types/print-schema.js";
import type { CsvOptions } from "../../../formats/csv/options.js";
import { CELL_EMPTY, CELL_EMPTY_QUOTED, CsvTokenizer } from "../../../formats/csv/tokenizer.js";
import { civilDays, parseTimestampLenient } from "../../../formats/csv/datetime.js";
import { UTC } from "../../../columnar/time-zone.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { AnalysisError } from "../../../errors.js";
import { typeSql } from "../coercion.js";
import { resolveCsvOptions } from "../../../formats/csv/options.js";
import type { FunctionDef } from "./define.js";
import { asNullable, foldableText, mismatch, optionMap, stringInput, structInput, typeArg } from "./json.js";

const S = StringType();

export const CSV_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "from_csv",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 3,
    constantArgs: [1, 2],
    resolve(ctx) {
      const csv = stringInput(ctx, 0);
      const schema = typeArg(ctx, 1);
      if (schema.typeName !== "struct") {
        throw new AnalysisError(
          `analysis: [INVALID_SCHEMA.NON_STRUCT_TYPE] The input schema "${ctx.sql(ctx.raw[1]).replace(/^'|'$/g, "")}" is not a struct type, but got "${typeSql(schema)}".`,
        );
      }
      for (const f of schema.fields) {
        const t = f.dataType.typeName;
        if (t === "struct" || t === "array" || t === "map") {
          throw mismatch(ctx, "UNEXPECTED_INPUT_TYPE", `CSV cannot read the field ${f.name} of type "${typeSql(f.dataType)}".`);
        }
      }
      const options = optionMap(ctx, 2);
      resolveCsvOptions(options, "from_csv");
      return { args: [csv], dataType: asNullable(schema), nullable: csv.nullable, options };
    },
  },
  {
    name: "to_csv",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const x = structInput(ctx, 0);
      if (x.dataType.typeName === "struct") {
        for (const f of x.dataType.fields) {
          const t = f.dataType.typeName;
          if (t === "struct" || t === "array" || t === "map" || t === "binary") {
            throw mismatch(ctx, "UNSUPPORTED_INPUT_TYPE", `The input of \`to_csv\` can't be "${typeSql(f.dataType)}" type data (field ${f.name}).`);
          }
        }
      }
      return { args: [x], dataType: S, nullable: true, options: optionMap(ctx, 1) };
    },
  },
  {
    name: "schema_of_csv",
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const csv = foldableText(ctx, 0, "csv");
      const options = optionMap(ctx, 1);
      // Evaluated now, as Spark folds it: a bad option fails the query here.
      schemaOfCsv(csv, options);
      return { args: [ctx.args[0]], dataType: S, nullable: false, options };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// schema_of_csv

/**
 * The type of one CSV record as Spark's `SchemaOfCsv` infers it (`CSVInferSchema.inferField` from
 * NullType for each cell), printed as Spark's DDL: `STRUCT<_c0: INT, _c1: STRING>`. Cells try, in
 * order: int, bigint, decimal (no fraction digits), double, date (`yyyy-MM-dd`, Spark's default
 * `preferDate`), timestamp, boolean, else string; empty and `nullValue` cells are strings.
 */
export function schemaOfCsv(text: string, raw: Readonly<Record<string, string>>): string {
  const options = resolveCsvOptions(raw, "schema_of_csv");
  const tok = new CsvTokenizer(options);
  const data = new TextEncoder().encode(text);
  const cells = tok.tokenize(data, 0, data.length);
  const fields: StructField[] = [];
  for (let k = 0; k < cells; k++) {
    const kind = tok.empty[k];
    const cell =
      kind === CELL_EMPTY ? null : kind === CELL_EMPTY_QUOTED ? options.emptyValue : decodeUtf8(tok.bufferOf(k, data), tok.starts[k], tok.ends[k]);
    fields.push(StructField(`_c${k}`, inferCell(cell, options), true));
  }
  return sqlTypeName(StructType(fields));
}

const INT_RE = /^[+-]?\d+$/;
/** Java's `Double.parseDouble` syntax (after trimming), including `NaN`, `Infinity` and `d`/`f` suffixes. */
const JAVA_DOUBLE_RE = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+(\.[0-9a-fA-F]*)?[pP][+-]?\d+)[fFdD]?)$/;

function inferCell(cell: string | null, o: CsvOptions): DataType {
  if (cell === null || cell === "" || cell === o.nullValue) return StringType();
  if (INT_RE.test(cell)) {
    const v = BigInt(cell);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return IntegerType();
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return LongType();
    // java.math.BigDecimal: a whole number is a decimal(p, 0) up to 38 digits.
    const digits = cell.replace(/^[+-]/, "").replace(/^0+(?=\d)/, "").length;
    if (digits <= 38) return DecimalType(digits, 0);
  }
  const whole = /^[+-]?(\d+)[eE]\+?(\d+)$/.exec(cell);
  if (whole !== null) {
    // `1E5` is a BigDecimal of negative scale: decimal(precision, scale) cannot hold it.
    return DoubleType();
  }
  if (JAVA_DOUBLE_RE.test(cell.trim()) || cell === o.nanValue || cell === o.positiveInf || cell === o.negativeInf) return DoubleType();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell);
  if (date !== null && civilDays(Number(date[1]), Number(date[2]), Number(date[3])) !== null) return DateType();
  if (parseTimestampLenient(cell, UTC) !== null) return TimestampType();
  const lower = cell.toLowerCase();
  if (lower === "true" || lower === "false") return BooleanType();
  return StringType();
}
