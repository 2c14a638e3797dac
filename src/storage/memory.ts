/**
 * An in-process {@link Storage} for tests and the `memory` formats: objects live in a map, named
 * storages are shared through a process-wide registry so `memory://<name>` resolves to one instance.
 */
import { AlreadyExistsError, ConfigError, NotFoundError } from "../errors.js";
import type { ByteRange, ListOptions, ObjectInfo, ObjectWriter, PutOptions, Storage } from "./storage.js";
import { StorageError } from "../errors.js";
import { checkKey, checkRange, compareUtf8 } from "./keys.js";
import { toDisplayUrl } from "./url.js";

interface Entry {
  readonly data: Uint8Array;
  readonly modificationTime: number;
}

/** An object of a memory storage as {@link MemoryStorage.snapshotPrefixSync} copies it out. */
export interface MemoryObjectCopy {
  /** Its key. */
  readonly path: string;
  /** A copy of its bytes (the caller owns it). */
  readonly data: Uint8Array;
  /** ms since the epoch, as `head`/`list` report it. */
  readonly modificationTime: number;
}

const registry = new Map<string, MemoryStorage>();
let anonymousCount = 0;

/** A storage held in memory. Root `memory://<name>`; objects are copied in and out. */
export class MemoryStorage implements Storage {
  readonly root: string;
  readonly name: string;
  private readonly objects = new Map<string, Entry>();

  private constructor(name: string) {
    this.name = name;
    this.root = "memory://" + name;
  }

  /** The storage named `name`, created on first use; the same instance for the same name. */
  static named(name: string): MemoryStorage {
    if (name === "" || /[/\\?#\s]/.test(name)) {
      throw new ConfigError(`memory storage: invalid name ${JSON.stringify(name)}; use letters, digits, '-', '_' or '.'`);
    }
    let s = registry.get(name);
    if (s === undefined) {
      s = new MemoryStorage(name);
      registry.set(name, s);
    }
    return s;
  }

  /** A new, empty storage with a unique registered name (`anon-<n>`, or `<hint>-<n>`). */
  static fresh(hint = "anon"): MemoryStorage {
    for (;;) {
      const name = `${hint}-${++anonymousCount}`;
      if (!registry.has(name)) return MemoryStorage.named(name);
    }
  }

  /** Removes `name` from the registry (its objects are dropped once no one holds the instance). */
  static forget(name: string): void {
    registry.delete(name);
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    checkKey(path, this.root);
    const e = this.objects.get(path);
    if (e === undefined) throw new NotFoundError(`memory storage: no object at ${toDisplayUrl(this, path)}`, { path: toDisplayUrl(this, path) });
    if (range === undefined) return e.data.slice();
    const { start, end } = checkRange(range, e.data.length, toDisplayUrl(this, path));
    return e.data.slice(start, end);
  }

  async head(path: string): Promise<ObjectInfo | null> {
    checkKey(path, this.root);
    const e = this.objects.get(path);
    return e === undefined ? null : { path, size: e.data.length, modificationTime: e.modificationTime };
  }

  async exists(path: string): Promise<boolean> {
    return this.existsNow(path);
  }

  existsNow(path: string): boolean {
    if (path === "") return true;
    checkKey(path, this.root);
    if (this.objects.has(path)) return true;
    const folder = path + "/";
    for (const key of this.objects.keys()) if (key.startsWith(folder)) return true;
    return false;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const after = options.startAfter;
    for (const [path, e] of this.objects) {
      if (path.startsWith(prefix) && (after === undefined || compareUtf8(path, after) > 0)) out.push({ path, size: e.data.length, modificationTime: e.modificationTime });
    }
    return out.sort((a, b) => compareUtf8(a.path, b.path));
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    checkKey(path, this.root);
    // Check and set happen in one synchronous step, so concurrent put-if-absent calls have one winner.
    if (options.ifNotExists === true && this.objects.has(path)) {
      throw new AlreadyExistsError(`memory storage: object already exists at ${toDisplayUrl(this, path)}`, { path: toDisplayUrl(this, path) });
    }
    this.objects.set(path, { data: data.slice(), modificationTime: Date.now() });
  }

  /**
   * The objects whose key starts with `prefix`, copied (bytes included) synchronously and sorted
   * by key as `list` sorts them. For callers that must hand a memory storage's content to another
   * thread without awaiting (a memory storage lives in one thread's heap): the copy is consistent,
   * no write can interleave with it.
   */
  snapshotPrefixSync(prefix: string): MemoryObjectCopy[] {
    const out: MemoryObjectCopy[] = [];
    for (const [path, e] of this.objects) {
      if (path.startsWith(prefix)) out.push({ path, data: e.data.slice(), modificationTime: e.modificationTime });
    }
    return out.sort((a, b) => compareUtf8(a.path, b.path));
  }

  createWriter(path: string): ObjectWriter {
    checkKey(path, this.root);
    const chunks: Uint8Array[] = [];
    let state: "open" | "closed" | "aborted" = "open";
    const check = (op: string): void => {
      if (state !== "open") {
        throw new StorageError(`memory storage: cannot ${op} ${toDisplayUrl(this, path)}: the writer is already ${state}`, { path: toDisplayUrl(this, path) });
      }
    };
    const writer: ObjectWriter = {
      path,
      bytesWritten: 0,
      write: async (chunk) => {
        check("write");
        chunks.push(chunk.slice());
        (writer as { bytesWritten: number }).bytesWritten += chunk.length;
      },
      writev: async (list) => {
        for (const c of list) await writer.write(c);
      },
      close: async () => {
        check("close");
        state = "closed";
        const data = new Uint8Array(writer.bytesWritten);
        let at = 0;
        for (const c of chunks) {
          data.set(c, at);
          at += c.length;
        }
        chunks.length = 0;
        const modificationTime = Date.now();
        this.objects.set(path, { data, modificationTime });
        return { path, size: data.length, modificationTime };
      },
      abort: async () => {
        if (state === "open") state = "aborted";
        chunks.length = 0;
      },
    };
    return writer;
  }

  /**
   * Replaces every object whose key starts with `prefix` by `objects` (copies made by
   * {@link snapshotPrefixSync}, keeping their modification times): how another thread gets a view
   * of this storage's content.
   */
  restoreSync(prefix: string, objects: readonly MemoryObjectCopy[]): void {
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
    for (const o of objects) {
      checkKey(o.path, this.root);
      this.objects.set(o.path, { data: o.data.slice(), modificationTime: o.modificationTime });
    }
  }

  async delete(path: string): Promise<void> {
    checkKey(path, this.root);
    this.objects.delete(path);
  }
}
