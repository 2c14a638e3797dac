/**
 * A {@link Storage} over a local folder. Writes go to a temporary file in the destination folder,
 * are fsynced, then published atomically: `rename(2)` to overwrite, `link(2)` for put-if-absent
 * (`link` fails with EEXIST instead of replacing, so exactly one concurrent writer wins).
 */
import { randomUUID } from "node:crypto";
import { link, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { statSync } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AlreadyExistsError, NotFoundError, StorageError } from "../errors.js";
import type { ByteRange, ListOptions, ObjectInfo, ObjectWriter, PutOptions, Storage } from "./storage.js";
import { checkKey, checkRange, compareUtf8 } from "./keys.js";
import { toDisplayUrl } from "./url.js";

/** Names of in-flight temporary files start with this; they are never listed and never valid keys. */
export const TEMP_FILE_PREFIX = ".sluice-tmp-";

export interface LocalStorageOptions {
  /**
   * fsync written files and the folders whose entries changed, so a put survives a power loss once
   * it returns (default true). Tests may turn it off for speed.
   */
  fsync?: boolean;
}

/** Objects as files under a root folder; keys are `/`-separated paths relative to it. Root `file:///<abs>`. */
export class LocalStorage implements Storage {
  readonly root: string;
  /** The absolute root folder. */
  readonly rootPath: string;
  private readonly fsync: boolean;
  /** Folder fsyncs queued or running, by folder (see `syncFolder`). */
  private readonly folderSyncs = new Map<string, FolderSync>();

  /** `rootPath` is resolved against the working directory; it need not exist yet. */
  constructor(rootPath: string, options: LocalStorageOptions = {}) {
    this.rootPath = resolve(rootPath);
    this.root = pathToFileURL(this.rootPath).href;
    this.fsync = options.fsync ?? true;
  }

  /** The absolute file path of `key`. Throws `StorageError` for an invalid key (`..`, absolute …). */
  pathOf(key: string): string {
    checkKey(key, this.root);
    const name = key.slice(key.lastIndexOf("/") + 1);
    if (name.startsWith(TEMP_FILE_PREFIX)) {
      throw new StorageError(`local storage: key ${JSON.stringify(key)} uses the reserved temporary-file prefix ${TEMP_FILE_PREFIX}`, {
        path: key,
      });
    }
    return join(this.rootPath, key);
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    const file = this.pathOf(path);
    let fh;
    try {
      fh = await open(file, "r");
    } catch (e) {
      throw this.ioError("read", path, e);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new NotFoundError(`local storage: ${this.url(path)} is a folder, not an object`, { path: this.url(path) });
      if (range === undefined) return await fh.readFile();
      const { start, end } = checkRange(range, st.size, this.url(path));
      const out = new Uint8Array(end - start);
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) break; // shrank underneath us (an overwrite replaces the inode, so only a truncate)
        done += bytesRead;
      }
      return done === out.length ? out : out.subarray(0, done);
    } catch (e) {
      throw this.ioError("read", path, e);
    } finally {
      await fh.close();
    }
  }

  async head(path: string): Promise<ObjectInfo | null> {
    const file = this.pathOf(path);
    let st: Stats;
    try {
      st = await stat(file);
    } catch (e) {
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return null;
      throw this.ioError("stat", path, e);
    }
    return st.isFile() ? { path, size: st.size, modificationTime: Math.floor(st.mtimeMs) } : null;
  }

  async exists(path: string): Promise<boolean> {
    if (path === "") return true;
    try {
      await stat(this.pathOf(path));
      return true;
    } catch (e) {
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return false;
      throw this.ioError("stat", path, e);
    }
  }

  existsNow(path: string): boolean {
    if (path === "") return true;
    try {
      statSync(this.pathOf(path));
      return true;
    } catch (e) {
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return false;
      throw this.ioError("stat", path, e);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    const cut = prefix.lastIndexOf("/") + 1;
    const folder = prefix.slice(0, cut);
    if (folder !== "") checkKey(folder.slice(0, -1), this.root);
    const found: Array<{ key: string; file: string }> = [];
    await this.walk(folder, prefix, options.startAfter ?? null, found);
    const infos: ObjectInfo[] = [];
    // stat in bounded parallel chunks: one syscall per file, without opening thousands of handles at once.
    for (let i = 0; i < found.length; i += 64) {
      const chunk = found.slice(i, i + 64);
      const stats = await Promise.all(
        chunk.map(async (f) => {
          try {
            return await stat(f.file);
          } catch (e) {
            if (isCode(e, "ENOENT")) return null; // deleted since readdir
            throw this.ioError("stat", f.key, e);
          }
        }),
      );
      for (let j = 0; j < chunk.length; j++) {
        const st = stats[j];
        if (st !== null && st.isFile()) infos.push({ path: chunk[j].key, size: st.size, modificationTime: Math.floor(st.mtimeMs) });
      }
    }
    return infos.sort((a, b) => compareUtf8(a.path, b.path));
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    const file = this.pathOf(path);
    const folder = dirname(file);
    let created: string | undefined;
    try {
      created = await makeFolders(folder);
    } catch (e) {
      throw this.ioError("create the folder of", path, e);
    }
    const temp = join(folder, TEMP_FILE_PREFIX + randomUUID());
    try {
      const fh = await open(temp, "wx");
      try {
        await fh.writeFile(data);
        if (this.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      if (options.ifNotExists === true) {
        try {
          await link(temp, file);
        } catch (e) {
          if (isCode(e, "EEXIST")) {
            throw new AlreadyExistsError(`local storage: object already exists at ${this.url(path)}`, { path: this.url(path) });
          }
          if (isCode(e, "EPERM") || isCode(e, "ENOTSUP") || isCode(e, "ENOSYS")) {
            throw new StorageError(
              `local storage: the file system of ${this.url(path)} does not support hard links, which put-if-absent needs`,
              { path: this.url(path), cause: e },
            );
          }
          throw e;
        }
      } else {
        await rename(temp, file);
      }
      if (this.fsync) await this.syncFolders(folder, created);
    } catch (e) {
      throw this.ioError("write", path, e);
    } finally {
      // After a rename the temp name is gone; after a link (or a failure) it still has to go.
      await unlink(temp).catch(() => undefined);
    }
  }

  async delete(path: string): Promise<void> {
    const file = this.pathOf(path);
    try {
      await unlink(file);
    } catch (e) {
      // Absent, or a folder (not an object): there is no object to delete.
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR") || isCode(e, "EISDIR")) return;
      throw this.ioError("delete", path, e);
    }
  }

  private url(key: string): string {
    return toDisplayUrl(this, key);
  }

  createWriter(path: string): ObjectWriter {
    return new LocalObjectWriter(this, path, this.pathOf(path), this.fsync);
  }

  /**
   * Collects files under `folder` (a key prefix ending in `/`, or empty) whose keys start with
   * `prefix` and sort after `startAfter` (when not null).
   */
  private async walk(folder: string, prefix: string, startAfter: string | null, out: Array<{ key: string; file: string }>): Promise<void> {
    const dir = folder === "" ? this.rootPath : join(this.rootPath, folder);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return;
      throw this.ioError("list", folder, e);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_FILE_PREFIX)) continue;
      const key = folder + entry.name;
      if (entry.isDirectory()) {
        const sub = key + "/";
        // Descend only where the prefix can still match (`sub` extends it, or it extends `sub`) and
        // some key can sort after `startAfter`: not when `sub` sorts before it without being its prefix.
        const skipped = startAfter !== null && !startAfter.startsWith(sub) && compareUtf8(sub, startAfter) < 0;
        if ((sub.startsWith(prefix) || prefix.startsWith(sub)) && !skipped) await this.walk(sub, prefix, startAfter, out);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && key.startsWith(prefix) && (startAfter === null || compareUtf8(key, startAfter) > 0)) {
        // Symlinks are stat-ed (followed) later and kept only if they point at a file.
        out.push({ key, file: join(dir, entry.name) });
      }
    }
  }

  /** fsyncs `folder` (its new entry) and the folders `mkdir` created on the way to it. */
  async syncFolders(folder: string, created: string | undefined): Promise<void> {
    const folders = [folder];
    if (created !== undefined) {
      for (let f = dirname(folder); f.length >= dirname(created).length; f = dirname(f)) {
        folders.push(f);
        if (f === dirname(f)) break;
      }
    }
    for (const f of folders) await this.syncFolder(f);
  }

  /**
   * fsyncs `folder` after the caller's change to it. Concurrent callers share fsyncs: one that
   * has not started yet covers every change made before it starts, so a caller joins it; behind a
   * running one, a caller queues the next. The files of a partitioned write, closed together,
   * then sync their common table folder once or twice instead of once each.
   */
  private syncFolder(folder: string): Promise<void> {
    const current = this.folderSyncs.get(folder);
    if (current !== undefined && !current.started) return current.done;
    const entry: FolderSync = { started: false, done: Promise.resolve() };
    const before = current === undefined ? Promise.resolve() : current.done.catch(() => undefined);
    entry.done = before
      .then(async () => {
        entry.started = true;
        const fh = await open(folder, "r");
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      })
      .finally(() => {
        if (this.folderSyncs.get(folder) === entry) this.folderSyncs.delete(folder);
      });
    this.folderSyncs.set(folder, entry);
    return entry.done;
  }

  /** @internal A typed error for a failed file-system call on `key`. */
  ioError(op: string, key: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const where = key === "" ? this.root : this.url(key);
    const code = errnoCode(e);
    if (code === "ENOENT" && op === "read") return new NotFoundError(`local storage: no object at ${where}`, { path: where, cause: e });
    const retryable = code === "EMFILE" || code === "ENFILE" || code === "EAGAIN" || code === "EBUSY";
    const detail = e instanceof Error ? e.message : String(e);
    return new StorageError(`local storage: cannot ${op} ${where}: ${detail}`, { path: where, cause: e, retryable });
  }
}

/** An fsync of a folder, shared by the callers that join it before it starts. */
interface FolderSync {
  started: boolean;
  done: Promise<void>;
}

/** Buffers per writev(2) call: Linux's IOV_MAX. */
const WRITEV_MAX_BUFFERS = 1024;

/**
 * A local object written in chunks: a temporary file in the destination folder (created on the
 * first call), fsynced and renamed over the key on close, as {@link LocalStorage.put} publishes.
 */
class LocalObjectWriter implements ObjectWriter {
  bytesWritten = 0;
  private handle: FileHandle | null = null;
  private temp: string | null = null;
  private created: string | undefined;
  private state: "open" | "closed" | "aborted" = "open";

  constructor(
    private readonly storage: LocalStorage,
    readonly path: string,
    private readonly file: string,
    private readonly fsync: boolean,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.checkOpen("write");
    const fh = await this.open();
    try {
      let done = 0;
      while (done < chunk.length) done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
    } catch (e) {
      await this.abort();
      throw this.storage.ioError("write", this.path, e);
    }
    this.bytesWritten += chunk.length;
  }

  async writev(chunks: readonly Uint8Array[]): Promise<void> {
    this.checkOpen("write");
    const fh = await this.open();
    // What is left to write, as non-empty views; writev(2) takes at most IOV_MAX buffers and
    // may write fewer bytes than asked, so it goes again from the first byte not written.
    let rest = chunks.filter((c) => c.length > 0);
    let total = 0;
    for (const c of rest) total += c.length;
    try {
      while (rest.length > 0) {
        const group = rest.length > WRITEV_MAX_BUFFERS ? rest.slice(0, WRITEV_MAX_BUFFERS) : rest;
        let done = (await fh.writev(group)).bytesWritten;
        let k = 0;
        while (k < group.length && done >= group[k].length) done -= group[k++].length;
        rest = rest.slice(k);
        if (done > 0) rest[0] = rest[0].subarray(done);
      }
    } catch (e) {
      await this.abort();
      throw this.storage.ioError("write", this.path, e);
    }
    this.bytesWritten += total;
  }

  async close(): Promise<ObjectInfo> {
    this.checkOpen("close");
    const fh = await this.open();
    const temp = this.temp ?? "";
    const folder = dirname(this.file);
    try {
      if (this.fsync) await fh.sync();
      await fh.close();
      this.handle = null;
      await rename(temp, this.file);
      this.temp = null;
      this.state = "closed";
      if (this.fsync) await this.storage.syncFolders(folder, this.created);
      const st = await stat(this.file);
      return { path: this.path, size: st.size, modificationTime: Math.floor(st.mtimeMs) };
    } catch (e) {
      await this.abort();
      throw this.storage.ioError("write", this.path, e);
    }
  }

  async abort(): Promise<void> {
    if (this.state === "open") this.state = "aborted";
    const fh = this.handle;
    this.handle = null;
    if (fh !== null) await fh.close().catch(() => undefined);
    const temp = this.temp;
    this.temp = null;
    if (temp !== null) await unlink(temp).catch(() => undefined);
  }

  private async open(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle;
    const folder = dirname(this.file);
    try {
      this.created = await makeFolders(folder);
      this.temp = join(folder, TEMP_FILE_PREFIX + randomUUID());
      this.handle = await open(this.temp, "wx");
    } catch (e) {
      await this.abort();
      throw this.storage.ioError("create the folder of", this.path, e);
    }
    return this.handle;
  }

  private checkOpen(op: string): void {
    if (this.state !== "open") {
      throw new StorageError(`local storage: cannot ${op} ${toDisplayUrl(this.storage, this.path)}: the writer is already ${this.state}`, {
        path: toDisplayUrl(this.storage, this.path),
      });
    }
  }
}

/**
 * Creates `folder` and every missing folder above it, as `mkdir -p`; returns the first folder it
 * created (as `mkdir(folder, { recursive: true })` does), or undefined when `folder` existed.
 *
 * Node's recursive `mkdir` never settles, spinning a thread-pool thread, when a folder's `mkdir`
 * fails with ENOENT although its parent exists: under `/proc` or `/sys`, or through a dangling
 * symlink. Here each level is tried at most twice (before and after its parent is made), so such a
 * folder fails with the file system's own error at once.
 * @throws the file system's error (with `code` and `path`) when a folder cannot be created;
 *   ENOTDIR when a path on the way is a file.
 */
export async function makeFolders(folder: string): Promise<string | undefined> {
  const first = await makeFolder(folder);
  if (first === "created") return folder;
  if (first === "exists") return undefined;
  const parent = dirname(folder);
  const createdAbove = parent === folder ? undefined : await makeFolders(parent);
  const second = await makeFolder(folder);
  if (second === "no parent") {
    // The parent exists now, yet the folder still cannot be made: final, not a race to retry.
    throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${folder}' (its parent folder exists but refuses new entries)`), {
      code: "ENOENT",
      path: folder,
    });
  }
  return createdAbove ?? (second === "created" ? folder : undefined);
}

/** One non-recursive `mkdir`: created, already a folder, or ENOENT (no parent); other errors throw. */
async function makeFolder(folder: string): Promise<"created" | "exists" | "no parent"> {
  try {
    await mkdir(folder);
    return "created";
  } catch (e) {
    if (isCode(e, "ENOENT")) return "no parent";
    if (!isCode(e, "EEXIST")) throw e;
  }
  const st = await stat(folder);
  if (!st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: "ENOTDIR", path: folder });
  return "exists";
}

function errnoCode(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

function isCode(e: unknown, code: string): boolean {
  return errnoCode(e) === code;
}
