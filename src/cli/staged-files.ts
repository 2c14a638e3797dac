/**
 * Local paths of the objects a `sluice query` reads, for DuckDB, which reads local files only here
 * (its httpfs extension cannot be installed offline and would bypass sluice's S3 settings). A
 * local file is used where it is; an object of another storage (`s3://`, `memory://`) is
 * downloaded through sluice's storage into a private temporary folder, keeping its key's folders
 * (Hive partition folders stay columns), and the folder is removed by {@link StagedFiles.dispose}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalStorage } from "../storage/local.js";
import type { Storage } from "../storage/storage.js";

/** Downloads at once (S3 serves many small objects best in parallel). */
const PARALLEL = 8;

/** The local copies of one query's remote objects. */
export class StagedFiles {
  private dir: string | null = null;
  private readonly staged = new Map<string, string>();
  /** Bytes downloaded so far. */
  bytes = 0;

  /** The local path of `key` in `storage` (downloaded first unless the storage is local). */
  async pathOf(storage: Storage, key: string): Promise<string> {
    return (await this.pathsOf(storage, [key]))[0];
  }

  /** {@link pathOf} for many keys, downloading up to {@link PARALLEL} at a time. */
  async pathsOf(storage: Storage, keys: readonly string[]): Promise<string[]> {
    if (storage instanceof LocalStorage) return keys.map((k) => join(storage.rootPath, k));
    const out = new Array<string>(keys.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const i = next++;
        out[i] = await this.download(storage, keys[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, keys.length) }, worker));
    return out;
  }

  /** The local folder a remote folder's objects are staged under (its keys' layout kept). */
  folderOf(storage: Storage, key: string): string {
    if (storage instanceof LocalStorage) return join(storage.rootPath, key);
    return join(this.root(), this.slug(storage), key);
  }

  /** Writes `bytes` (data sluice produced for DuckDB) as a new local file named `name`; returns its path. */
  async writeFile(name: string, bytes: Uint8Array): Promise<string> {
    const path = join(this.root(), "_sluice", name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return path;
  }

  /** Removes the downloaded copies. */
  dispose(): void {
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.staged.clear();
  }

  private async download(storage: Storage, key: string): Promise<string> {
    const id = `${storage.root}\u0000${key}`;
    const known = this.staged.get(id);
    if (known !== undefined) return known;
    const path = join(this.root(), this.slug(storage), key);
    const bytes = await storage.get(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    this.bytes += bytes.length;
    this.staged.set(id, path);
    return path;
  }

  private root(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), "sluice-query-"));
    return this.dir;
  }

  /** A folder name for a storage root (`s3://bucket` → `s3/bucket`). */
  private slug(storage: Storage): string {
    return storage.root.replace(/^([a-z0-9+.-]+):\/+/i, "$1/").replace(/[^A-Za-z0-9._/-]/g, "_");
  }
}
