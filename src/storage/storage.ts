/**
 * The storage contract every backend (memory, local, S3) implements and proves with the shared
 * contract suite in `test/contract/storage.contract.ts`.
 *
 * Paths are keys relative to the storage's root, `/`-separated, never starting with `/`, and are not
 * POSIX paths: backends map them (local: joined under a root folder; S3: prefixed keys).
 * A key is non-empty, has no empty, `.` or `..` segments and no trailing `/`; every method rejects
 * other keys with `StorageError` (see `keys.ts`), so no key can escape the root.
 */

export interface ObjectInfo {
  /** Key relative to the storage root. */
  readonly path: string;
  readonly size: number;
  /** Last modification, milliseconds since the epoch. */
  readonly modificationTime: number;
}

/**
 * A byte range of an object. An `end` past the object's size is clamped to it (a `start` at or past
 * the size gives an empty result); a negative `start` or an `end` before `start` is a `StorageError`.
 */
export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, exclusive. */
  readonly end: number;
}

export interface PutOptions {
  /** Fail with `AlreadyExistsError` (atomically: exactly one concurrent caller wins) if the key exists. */
  readonly ifNotExists?: boolean;
}

export interface Storage {
  /** A URL naming the root, e.g. `file:///data/lake` or `memory://test`. Never contains credentials. */
  readonly root: string;
  /** Reads an object (or a byte range of it). Throws `NotFoundError` if absent. */
  get(path: string, range?: ByteRange): Promise<Uint8Array>;
  /** Object metadata, or `null` if absent. */
  head(path: string): Promise<ObjectInfo | null>;
  /**
   * Every object whose key starts with `prefix` (recursively), sorted by key in UTF-8 byte order.
   * A prefix ending in `/` lists a folder; an empty prefix lists everything. A prefix matching
   * nothing gives `[]`, not an error. Backends' own temporary files are never listed.
   */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * Writes an object. Readers never see a partial object: the write is atomic. With
   * `ifNotExists`, fails with `AlreadyExistsError` when the key exists, and never overwrites it.
   */
  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  /** Deletes an object; deleting an absent object succeeds (idempotent). */
  delete(path: string): Promise<void>;
}
