/**
 * Finding a file source's data files, as Spark's `InMemoryFileIndex` does for a streaming file
 * source:
 * - the path may hold glob segments (`landing/*\/2024-*`): Hadoop glob syntax (`*`, `?`, `[ab]`,
 *   `[^a]`, `{a,b}`, `\` escapes), each segment matching one path level;
 * - everything below the folder (or below each glob match) is listed recursively: Spark lists leaf
 *   files in every sub-folder, whether or not `recursiveFileLookup` is set (that option only turns
 *   off partition discovery);
 * - hidden names are skipped at every level below the folder: names starting with `_` (unless they
 *   contain `=`, like `_a=1`) or `.`, and names ending in `._COPYING_`;
 * - `pathGlobFilter` is a glob on the file name alone;
 * - `k=v` folder names are partition values (unless `recursiveFileLookup`), percent-unescaped as
 *   Hive does, `__HIVE_DEFAULT_PARTITION__` meaning null.
 */
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, resolveLocation } from "../../storage/resolve.js";
import { fileUrlOf } from "../../storage/url.js";
import { ConfigError } from "../../errors.js";

/** A data file found by listing. */
export interface ListedFile {
  /** Key in the source's storage. */
  readonly key: string;
  /** Canonical URL, as written to the source log (`file:///abs/landing/f1.json`). */
  readonly url: string;
  readonly size: number;
  readonly modificationTime: number;
}

/** Where a file source looks: the folder before any glob segment, and the glob segments after it. */
export interface SourceLocation {
  readonly storage: Storage;
  /** Key of the folder (no trailing `/`; `""` for the storage root). */
  readonly key: string;
  /** One pattern per glob segment of the path (empty when the path has no glob). */
  readonly patterns: readonly RegExp[];
  /** The path as the user gave it, for messages. */
  readonly display: string;
}

const GLOB_CHARS = /[*?[{]/;

/** Splits `path` at its first glob segment and resolves the folder before it. */
export function resolveSourceLocation(path: string): SourceLocation {
  const parts = path.split("/");
  const g = parts.findIndex((p) => GLOB_CHARS.test(p));
  if (g < 0) {
    const { storage, key } = resolveLocation(path);
    return { storage, key, patterns: [], display: path };
  }
  let base = parts.slice(0, g).join("/");
  // `file:///*` or `memory://name/*`: keep the scheme's slashes.
  if (base === "" || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/*$/.test(base)) base = base === "" ? "." : base + "/";
  const patterns = parts
    .slice(g)
    .filter((p) => p !== "")
    .map((p) => globToRegExp(p, "path"));
  const { storage, key } = resolveLocation(base);
  return { storage, key, patterns, display: path };
}

/**
 * Hadoop's glob for one path segment as an anchored RegExp: `*` any run of characters, `?` one
 * character, `[...]`/`[^...]`/`[!...]` a class, `{a,b}` alternatives, `\x` a literal x.
 * Throws {@link ConfigError} naming `option` for an unbalanced `[` or `{`.
 */
export function globToRegExp(glob: string, option: string): RegExp {
  let re = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\" && i + 1 < glob.length) {
      re += escapeRe(glob[++i]);
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) throw new ConfigError(`file source: option '${option}' has an unclosed '[' in ${JSON.stringify(glob)}`, { option });
      let body = glob.slice(i + 1, close);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      re += "[" + body.replace(/\\/g, "\\\\") + "]";
      i = close;
    } else if (c === "{") {
      depth++;
      re += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      re += ")";
    } else if (c === "," && depth > 0) re += "|";
    else re += escapeRe(c);
  }
  if (depth !== 0) throw new ConfigError(`file source: option '${option}' has an unclosed '{' in ${JSON.stringify(glob)}`, { option });
  return new RegExp("^" + re + "$", "s");
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Spark's `shouldFilterOutPathName`: hidden and in-progress names. */
export function isHiddenName(name: string): boolean {
  const exclude = (name.startsWith("_") && !name.includes("=")) || name.startsWith(".") || name.endsWith("._COPYING_");
  const include = name.startsWith("_common_metadata") || name.startsWith("_metadata");
  return exclude && !include;
}

/** Every data file under `loc` (with `startAfter`: whose key sorts after it), sorted by key (the storage's listing order). */
export async function listDataFiles(loc: SourceLocation, nameFilter: RegExp | null, startAfter?: string): Promise<ListedFile[]> {
  const prefix = folderPrefix(loc.key);
  const out: ListedFile[] = [];
  for (const info of await loc.storage.list(prefix, startAfter === undefined ? {} : { startAfter })) {
    if (!isDataFileKey(loc, info.path.slice(prefix.length), nameFilter)) continue;
    out.push({ key: info.path, url: fileUrlOf(loc.storage, info.path), size: info.size, modificationTime: info.modificationTime });
  }
  if (out.length === 0 && loc.patterns.length === 0 && loc.key !== "" && startAfter === undefined) {
    // The path names one file (`spark.read.json("/data/types.json")`), as Spark accepts.
    const info = await loc.storage.head(loc.key);
    if (info !== null) out.push({ key: info.path, url: fileUrlOf(loc.storage, info.path), size: info.size, modificationTime: info.modificationTime });
  }
  return out;
}


/** Whether `rel` (a key relative to the folder of `loc`) is one of its data files. */
function isDataFileKey(loc: SourceLocation, rel: string, nameFilter: RegExp | null): boolean {
  const np = loc.patterns.length;
  const segs = rel.split("/");
  if (segs.length < np) return false;
  for (let i = 0; i < segs.length; i++) if (!segmentAllowed(loc, i, segs[i])) return false;
  const name = segs[segs.length - 1];
  if (np === segs.length && isHiddenName(name)) return false;
  return nameFilter === null || nameFilter.test(name);
}

/** Whether the path segment `name` at depth `depth` below the folder may lead to data files. */
function segmentAllowed(loc: SourceLocation, depth: number, name: string): boolean {
  return depth < loc.patterns.length ? loc.patterns[depth].test(name) : !isHiddenName(name);
}

