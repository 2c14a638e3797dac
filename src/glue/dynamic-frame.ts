/**
 * Glue's `DynamicFrame` over a sluice `DataFrame`, and the transforms Glue scripts apply to it
 * (`ApplyMapping`, `SelectFields`, `DropFields`, `RenameField`), with Glue's names so that a
 * script ports line by line.
 *
 * A Glue DynamicFrame is schema-flexible (a field may hold several types: "choice" types); a
 * sluice DynamicFrame has its DataFrame's fixed schema. Transforms that only exist for choice
 * types (`resolveChoice`) and row-level lambdas (`Map`, `Filter`) are not provided; use the
 * DataFrame (`toDF()`) with column expressions instead.
 */
import type { DataFrame } from "../api/dataframe.js";
import type { Column } from "../api/column.js";
import { col, from_json, struct } from "../api/functions.js";
import { isValid } from "../columnar/vector.js";
import { decodeUtf8 } from "../columnar/utf8.js";
import { inferJsonSchema } from "../formats/json/json-infer-schema.js";
import { AnalysisError, ConfigError } from "../errors.js";
import { parseDataType } from "../sql/ddl.js";
import type { DataType, StructType } from "../types/data-types.js";
import { catalogString } from "../types/print-schema.js";

/** What a DynamicFrame remembers of the GlueContext that made it (see `glue-context.ts`). */
export interface GlueContextLike {
  readonly spark_session: DataFrame["sparkSession"];
}

/** Glue's column of record texts whose schema is inferred per batch (`inferSchema`). */
export const INFER_SCHEMA_COLUMN = "$json$data_infer_schema$_temporary$";

/** One mapping of `ApplyMapping`: source path, source type, target path, target type. */
export type Mapping = readonly [source: string, sourceType: string, target: string, targetType: string];

/** A Glue DynamicFrame: a named DataFrame with Glue's transform methods. */
export class DynamicFrame {
  private constructor(
    private readonly df: DataFrame,
    readonly glue_ctx: GlueContextLike | null,
    readonly name: string,
  ) {}

  /**
   * Glue's `DynamicFrame.fromDF(dataframe, glue_ctx, name)`. A batch read with `inferSchema`
   * (the records' text in Glue's `$json$data_infer_schema$_temporary$` column, as `forEachBatch`
   * hands it over) is parsed here with the schema inferred from that batch's records, as Glue does.
   * @throws ConfigError when such a frame is not a batch held in memory (a stream, or a transformed batch).
   */
  static fromDF(dataframe: DataFrame, glue_ctx: GlueContextLike | null = null, name = ""): DynamicFrame {
    if (dataframe.columns.includes(INFER_SCHEMA_COLUMN)) return new DynamicFrame(parseInferred(dataframe), glue_ctx, name);
    return new DynamicFrame(dataframe, glue_ctx, name);
  }

  /** The DataFrame, to use Spark's API. */
  toDF(): DataFrame {
    return this.df;
  }

  /** Whether the frame reads a stream. */
  get isStreaming(): boolean {
    return this.df.isStreaming;
  }

  /** The frame's schema. */
  schema(): StructType {
    return this.df.schema;
  }

  printSchema(): void {
    this.df.printSchema();
  }

  /** Rows (batch frames only). */
  count(): Promise<number> {
    return this.df.count();
  }

  /** Prints the first `num_rows` rows (batch frames only). */
  show(num_rows = 20): Promise<void> {
    return this.df.show(num_rows);
  }

  /** `ApplyMapping` on this frame; see {@link ApplyMapping.apply}. */
  apply_mapping(mappings: readonly Mapping[], transformation_ctx = ""): DynamicFrame {
    return this.derive(applyMapping(this.df, mappings), transformation_ctx);
  }

  /** Only the fields at `paths` (top-level names or dotted paths into structs, kept under their last name). */
  select_fields(paths: readonly string[], transformation_ctx = ""): DynamicFrame {
    for (const p of paths) fieldAt(this.df.schema, p);
    return this.derive(this.df.select(...paths.map((p) => col(p))), transformation_ctx);
  }

  /** Every field but the top-level ones named in `paths`. */
  drop_fields(paths: readonly string[], transformation_ctx = ""): DynamicFrame {
    for (const p of paths) {
      if (p.includes(".") && !p.startsWith("`")) throw new ConfigError(`DynamicFrame.drop_fields: nested paths are not supported yet, got ${JSON.stringify(p)}`);
      fieldAt(this.df.schema, p);
    }
    return this.derive(this.df.drop(...paths.map((p) => p.replace(/^`(.*)`$/, "$1"))), transformation_ctx);
  }

  /** Renames the top-level field `oldName`. */
  rename_field(oldName: string, newName: string, transformation_ctx = ""): DynamicFrame {
    fieldAt(this.df.schema, oldName);
    return this.derive(this.df.withColumnRenamed(oldName.replace(/^`(.*)`$/, "$1"), newName), transformation_ctx);
  }

  private derive(df: DataFrame, name: string): DynamicFrame {
    return new DynamicFrame(df, this.glue_ctx, name === "" ? this.name : name);
  }
}

/**
 * Glue's `ApplyMapping`: `ApplyMapping.apply(frame=…, mappings=[(source, sourceType, target,
 * targetType), …])`. The output has exactly the mapped fields, in the order of the mappings, each
 * cast to its target type; a dotted source path reads a struct field (`` `a.b` `` quotes a name
 * holding a dot), a dotted target path builds nested structs. A source path the frame does not have
 * is an error naming it (a sluice frame's schema is fixed, so it is a mistake, not missing data).
 */
export const ApplyMapping = {
  apply(...a: [args: { frame: DynamicFrame; mappings: readonly Mapping[]; transformation_ctx?: string }] | [frame: DynamicFrame, mappings: readonly Mapping[], transformation_ctx?: string]): DynamicFrame {
    const { frame, mappings, transformation_ctx } = a.length === 1 ? a[0] : { frame: a[0], mappings: a[1], transformation_ctx: a[2] };
    return frame.apply_mapping(mappings, transformation_ctx ?? "");
  },
} as const;

/** Glue's `SelectFields.apply(frame, paths)`. */
export const SelectFields = {
  apply(...a: [args: { frame: DynamicFrame; paths: readonly string[]; transformation_ctx?: string }] | [frame: DynamicFrame, paths: readonly string[], transformation_ctx?: string]): DynamicFrame {
    const { frame, paths, transformation_ctx } = a.length === 1 ? a[0] : { frame: a[0], paths: a[1], transformation_ctx: a[2] };
    return frame.select_fields(paths, transformation_ctx ?? "");
  },
} as const;

/** Glue's `DropFields.apply(frame, paths)`. */
export const DropFields = {
  apply(...a: [args: { frame: DynamicFrame; paths: readonly string[]; transformation_ctx?: string }] | [frame: DynamicFrame, paths: readonly string[], transformation_ctx?: string]): DynamicFrame {
    const { frame, paths, transformation_ctx } = a.length === 1 ? a[0] : { frame: a[0], paths: a[1], transformation_ctx: a[2] };
    return frame.drop_fields(paths, transformation_ctx ?? "");
  },
} as const;

/** Glue's `RenameField.apply(frame, old_name, new_name)`. */
export const RenameField = {
  apply(
    ...a: [args: { frame: DynamicFrame; old_name: string; new_name: string; transformation_ctx?: string }] | [frame: DynamicFrame, old_name: string, new_name: string, transformation_ctx?: string]
  ): DynamicFrame {
    const { frame, old_name, new_name, transformation_ctx } = a.length === 1 ? a[0] : { frame: a[0], old_name: a[1], new_name: a[2], transformation_ctx: a[3] };
    return frame.rename_field(old_name, new_name, transformation_ctx ?? "");
  },
} as const;

/** Glue's type names in mappings, as Spark types (Glue writes `long`, `int`, `string`, `timestamp`, …). */
export function glueType(name: string): DataType {
  const t = name.trim().toLowerCase();
  const alias: Record<string, string> = { integer: "int", long: "bigint", short: "smallint", byte: "tinyint", bool: "boolean", varchar: "string", char: "string" };
  try {
    return parseDataType(alias[t] ?? t.replace(/^(?:var)?char\(\d+\)$/, "string"));
  } catch (cause) {
    throw new ConfigError(`ApplyMapping: unknown type ${JSON.stringify(name)}; use a Glue or Spark type name (string, long, int, double, boolean, timestamp, date, decimal(p,s), …)`, { cause });
  }
}

function applyMapping(df: DataFrame, mappings: readonly Mapping[]): DataFrame {
  if (mappings.length === 0) throw new ConfigError("ApplyMapping: mappings must not be empty");
  interface Node {
    readonly name: string;
    column: Column | null;
    readonly children: Node[];
  }
  const roots: Node[] = [];
  for (const m of mappings) {
    if (!Array.isArray(m) || m.length !== 4 || m.some((x) => typeof x !== "string")) {
      throw new ConfigError(`ApplyMapping: each mapping is (source path, source type, target path, target type), got ${JSON.stringify(m)}`);
    }
    const [source, , target, targetType] = m;
    const sourceField = fieldAt(df.schema, source);
    const to = glueType(targetType);
    const value = catalogString(sourceField) === catalogString(to) ? col(source) : col(source).cast(to);
    let level = roots;
    const parts = splitPath(target);
    parts.forEach((part, i) => {
      let n = level.find((x) => x.name === part);
      if (n === undefined) {
        n = { name: part, column: null, children: [] };
        level.push(n);
      }
      if (i === parts.length - 1) {
        if (n.column !== null || n.children.length > 0) throw new ConfigError(`ApplyMapping: target path ${JSON.stringify(target)} is mapped twice`);
        n.column = value;
      } else if (n.column !== null) {
        throw new ConfigError(`ApplyMapping: target path ${JSON.stringify(target)} goes below a field mapped as a value`);
      }
      level = n.children;
    });
  }
  const build = (n: Node): Column => (n.column !== null ? n.column : struct(...n.children.map((c) => build(c).alias(c.name))));
  return df.select(...roots.map((r) => build(r).alias(r.name)));
}

/** The type at a dotted path (`` `a.b` `` quotes a name with a dot) of `schema`. @throws AnalysisError naming the path. */
function fieldAt(schema: StructType, path: string): DataType {
  let t: DataType = schema;
  for (const part of splitPath(path)) {
    if (t.typeName !== "struct") throw new AnalysisError(`DynamicFrame: ${JSON.stringify(path)} goes into a ${catalogString(t)}, which has no fields`);
    const fields: StructType["fields"] = t.fields;
    const f: StructType["fields"][number] | undefined = fields.find((x) => x.name === part) ?? fields.find((x) => x.name.toLowerCase() === part.toLowerCase());
    if (f === undefined) {
      throw new AnalysisError(`DynamicFrame: no field ${JSON.stringify(path)}; the frame has ${t.fields.map((x) => x.name).join(", ")}`);
    }
    t = f.dataType;
  }
  return t;
}

/** `a.b.c` → [a, b, c]; back-quoted parts keep their dots. */
function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of path) {
    if (ch === "`") quoted = !quoted;
    else if (ch === "." && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  if (quoted || out.some((p) => p === "")) throw new ConfigError(`DynamicFrame: malformed field path ${JSON.stringify(path)}`);
  return out;
}

/** The batch's records parsed with the schema inferred from them (see {@link DynamicFrame.fromDF}). */
function parseInferred(df: DataFrame): DataFrame {
  const plan = df.logicalPlan;
  if (plan.kind !== "localRelation") {
    throw new ConfigError(
      "DynamicFrame.fromDF: with inferSchema the schema is inferred from each batch's records; convert the batch DataFrame forEachBatch hands over, before transforming it",
      { option: "inferSchema" },
    );
  }
  const at = plan.schema.fields.findIndex((f) => f.name === INFER_SCHEMA_COLUMN);
  const texts: string[] = [];
  for (const b of plan.batches) {
    const v = b.columns[at];
    if (v.kind !== "bytes") continue;
    for (let i = 0; i < b.numRows; i++) if (isValid(v, i)) texts.push(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]));
  }
  const schema = inferJsonSchema(texts);
  if (schema.fields.length === 0) throw new ConfigError("DynamicFrame.fromDF: inferSchema found no JSON object in the batch's records to infer a schema from", { option: "inferSchema" });
  const others = df.columns.filter((c) => c !== INFER_SCHEMA_COLUMN);
  const parsed = df.select(from_json(col(`\`${INFER_SCHEMA_COLUMN}\``), schema).alias("__glue_record"), ...others.map((c) => col(`\`${c}\``)));
  return parsed.select("__glue_record.*", ...others.map((c) => `\`${c}\``));
}
