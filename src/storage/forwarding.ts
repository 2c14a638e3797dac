/**
 * Storage wrappers: {@link ForwardingStorage} passes every call to an inner storage (subclasses
 * override what they change: fault injection in tests, instrumentation), and
 * {@link CountingStorage} counts calls and listed entries, the measure that per-batch work must
 * not grow with a log's history.
 */
import type { ByteRange, ListOptions, ObjectInfo, ObjectWriter, PutOptions, Storage } from "./storage.js";

/** A storage that forwards every call to `inner`, under the same root. */
export class ForwardingStorage implements Storage {
  readonly root: string;

  constructor(readonly inner: Storage) {
    this.root = inner.root;
  }

  get(path: string, range?: ByteRange): Promise<Uint8Array> {
    return this.inner.get(path, range);
  }

  head(path: string): Promise<ObjectInfo | null> {
    return this.inner.head(path);
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  list(prefix: string, options?: ListOptions): Promise<ObjectInfo[]> {
    return this.inner.list(prefix, options);
  }

  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.inner.put(path, data, options);
  }

  createWriter(path: string): ObjectWriter {
    return this.inner.createWriter(path);
  }

  delete(path: string): Promise<void> {
    return this.inner.delete(path);
  }
}

/**
 * Counters of a {@link CountingStorage}; `listedEntries` is the number of objects listings
 * returned, and `head` counts `exists` calls too (both are one metadata request).
 */
export interface StorageCallCounts {
  get: number;
  head: number;
  list: number;
  listedEntries: number;
  put: number;
  createWriter: number;
  delete: number;
}

/** A storage that counts the calls made through it (and what listings returned), per method. */
export class CountingStorage extends ForwardingStorage {
  /** The counts so far; {@link reset} zeroes them. */
  readonly counts: StorageCallCounts = zeroCounts();
  /** Keys listed, by listing prefix, when `trackPrefixes` is on: what a listing cost and where. */
  readonly listedByPrefix = new Map<string, number>();

  constructor(
    inner: Storage,
    private readonly trackPrefixes = false,
  ) {
    super(inner);
  }

  /** The total number of storage calls. */
  get calls(): number {
    const c = this.counts;
    return c.get + c.head + c.list + c.put + c.createWriter + c.delete;
  }

  /** A copy of the counts, then zeroes them. */
  reset(): StorageCallCounts {
    const copy = { ...this.counts };
    Object.assign(this.counts, zeroCounts());
    this.listedByPrefix.clear();
    return copy;
  }

  override get(path: string, range?: ByteRange): Promise<Uint8Array> {
    this.counts.get++;
    return super.get(path, range);
  }

  override head(path: string): Promise<ObjectInfo | null> {
    this.counts.head++;
    return super.head(path);
  }

  override exists(path: string): Promise<boolean> {
    this.counts.head++;
    return super.exists(path);
  }

  override async list(prefix: string, options?: ListOptions): Promise<ObjectInfo[]> {
    this.counts.list++;
    const out = await super.list(prefix, options);
    this.counts.listedEntries += out.length;
    if (this.trackPrefixes) this.listedByPrefix.set(prefix, (this.listedByPrefix.get(prefix) ?? 0) + out.length);
    return out;
  }

  override put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    this.counts.put++;
    return super.put(path, data, options);
  }

  override createWriter(path: string): ObjectWriter {
    this.counts.createWriter++;
    return super.createWriter(path);
  }

  override delete(path: string): Promise<void> {
    this.counts.delete++;
    return super.delete(path);
  }
}

function zeroCounts(): StorageCallCounts {
  return { get: 0, head: 0, list: 0, listedEntries: 0, put: 0, createWriter: 0, delete: 0 };
}
