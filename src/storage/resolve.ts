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
 * - `s3://`, `s3a://` → `ConfigError` for now (the S3 backend is not there yet).
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

// The S3 backend arrives in a later issue: it slots in here as `S3Storage` keyed by bucket.
function s3Location(url: string): ResolvedLocation {
  throw new ConfigError(`storage: s3 is not available yet (location ${JSON.stringify(url)})`);
}

function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 47) start++;
  while (end > start && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(start, end);
}
