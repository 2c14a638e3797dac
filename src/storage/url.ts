/**
 * URLs naming objects of a {@link Storage}: a readable form for messages, and the canonical
 * (percent-encoded) form that log entries store and {@link resolveLocation} parses back.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Storage } from "./storage.js";

/**
 * A human-readable URL of `key` in `storage`, for messages and progress: the storage root joined
 * with the key, not percent-encoded (`file:///data/my lake/x`, `memory://t/a/b`).
 */
export function toDisplayUrl(storage: Storage, key: string): string {
  const root = storage.root;
  if (key === "") return root;
  return root.endsWith("/") ? root + key : root + "/" + key;
}

/**
 * The canonical URL of `key` in `storage`, as Spark writes paths into its logs: for local storage a
 * percent-encoded `file:///abs/path` URL (spaces become `%20`), for other storages the root joined
 * with the key. `resolveLocation(fileUrlOf(s, k))` names the same object again.
 */
export function fileUrlOf(storage: Storage, key: string): string {
  const root = storage.root;
  if (!root.startsWith("file:")) return toDisplayUrl(storage, key);
  const rootPath = fileURLToPath(root);
  const full = key === "" ? rootPath : rootPath.endsWith("/") ? rootPath + key : rootPath + "/" + key;
  return pathToFileURL(full).href;
}

/**
 * The key in `storage` of the object a canonical URL names (the inverse of {@link fileUrlOf};
 * Hadoop's `file:/abs` form is accepted too), or null when the URL is not under the storage's root.
 */
export function keyOfUrl(storage: Storage, url: string): string | null {
  const root = storage.root;
  if (root.startsWith("file:")) {
    if (!url.startsWith("file:")) return null;
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      return null;
    }
    const rootPath = fileURLToPath(root);
    const prefix = rootPath.endsWith("/") ? rootPath : rootPath + "/";
    return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : null;
  }
  const prefix = root.endsWith("/") ? root : root + "/";
  // Hadoop's s3a:// names the same objects as s3:// (S3 storages are rooted at s3://bucket).
  const same = root.startsWith("s3://") && /^s3a:\/\//i.test(url) ? "s3://" + url.slice(6) : url;
  return same.startsWith(prefix) && same.length > prefix.length ? same.slice(prefix.length) : null;
}
