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

/** Options of {@link Storage.list}. */
export interface ListOptions {
  /**
   * Only keys that sort strictly after this one (UTF-8 byte order), as S3's ListObjectsV2
   * `StartAfter`: it need not name an existing object. Backends skip what sorts before it without
   * reading it where they can (S3 server side; local: no `stat` of skipped files, no walk of
   * skipped folders), so a listing from a known position costs what it returns, not what precedes it.
   */
  readonly startAfter?: string;
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
   * Whether `path` names an object or a folder: some object's key starts with `path/`, or (on a
   * file system) a directory exists there, empty or not. For "does the user's path exist" checks;
   * the empty key (the root) always exists.
   */
  exists(path: string): Promise<boolean>;
  /**
   * {@link exists} answered in the calling thread, offered only by storages whose answer costs no
   * network round trip (a local file system's stat, a memory map); remote storages leave it out.
   * `load()` is synchronous, as in Spark: with it, a source checks its path where it is defined
   * instead of through a blocking call to a worker thread (~0.1 s to start one).
   */
  existsNow?(path: string): boolean;
  /**
   * Every object whose key starts with `prefix` (recursively), sorted by key in UTF-8 byte order.
   * A prefix ending in `/` lists a folder; an empty prefix lists everything. A prefix matching
   * nothing gives `[]`, not an error. Backends' own temporary files are never listed.
   */
  list(prefix: string, options?: ListOptions): Promise<ObjectInfo[]>;
  /**
   * Writes an object. Readers never see a partial object: the write is atomic. With
   * `ifNotExists`, fails with `AlreadyExistsError` when the key exists, and never overwrites it.
   */
  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  /**
   * Starts writing a large object in chunks (a multipart upload on S3). Nothing is visible at
   * `path` until {@link ObjectWriter.close} publishes the whole object atomically, replacing any
   * object there; {@link ObjectWriter.abort} (or a crash) leaves no object and nothing listed.
   * Validates the key at once (`StorageError`).
   */
  createWriter(path: string): ObjectWriter;
  /** Deletes an object; deleting an absent object succeeds (idempotent). */
  delete(path: string): Promise<void>;
}

/**
 * A large object being written; see {@link Storage.createWriter}. Calls must not overlap: await
 * each `write` before the next call. After `close` or `abort` every call but `abort` throws
 * `StorageError`; `abort` is idempotent and never throws for I/O.
 */
export interface ObjectWriter {
  /** The object's key. */
  readonly path: string;
  /** Bytes accepted so far. */
  readonly bytesWritten: number;
  /** Appends a chunk. The writer does not keep a reference to it after the promise resolves. */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Appends chunks in order, as that many `write` calls would, in as few operations as the
   * storage allows (one vectored write on local disk): for a file produced as many small pieces.
   */
  writev(chunks: readonly Uint8Array[]): Promise<void>;
  /** Publishes the object atomically and returns its metadata. */
  close(): Promise<ObjectInfo>;
  /** Drops the object; nothing is published. */
  abort(): Promise<void>;
}
