/**
 * Hive-style partition folders, as Spark writes and reads them: `name=value/` per partition
 * column, names and values escaped with Hive's `escapePathName`, and a null partition value (which
 * an empty string also is) written as `__HIVE_DEFAULT_PARTITION__`.
 */
import { folderPrefix } from "../../storage/resolve.js";

/** Spark's folder name for a null (or empty) partition value. */
export const HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

const ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\u007f", "{", "[", "]", "^"]);

/** Hive/Spark partition path escaping (`ExternalCatalogUtils.escapePathName`). */
export function escapePathName(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || ESCAPED.has(ch)) out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

/** Hive's `unescapePathName`: `%XX` → the character. */
export function unescapePathName(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The folder of a partition, `a=1/b=x%3Ay/` (empty for no partition columns): `values[i]` is the
 * serialized value of column `names[i]`, null for the null partition.
 */
export function partitionFolder(names: readonly string[], values: readonly (string | null)[], nullText: string = HIVE_DEFAULT_PARTITION): string {
  let dir = "";
  for (let i = 0; i < names.length; i++) {
    const v = values[i];
    dir += `${escapePathName(names[i])}=${v === null ? nullText : escapePathName(v)}/`;
  }
  return dir;
}

/**
 * Partition values from the `k=v` folders in `key` below the folder `baseKey` (Hive escaping
 * undone; `__HIVE_DEFAULT_PARTITION__` → null), in folder order. Later folders win on a repeated name.
 */
export function partitionValuesOf(baseKey: string, key: string): Map<string, string | null> {
  const prefix = folderPrefix(baseKey);
  const rel = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const segs = rel.split("/");
  const out = new Map<string, string | null>();
  for (let i = 0; i < segs.length - 1; i++) {
    const eq = segs[i].indexOf("=");
    if (eq <= 0) continue;
    const name = unescapePathName(segs[i].slice(0, eq));
    const value = unescapePathName(segs[i].slice(eq + 1));
    out.set(name, value === HIVE_DEFAULT_PARTITION ? null : value);
  }
  return out;
}
