/**
 * A source's schema, resolved once when `load()` defines the DataFrame and stored in its plan
 * node. Spark's `load()` is synchronous, and a DataFrame is analysed at every builder call, so the
 * schema must be known there; but reading it may need storage (a Delta log, a Parquet footer, that
 * a path exists), which is asynchronous and, on S3, remote. Such a source's
 * `SourceConnector.resolveSchema` runs in the blocking-call worker (`blocking-call.ts`) while this
 * thread waits; a source whose schema needs no I/O answers from `staticSchema` in this thread.
 *
 * `memory://` storage lives in this thread's heap: the objects under the locations the options
 * name are copied to the worker for the call. S3 settings are per thread: this thread's are sent
 * along, so `s3://` locations resolve in the worker as they do here.
 */
import { InternalError } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import { isStruct } from "../types/data-types.js";
import { schemaFromJson, schemaToJson } from "../types/json-schema.js";
import { MemoryStorage } from "../storage/memory.js";
import type { MemoryObjectCopy } from "../storage/memory.js";
import { resolveLocation } from "../storage/resolve.js";
import { configureS3, currentS3Conf } from "../storage/s3/s3-settings.js";
import { registerBuiltinConnectors } from "../connectors/builtin.js";
import type { Options } from "../connectors/registry.js";
import { sourceConnector } from "../connectors/registry.js";
import { blockingCall } from "./blocking-call.js";

/**
 * The schema of `format` read with `options` and the user's schema: validates the options in this
 * thread, then reads storage in the blocking-call worker if the format needs it.
 * @throws the connector's ConfigError / AnalysisError / StorageError (same classes as thrown there).
 */
export function resolveSourceSchema(format: string, options: Options, userSchema: StructType | null, streaming: boolean): StructType {
  const connector = sourceConnector(format);
  const known = connector.staticSchema(options, userSchema, { streaming });
  if (known !== null) return known;
  if (connector.resolveSchema === undefined) {
    throw new InternalError(`load: source '${format}' has no static schema and no resolveSchema`);
  }
  const json = blockingCall("resolveSourceSchema", {
    format,
    options,
    userSchemaJson: userSchema === null ? null : schemaToJson(userSchema),
    streaming,
    memory: memoryCopies(options),
    s3Conf: currentS3Conf(),
  });
  return toStruct(json, format);
}

/** A request of {@link resolveSourceSchemaTask}: plain values, so it can cross threads. */
export interface SourceSchemaRequest {
  readonly format: string;
  readonly options: Options;
  readonly userSchemaJson: string | null;
  readonly streaming: boolean;
  /** Objects of the `memory://` storages the options name, to restore in the worker. */
  readonly memory: readonly MemoryLocationCopy[];
  /** This thread's S3 session settings ({@link currentS3Conf}). */
  readonly s3Conf: Readonly<Record<string, string>>;
}

/** The objects under `prefix` of the memory storage `name`. */
export interface MemoryLocationCopy {
  readonly name: string;
  readonly prefix: string;
  readonly objects: readonly MemoryObjectCopy[];
}

/** The blocking-call task: runs the connector's `resolveSchema` and returns the schema as Spark JSON. */
export async function resolveSourceSchemaTask(req: SourceSchemaRequest): Promise<string> {
  registerBuiltinConnectors();
  for (const m of req.memory) MemoryStorage.named(m.name).restoreSync(m.prefix, m.objects);
  configureS3(req.s3Conf);
  const connector = sourceConnector(req.format);
  if (connector.resolveSchema === undefined) throw new InternalError(`load: source '${req.format}' has no resolveSchema`);
  const userSchema = req.userSchemaJson === null ? null : toStruct(req.userSchemaJson, req.format);
  return schemaToJson(await connector.resolveSchema(req.options, userSchema, { streaming: req.streaming }));
}

function toStruct(json: string, format: string): StructType {
  const schema = schemaFromJson(json);
  if (!isStruct(schema)) throw new InternalError(`load: the schema of source '${format}' is not a struct: ${json.slice(0, 200)}`);
  return schema;
}

/** Copies of what `memory://` option values name (up to any glob character), for the worker. */
function memoryCopies(options: Options): MemoryLocationCopy[] {
  const out: MemoryLocationCopy[] = [];
  for (const value of Object.values(options)) {
    if (!/^memory:\/\//i.test(value)) continue;
    const glob = value.search(/[*?[{]/);
    const { storage, key } = resolveLocation(glob < 0 ? value : value.slice(0, glob));
    if (!(storage instanceof MemoryStorage)) continue;
    out.push({ name: storage.name, prefix: key, objects: storage.snapshotPrefixSync(key) });
  }
  return out;
}
