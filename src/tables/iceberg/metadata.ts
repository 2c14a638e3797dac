/**
 * Iceberg table metadata (`metadata/*.metadata.json`, formats v1 and v2): parsing with the spec's
 * required fields checked, the normalised view readers and writers use, and how a table's current
 * metadata file is found (Hadoop-style `version-hint.text`, else the highest version listed).
 *
 * Unknown keys are kept: a new version is written from the document read ({@link TableMetadata.raw}),
 * so statistics, sort orders, branches and properties other writers set survive sluice's commits.
 */
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { AnalysisError, NotFoundError, SourceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { toDisplayUrl } from "../../storage/url.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { parseLongJson } from "./long-json.js";
import type { Long } from "./long-json.js";

/** An Iceberg type: a primitive name (`long`, `decimal(9,2)`, `fixed[16]` …) or a nested type. */
export type IcebergType = string | IcebergStructType | IcebergListType | IcebergMapType;

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
}

export interface IcebergStructType {
  readonly type: "struct";
  readonly fields: readonly IcebergField[];
}

export interface IcebergListType {
  readonly type: "list";
  readonly "element-id": number;
  readonly element: IcebergType;
  readonly "element-required": boolean;
}

export interface IcebergMapType {
  readonly type: "map";
  readonly "key-id": number;
  readonly key: IcebergType;
  readonly "value-id": number;
  readonly value: IcebergType;
  readonly "value-required": boolean;
}

export interface IcebergSchema extends IcebergStructType {
  readonly "schema-id": number;
  readonly "identifier-field-ids"?: readonly number[];
}

export interface PartitionField {
  readonly "source-id": number;
  readonly "field-id": number;
  readonly name: string;
  /** `identity`, `bucket[N]`, `truncate[W]`, `year`, `month`, `day`, `hour`, `void`. */
  readonly transform: string;
}

export interface PartitionSpec {
  readonly "spec-id": number;
  readonly fields: readonly PartitionField[];
}

export interface Snapshot {
  readonly "snapshot-id": Long;
  readonly "parent-snapshot-id"?: Long | null;
  /** v2; 0 for v1 snapshots. */
  readonly "sequence-number"?: number;
  readonly "timestamp-ms": number;
  /** v2 (and most v1 writers): the manifest list's location. */
  readonly "manifest-list"?: string;
  /** v1 only: the manifests, when there is no manifest list. */
  readonly manifests?: readonly string[];
  readonly summary?: Readonly<Record<string, string>>;
  readonly "schema-id"?: number;
}

/** The normalised view of one metadata file. */
export interface TableMetadata {
  /** The document as read, with unknown keys, longs beyond 2^53 as bigint. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly formatVersion: 1 | 2;
  readonly tableUuid: string;
  /** The table's base location as written (`s3://…`, `file:/…`); data and metadata paths start with it. */
  readonly location: string;
  readonly lastSequenceNumber: number;
  readonly lastUpdatedMs: number;
  readonly lastColumnId: number;
  readonly schemas: readonly IcebergSchema[];
  readonly currentSchemaId: number;
  readonly specs: readonly PartitionSpec[];
  readonly defaultSpecId: number;
  readonly lastPartitionId: number;
  readonly properties: Readonly<Record<string, string>>;
  /** The `main` branch's snapshot; null for a table without data. */
  readonly currentSnapshotId: Long | null;
  readonly snapshots: readonly Snapshot[];
}

/** The metadata file a table is read at: its key and version number (`v<N>` or `<N>-<uuid>`). */
export interface MetadataFile {
  readonly key: string;
  readonly version: number;
  readonly metadata: TableMetadata;
}

/** The metadata file name a catalog that names versions itself uses (Iceberg's `%05d-<uuid>.metadata.json`). */
export function catalogMetadataName(version: number, uuid: string): string {
  return `${String(version).padStart(5, "0")}-${uuid}.metadata.json`;
}

const long = z.union([z.number().int(), z.bigint()]);

const typeSchema: z.ZodType<IcebergType> = z.lazy(() =>
  z.union([
    z.string(),
    z.object({ type: z.literal("struct"), fields: z.array(fieldSchema) }),
    z.object({ type: z.literal("list"), "element-id": z.number().int(), element: typeSchema, "element-required": z.boolean() }),
    z.object({
      type: z.literal("map"),
      "key-id": z.number().int(),
      key: typeSchema,
      "value-id": z.number().int(),
      value: typeSchema,
      "value-required": z.boolean(),
    }),
  ]),
);

const fieldSchema: z.ZodType<IcebergField> = z.lazy(() =>
  z.looseObject({ id: z.number().int(), name: z.string(), required: z.boolean(), type: typeSchema, doc: z.string().optional() }),
);

const schemaSchema = z.looseObject({
  type: z.literal("struct"),
  "schema-id": z.number().int().default(0),
  "identifier-field-ids": z.array(z.number().int()).optional(),
  fields: z.array(fieldSchema),
});

const specFieldSchema = z.looseObject({
  "source-id": z.number().int(),
  "field-id": z.number().int().optional(),
  name: z.string(),
  transform: z.string(),
});

const snapshotSchema = z.looseObject({
  "snapshot-id": long,
  "parent-snapshot-id": long.nullable().optional(),
  "sequence-number": z.number().int().optional(),
  "timestamp-ms": z.number().int(),
  "manifest-list": z.string().optional(),
  manifests: z.array(z.string()).optional(),
  summary: z.record(z.string(), z.string()).optional(),
  "schema-id": z.number().int().optional(),
});

const metadataSchema = z.looseObject({
  "format-version": z.union([z.literal(1), z.literal(2)]),
  "table-uuid": z.string().optional(),
  location: z.string(),
  "last-sequence-number": z.number().int().optional(),
  "last-updated-ms": z.number().int(),
  "last-column-id": z.number().int(),
  schema: schemaSchema.optional(),
  schemas: z.array(schemaSchema).optional(),
  "current-schema-id": z.number().int().optional(),
  "partition-spec": z.array(specFieldSchema).optional(),
  "partition-specs": z.array(z.looseObject({ "spec-id": z.number().int(), fields: z.array(specFieldSchema) })).optional(),
  "default-spec-id": z.number().int().optional(),
  "last-partition-id": z.number().int().optional(),
  properties: z.record(z.string(), z.string()).optional(),
  "current-snapshot-id": long.nullable().optional(),
  snapshots: z.array(snapshotSchema).optional(),
  refs: z.record(z.string(), z.looseObject({ "snapshot-id": long, type: z.string() })).optional(),
});

/** The first partition field id of a spec (the spec's `1000 + i` convention). */
export const FIRST_PARTITION_FIELD_ID = 1000;

/**
 * Parses the text of a metadata file. `where` names it in errors.
 * @throws SourceError when it is not JSON or misses a field the spec requires.
 */
export function parseTableMetadata(text: string, where: string): TableMetadata {
  let json: unknown;
  try {
    json = parseLongJson(text);
  } catch (e) {
    throw new SourceError(`iceberg: ${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { path: where });
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SourceError(`iceberg: ${where} is not Iceberg table metadata: '${issue.path.join(".")}' ${issue.message}`, { path: where });
  }
  const m = parsed.data;
  const schemas: IcebergSchema[] = m.schemas ?? (m.schema === undefined ? [] : [m.schema]);
  const currentSchemaId = m["current-schema-id"] ?? m.schema?.["schema-id"] ?? schemas[0]?.["schema-id"] ?? 0;
  if (!schemas.some((s) => s["schema-id"] === currentSchemaId)) {
    throw new SourceError(`iceberg: ${where} has no schema with the current schema id ${currentSchemaId}`, { path: where });
  }
  let nextFieldId = FIRST_PARTITION_FIELD_ID;
  const withIds = (fields: readonly z.infer<typeof specFieldSchema>[]): PartitionField[] =>
    fields.map((f) => ({ ...f, "field-id": f["field-id"] ?? nextFieldId++ }));
  const specs: PartitionSpec[] =
    m["partition-specs"]?.map((s) => ({ ...s, fields: withIds(s.fields) })) ?? [{ "spec-id": 0, fields: withIds(m["partition-spec"] ?? []) }];
  const mainRef = m.refs?.main?.["snapshot-id"];
  const current = mainRef ?? m["current-snapshot-id"] ?? null;
  return {
    raw: json as Record<string, unknown>,
    formatVersion: m["format-version"],
    tableUuid: m["table-uuid"] ?? "",
    location: m.location,
    lastSequenceNumber: m["last-sequence-number"] ?? 0,
    lastUpdatedMs: m["last-updated-ms"],
    lastColumnId: m["last-column-id"],
    schemas,
    currentSchemaId,
    specs,
    defaultSpecId: m["default-spec-id"] ?? specs[0]?.["spec-id"] ?? 0,
    lastPartitionId: m["last-partition-id"] ?? Math.max(FIRST_PARTITION_FIELD_ID - 1, ...specs.flatMap((s) => s.fields.map((f) => f["field-id"]))),
    properties: m.properties ?? {},
    // -1 is how older Java writers spell "no snapshot".
    currentSnapshotId: current === null || current === -1 ? null : current,
    snapshots: m.snapshots ?? [],
  };
}

/** The current schema. */
export function currentSchema(m: TableMetadata): IcebergSchema {
  const s = m.schemas.find((x) => x["schema-id"] === m.currentSchemaId);
  if (s === undefined) throw new AnalysisError(`iceberg: no schema with id ${m.currentSchemaId}`);
  return s;
}

/** The spec with `id`. */
export function specById(m: TableMetadata, id: number): PartitionSpec {
  const s = m.specs.find((x) => x["spec-id"] === id);
  if (s === undefined) throw new SourceError(`iceberg: table ${m.location} has no partition spec ${id}`);
  return s;
}

/** The version number in a metadata file name: `v12.metadata.json` → 12, `00012-<uuid>.metadata.json` → 12; null otherwise. */
export function metadataVersionOf(name: string): number | null {
  const m = /^(?:v(\d+)|(\d+)-[^/]*)\.(?:gz\.)?metadata\.json$/.exec(name);
  if (m === null) return null;
  return Number(m[1] ?? m[2]);
}

/**
 * The newest metadata file of the table at `tableKey`: the version `metadata/version-hint.text`
 * names when its file exists and no higher `v<N+1>` does (the hint may lag a commit), else the
 * highest version listed in `metadata/`.
 * @throws NotFoundError when the folder holds no metadata file.
 */
export async function findCurrentMetadata(storage: Storage, tableKey: string): Promise<{ key: string; version: number }> {
  const dir = `${folderPrefix(tableKey)}metadata/`;
  const hint = await readHint(storage, `${dir}version-hint.text`);
  if (hint !== null && (await storage.exists(`${dir}v${hint}.metadata.json`))) {
    let v = hint;
    while (await storage.exists(`${dir}v${v + 1}.metadata.json`)) v++;
    return { key: `${dir}v${v}.metadata.json`, version: v };
  }
  let best: { key: string; version: number } | null = null;
  for (const o of await storage.list(dir)) {
    const name = o.path.slice(dir.length);
    if (name.includes("/")) continue;
    const v = metadataVersionOf(name);
    if (v !== null && (best === null || v > best.version)) best = { key: o.path, version: v };
  }
  if (best === null) throw new NotFoundError(`iceberg: no Iceberg table at ${toDisplayUrl(storage, tableKey)} (no metadata/*.metadata.json)`);
  return best;
}

async function readHint(storage: Storage, key: string): Promise<number | null> {
  let bytes: Uint8Array;
  try {
    bytes = await storage.get(key);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
  const text = decodeUtf8(bytes, 0, bytes.length).trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** Reads and parses the metadata file at `key`. */
export async function readMetadataFile(storage: Storage, key: string): Promise<TableMetadata> {
  const bytes = await storage.get(key);
  const text = key.endsWith(".gz.metadata.json") ? decodeGzip(bytes) : decodeUtf8(bytes, 0, bytes.length);
  return parseTableMetadata(text, toDisplayUrl(storage, key));
}

/** `write.metadata.compression-codec=gzip` writes `*.gz.metadata.json`. */
function decodeGzip(bytes: Uint8Array): string {
  return new TextDecoder().decode(gunzipSync(bytes));
}

/** The table's newest metadata. @throws NotFoundError when there is no table at `tableKey`. */
export async function loadCurrentMetadata(storage: Storage, tableKey: string): Promise<MetadataFile> {
  const found = await findCurrentMetadata(storage, tableKey);
  return { ...found, metadata: await readMetadataFile(storage, found.key) };
}
