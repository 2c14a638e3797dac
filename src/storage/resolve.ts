/**
 * Turns a user's location (`path` option, `checkpointLocation`, `load(path)`) into a storage and a
 * key. One table maps URL schemes to backends; a scheme is added by adding a row.
 */
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, suggestion } from "../errors.js";
import type { Storage } from "./storage.js";
import { LocalStorage } from "./local.js";
import { MemoryStorage } from "./memory.js";
import { S3Storage } from "./s3/s3-storage.js";
import { currentS3Settings } from "./s3/s3-settings.js";

export { fileUrlOf, toDisplayUrl } from "./url.js";

/** A location: the storage holding it and its key there (no leading or trailing `/`; `""` is the root). */
export interface ResolvedLocation {
  readonly storage: Storage;
  readonly key: string;
}

export interface ResolveOptions {
  /** Folder that relative paths are resolved against. Default: `process.cwd()`. */
  cwd?: string;
}

/**
 * Resolves a location URL or path:
 * - `/abs/path`, `relative/path` (against the working directory), `file:///abs`, `file:/abs`
 *   (Hadoop's form, as Spark writes it) → the local file system, rooted at `/`, key = the path
 *   without its leading `/`; `file:` URLs are percent-decoded.
 * - `memory://name/key` → the registered {@link MemoryStorage} `name` (same name, same instance).
 * - `s3://bucket/key`, `s3a://bucket/key` (as Glue and EMR scripts write it) → the {@link S3Storage}
 *   of the bucket, with this thread's S3 settings (see `s3/s3-settings.ts`); one instance per bucket
 *   while the settings stay the same.
 * Other schemes, empty locations and `file://host/…` with a remote host are a `ConfigError`.
 */
export function resolveLocation(url: string, options: ResolveOptions = {}): ResolvedLocation {
  if (url.trim() === "") throw new ConfigError(`storage: empty location ${JSON.stringify(url)}`);
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (m === null) return localLocation(resolvePath(options.cwd ?? process.cwd(), url));
  const scheme = m[1].toLowerCase();
  const resolver = schemes[scheme];
  if (resolver === undefined) {
    throw new ConfigError(
      `storage: unsupported URL scheme '${scheme}' in ${JSON.stringify(url)}; supported: ${Object.keys(schemes).join(", ")}${suggestion(scheme, Object.keys(schemes))}`,
    );
  }
  return resolver(url);
}

/** `key` as a folder prefix for `list`: `key + "/"`, or `""` for the root. */
export function folderPrefix(key: string): string {
  return key === "" || key.endsWith("/") ? key : key + "/";
}

/** The local file system, rooted at `/`; shared by every local location. */
export function localFileSystem(): LocalStorage {
  localRoot ??= new LocalStorage("/");
  return localRoot;
}

let localRoot: LocalStorage | undefined;

/**
 * Test and benchmark hook, not for jobs: until the returned function is called, every local
 * location {@link resolveLocation} resolves in this thread is in `wrap(localFileSystem())` (e.g.
 * a `CountingStorage`, to measure what a query asks of storage). The wrapper must keep the local
 * root (`storage.root`), so the URLs written into logs stay `file:` URLs. Worker threads resolve
 * locations on their own and are not routed. Routes do not nest: a second call replaces the first.
 * @throws ConfigError when the wrapper changes the root.
 */
export function routeLocalStorage(wrap: (local: LocalStorage) => Storage): () => void {
  const local = localFileSystem();
  const routed = wrap(local);
  if (routed.root !== local.root) {
    throw new ConfigError(`storage: a route for local locations must keep the root ${local.root}, got ${routed.root}`);
  }
  localRoute = routed;
  return () => {
    if (localRoute === routed) localRoute = null;
  };
}

let localRoute: Storage | null = null;

const schemes: Record<string, (url: string) => ResolvedLocation> = {
  file: fileLocation,
  memory: memoryLocation,
  s3: s3Location,
  s3a: s3Location,
};

function fileLocation(url: string): ResolvedLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigError(`storage: malformed file URL ${JSON.stringify(url)}`, { cause });
  }
  if (parsed.hostname !== "" && parsed.hostname !== "localhost") {
    throw new ConfigError(`storage: file URL ${JSON.stringify(url)} names host '${parsed.hostname}'; only local files are supported`);
  }
  parsed.hostname = "";
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch (cause) {
    throw new ConfigError(`storage: malformed file URL ${JSON.stringify(url)}`, { cause });
  }
  return localLocation(path);
}

function localLocation(absolutePath: string): ResolvedLocation {
  return { storage: localRoute ?? localFileSystem(), key: trimSlashes(resolvePath(absolutePath)) };
}

function memoryLocation(url: string): ResolvedLocation {
  const m = /^memory:\/\/([^/]*)(.*)$/i.exec(url);
  if (m === null || m[1] === "") {
    throw new ConfigError(`storage: memory URL ${JSON.stringify(url)} must look like memory://<name>/<key>`);
  }
  return { storage: MemoryStorage.named(m[1]), key: trimSlashes(m[2]) };
}

function s3Location(url: string): ResolvedLocation {
  const m = /^s3a?:\/\/([^/?#]*)([^?#]*)$/i.exec(url);
  if (m === null || m[1] === "") {
    throw new ConfigError(`storage: S3 URL ${JSON.stringify(url)} must look like s3://<bucket>/<key>`);
  }
  const bucket = m[1];
  const { settings, generation } = currentS3Settings();
  if (generation !== s3Generation) {
    s3Buckets.clear();
    s3Generation = generation;
  }
  let storage = s3Buckets.get(bucket);
  if (storage === undefined) {
    storage = new S3Storage(bucket, settings);
    s3Buckets.set(bucket, storage);
  }
  return { storage, key: trimSlashes(m[2]) };
}

const s3Buckets = new Map<string, S3Storage>();
let s3Generation = -1;

function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 47) start++;
  while (end > start && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(start, end);
}
