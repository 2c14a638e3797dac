/**
 * Delta log actions (PROTOCOL.md "Actions") as plain values, and their parsing from one JSON
 * commit line or one checkpoint row. Only the actions that log replay reconciles are kept; others
 * (commitInfo, cdc, domainMetadata, …) parse to `null`.
 */
import { SourceError } from "../../errors.js";
import { decodeUtf8 } from "../../columnar/utf8.js";

/** The `protocol` action: reader/writer versions and, from reader 3 / writer 7, table features. */
export interface DeltaProtocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

/** The `metaData` action as written in the log (the schema is still a JSON string). */
export interface DeltaMetadataAction {
  readonly id: string;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

/** A live data file. `path` is as written in the log: a URI, relative to the table root or absolute. */
export interface AddFile {
  readonly path: string;
  /** Partition column → serialized value (`null` for the null partition). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** The JSON stats string, when written. */
  readonly stats?: string;
  /** Present when the file has a deletion vector (a table feature sluice refuses). */
  readonly deletionVector?: unknown;
}

/**
 * A `remove` action (PROTOCOL.md "Add File and Remove File"): the file at `path` is no longer part
 * of the table from this version on. Replay keeps it as a tombstone (until a later `add` of the
 * same path) so checkpoints can carry it and VACUUM knows when the file may be deleted.
 */
export interface RemoveFile {
  /** The path as written in the log: a URI, relative to the table root or absolute. */
  readonly path: string;
  /** When the file was removed (ms since the epoch); tombstones without one count as expired. */
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
  /** True when `partitionValues`, `size` and `tags` are present (Spark writes them with it). */
  readonly extendedFileMetadata?: boolean;
  /** The removed file's partition values, as in its `add`. */
  readonly partitionValues?: Readonly<Record<string, string | null>>;
  /** The removed file's size in bytes. */
  readonly size?: number;
  /** The removed file's JSON stats string, when the writer kept it. */
  readonly stats?: string;
  /** The removed file's tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A `txn` action: the latest version an application committed. */
export interface DeltaTxn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

/** One action relevant to replay. */
export type DeltaAction =
  | { readonly kind: "protocol"; readonly protocol: DeltaProtocol }
  | { readonly kind: "metaData"; readonly metadata: DeltaMetadataAction }
  | { readonly kind: "add"; readonly add: AddFile }
  | { readonly kind: "remove"; readonly remove: RemoveFile }
  | { readonly kind: "txn"; readonly txn: DeltaTxn };

/** One JSON commit file, parsed. */
export interface ParsedCommit {
  /** The actions replay reconciles, in file order. */
  readonly actions: DeltaAction[];
  /** The commit's `commitInfo` object (the last one, should a writer have written several), or null. */
  readonly commitInfo: Readonly<Record<string, unknown>> | null;
}

/**
 * Parses a JSON commit file (one action per line; blank lines ignored).
 * @throws SourceError naming `where` and the line for a line that is not JSON or a malformed action.
 */
export function parseCommit(bytes: Uint8Array, where: string): ParsedCommit {
  const actions: DeltaAction[] = [];
  let commitInfo: Record<string, unknown> | null = null;
  let line = 0;
  for (const raw of decodeUtf8(bytes, 0, bytes.length).split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new SourceError(`delta log: invalid JSON at ${where} line ${line}`, { cause, path: where });
    }
    const action = parseAction(value, `${where} line ${line}`);
    if (action !== null) actions.push(action);
    else if (isRecord(value) && isRecord(value.commitInfo)) commitInfo = value.commitInfo;
  }
  return { actions, commitInfo };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Parses one action object (a parsed JSON commit line, or a checkpoint row converted to plain
 * values with `Map`s as objects and `bigint`s as numbers). Returns `null` for actions replay ignores.
 * @throws SourceError (`delta log: …`) naming `where` when a required field is missing or mistyped.
 */
export function parseAction(value: unknown, where: string): DeltaAction | null {
  const o = asObject(value, where, "action");
  if (isPresent(o.add)) return { kind: "add", add: parseAdd(asObject(o.add, where, "add"), where) };
  if (isPresent(o.remove)) {
    return { kind: "remove", remove: parseRemove(asObject(o.remove, where, "remove"), where) };
  }
  if (isPresent(o.metaData)) return { kind: "metaData", metadata: parseMetadata(asObject(o.metaData, where, "metaData"), where) };
  if (isPresent(o.protocol)) {
    const p = asObject(o.protocol, where, "protocol");
    return {
      kind: "protocol",
      protocol: {
        minReaderVersion: num(p.minReaderVersion, where, "protocol.minReaderVersion"),
        minWriterVersion: num(p.minWriterVersion, where, "protocol.minWriterVersion"),
        readerFeatures: optStrings(p.readerFeatures),
        writerFeatures: optStrings(p.writerFeatures),
      },
    };
  }
  if (isPresent(o.txn)) {
    const t = asObject(o.txn, where, "txn");
    return {
      kind: "txn",
      txn: { appId: str(t.appId, where, "txn.appId"), version: num(t.version, where, "txn.version"), lastUpdated: optNum(t.lastUpdated) },
    };
  }
  return null;
}

/**
 * Converts a value read from a checkpoint (bigints, `Map`s, nested objects) into the JSON-like shape
 * {@link parseAction} accepts: bigints become numbers, maps become objects.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of value) o[String(k)] = toPlain(v);
    return o;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = toPlain(v);
    return o;
  }
  return value;
}

function parseAdd(a: Record<string, unknown>, where: string): AddFile {
  const pv = asObject(a.partitionValues ?? {}, where, "add.partitionValues");
  const partitionValues: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(pv)) partitionValues[k] = v === null || v === undefined ? null : String(v);
  return {
    path: str(a.path, where, "add.path"),
    partitionValues,
    size: num(a.size, where, "add.size"),
    modificationTime: optNum(a.modificationTime) ?? 0,
    dataChange: a.dataChange !== false,
    stats: typeof a.stats === "string" ? a.stats : undefined,
    deletionVector: isPresent(a.deletionVector) ? a.deletionVector : undefined,
  };
}

function parseRemove(r: Record<string, unknown>, where: string): RemoveFile {
  // Optional fields are left out (not `undefined`) so a remove written back to JSON stays minimal.
  const out: { -readonly [K in keyof RemoveFile]: RemoveFile[K] } = { path: str(r.path, where, "remove.path"), dataChange: r.dataChange !== false };
  const ts = optNum(r.deletionTimestamp);
  if (ts !== undefined) out.deletionTimestamp = ts;
  if (typeof r.extendedFileMetadata === "boolean") out.extendedFileMetadata = r.extendedFileMetadata;
  if (isPresent(r.partitionValues)) {
    const pv = asObject(r.partitionValues, where, "remove.partitionValues");
    const values: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(pv)) values[k] = v === null || v === undefined ? null : String(v);
    out.partitionValues = values;
  }
  const size = optNum(r.size);
  if (size !== undefined) out.size = size;
  if (typeof r.stats === "string") out.stats = r.stats;
  if (isPresent(r.tags)) {
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(asObject(r.tags, where, "remove.tags"))) if (v !== null && v !== undefined) tags[k] = String(v);
    out.tags = tags;
  }
  return out;
}

function parseMetadata(m: Record<string, unknown>, where: string): DeltaMetadataAction {
  const conf = asObject(m.configuration ?? {}, where, "metaData.configuration");
  const configuration: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf)) if (v !== null && v !== undefined) configuration[k] = String(v);
  const cols = m.partitionColumns ?? [];
  if (!Array.isArray(cols)) throw new SourceError(`delta log: metaData.partitionColumns is not an array in ${where}`, { path: where });
  return {
    id: str(m.id, where, "metaData.id"),
    schemaString: str(m.schemaString, where, "metaData.schemaString"),
    partitionColumns: cols.map(String),
    configuration,
    createdTime: optNum(m.createdTime),
  };
}

function isPresent(v: unknown): boolean {
  return v !== null && v !== undefined;
}

function asObject(v: unknown, where: string, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new SourceError(`delta log: ${what} is not an object in ${where}`, { path: where });
  }
  return v as Record<string, unknown>;
}

function str(v: unknown, where: string, what: string): string {
  if (typeof v !== "string") throw new SourceError(`delta log: ${what} is missing or not a string in ${where}`, { path: where });
  return v;
}

function num(v: unknown, where: string, what: string): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "number") throw new SourceError(`delta log: ${what} is missing or not a number in ${where}`, { path: where });
  return v;
}

function optNum(v: unknown): number | undefined {
  if (typeof v === "bigint") return Number(v);
  return typeof v === "number" ? v : undefined;
}

function optStrings(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}
