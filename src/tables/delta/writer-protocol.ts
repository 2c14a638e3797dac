/**
 * Whether sluice may write to a Delta table (PROTOCOL.md "Writer Requirements" and "Table
 * Features"): a writer must support every writer feature the table's protocol names, and honour
 * the ones the table uses. sluice writes plain Parquet files named by logical column names, checks
 * no constraints and computes no generated or identity values, so a table that uses any of those is
 * refused rather than written wrongly: Spark, Trino or delta-rs would read such files wrongly
 * (column mapping) or the table's rules would silently stop holding.
 */
import { AnalysisError } from "../../errors.js";
import type { DeltaMetadataAction, DeltaProtocol } from "./actions.js";
import { checkReadable } from "./protocol-check.js";

/** The highest writer version this writer knows. */
export const MAX_WRITER_VERSION = 7;

/**
 * Writer features sluice supports, each only while the table does not use it in a way that needs
 * work from the writer (see {@link checkWritable}): listing a feature in the protocol is fine.
 */
const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  "appendOnly",
  "invariants",
  "checkConstraints",
  "changeDataFeed",
  "generatedColumns",
  "columnMapping",
  "identityColumns",
  "vacuumProtocolCheck",
  "timestampNtz",
]);

/** The legacy features each writer version below 7 implies. */
const LEGACY_WRITER_FEATURES: readonly (readonly [number, string])[] = [
  [2, "appendOnly"],
  [2, "invariants"],
  [3, "checkConstraints"],
  [4, "changeDataFeed"],
  [4, "generatedColumns"],
  [5, "columnMapping"],
  [6, "identityColumns"],
];

/** What the write does to the table's data. */
export interface WriteKind {
  /**
   * False for commits that keep the table's rows as they are (OPTIMIZE, VACUUM): the rules about
   * the data's content (constraints, invariants, generated and identity columns, appendOnly) do not apply.
   */
  readonly dataChange: boolean;
  /** True when the write removes rows (overwrite, delete, merge): refused on `delta.appendOnly` tables. */
  readonly removesData?: boolean;
  /** True when the write rewrites files row by row (merge, update, delete): refused while the change data feed is on. */
  readonly rewritesRows?: boolean;
}

/**
 * Throws unless sluice can write to the table as `kind` says: the table must be readable
 * (`checkReadable`), its writer version at most {@link MAX_WRITER_VERSION}, every writer feature
 * (version 7) supported, column mapping off; and, for writes that change data, no CHECK
 * constraint (`delta.constraints.*`), no column invariant, generated or identity column, no
 * `delta.appendOnly` when the write removes rows, no change data feed when it rewrites rows.
 * @throws AnalysisError (`delta writer: table at <path> …`) naming what sluice does not support.
 */
export function checkWritable(
  protocol: DeltaProtocol,
  metadata: Pick<DeltaMetadataAction, "schemaString" | "configuration">,
  tablePath: string,
  kind: WriteKind,
): void {
  const refuse = (what: string): never => {
    throw new AnalysisError(`delta writer: table at ${tablePath} ${what}, which sluice cannot write; refusing rather than writing the table wrongly`, {
      path: tablePath,
    });
  };
  checkReadable(protocol, { id: "", partitionColumns: [], ...metadata }, tablePath);
  const v = protocol.minWriterVersion;
  if (!Number.isInteger(v) || v < 1 || v > MAX_WRITER_VERSION) refuse(`requires writer version ${v} (sluice writes versions 1 to ${MAX_WRITER_VERSION})`);
  if (v === MAX_WRITER_VERSION) {
    const unsupported = (protocol.writerFeatures ?? []).filter((f) => !SUPPORTED_WRITER_FEATURES.has(f));
    if (unsupported.length > 0) refuse(`requires writer feature${unsupported.length > 1 ? "s" : ""} ${unsupported.map((f) => `'${f}'`).join(", ")}`);
  }
  const conf = metadata.configuration;
  const mapping = conf["delta.columnMapping.mode"] ?? "none";
  if (mapping !== "none") refuse(`uses column mapping (delta.columnMapping.mode = '${mapping}')`);
  if (!kind.dataChange) return;
  const enabled = enabledFeatures(protocol);
  if (kind.removesData === true && isTrue(conf["delta.appendOnly"])) refuse("is append-only (delta.appendOnly = true) and this write removes rows");
  if (kind.rewritesRows === true && isTrue(conf["delta.enableChangeDataFeed"])) refuse("has the change data feed on (delta.enableChangeDataFeed = true) and this write rewrites rows");
  for (const key of Object.keys(conf)) {
    if (key.toLowerCase().startsWith("delta.constraints.")) refuse(`has the CHECK constraint '${key.slice("delta.constraints.".length)}'`);
  }
  for (const [column, meta] of columnMetadata(metadata.schemaString)) {
    if ("delta.invariants" in meta) refuse(`has an invariant on column '${column}'`);
    if ("delta.generationExpression" in meta && (enabled.has("generatedColumns") || v < 7)) refuse(`has the generated column '${column}'`);
    if (Object.keys(meta).some((k) => k.startsWith("delta.identity."))) refuse(`has the identity column '${column}'`);
  }
}

/** The writer features in force: version 7's list, or the legacy ones the version implies. */
function enabledFeatures(protocol: DeltaProtocol): ReadonlySet<string> {
  if (protocol.minWriterVersion >= 7) return new Set(protocol.writerFeatures ?? []);
  return new Set(LEGACY_WRITER_FEATURES.filter(([min]) => protocol.minWriterVersion >= min).map(([, f]) => f));
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && v.trim().toLowerCase() === "true";
}

/** Every field of the schema JSON (nested ones as `a.b`) with its metadata object. */
function columnMetadata(schemaString: string): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  const visitType = (t: unknown, prefix: string): void => {
    if (!isRecord(t)) return;
    if (t.type === "struct" && Array.isArray(t.fields)) {
      for (const f of t.fields) {
        if (!isRecord(f)) continue;
        const name = `${prefix}${String(f.name)}`;
        if (isRecord(f.metadata)) out.push([name, f.metadata]);
        visitType(f.type, `${name}.`);
      }
    } else if (t.type === "array") {
      visitType(t.elementType, `${prefix}element.`);
    } else if (t.type === "map") {
      visitType(t.keyType, `${prefix}key.`);
      visitType(t.valueType, `${prefix}value.`);
    }
  };
  try {
    visitType(JSON.parse(schemaString) as unknown, "");
  } catch {
    // The snapshot parsed this schema already; an unparsable one has no column metadata to honour.
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
