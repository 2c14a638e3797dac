/**
 * Spark's `FileStreamSource.SeenFilesMap`: the files already admitted, so a listing yields only new
 * ones. A file counts as new when it was not seen (by full path, or by file name alone with
 * `fileNameOnly`) and is not older than the last purge threshold (newest timestamp seen minus
 * `maxFileAge`). Purging forgets entries older than that threshold, bounding memory.
 *
 * Beside Spark's timestamp, each entry may hold the file's size as last seen by this run (listed,
 * then read), so a file that changes after it was admitted can be noticed; entries restored from
 * the checkpoint's log have none (the log records no size).
 */
export class SeenFiles {
  private readonly map = new Map<string, { timestamp: number; size: number | null }>();
  private latestTimestamp = 0;
  private lastPurgeTimestamp = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly fileNameOnly: boolean,
  ) {}

  /** Records `url` (a canonical file URL) as seen, last modified at `timestamp` (ms), `size` bytes if known. */
  add(url: string, timestamp: number, size: number | null = null): void {
    this.map.set(this.keyOf(url), { timestamp, size });
    if (timestamp > this.latestTimestamp) this.latestTimestamp = timestamp;
  }

  /** The size of `url` as this run last saw it (listed or read), or null when unknown or not seen. */
  sizeOf(url: string): number | null {
    return this.map.get(this.keyOf(url))?.size ?? null;
  }

  /** Records the size `url` had when it was read; nothing when it is not (or no longer) seen. */
  recordSize(url: string, size: number): void {
    const e = this.map.get(this.keyOf(url));
    if (e !== undefined) e.size = size;
  }

  /** Whether `url` modified at `timestamp` should be admitted. */
  isNewFile(url: string, timestamp: number): boolean {
    return timestamp >= this.lastPurgeTimestamp && !this.map.has(this.keyOf(url));
  }

  /** Forgets files older than the newest seen minus `maxAgeMs`; returns how many were removed. */
  purge(): number {
    this.lastPurgeTimestamp = this.latestTimestamp - this.maxAgeMs;
    let removed = 0;
    for (const [k, { timestamp: t }] of this.map) {
      if (t < this.lastPurgeTimestamp) {
        this.map.delete(k);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.map.size;
  }

  private keyOf(url: string): string {
    if (!this.fileNameOnly) return url;
    const name = url.slice(url.lastIndexOf("/") + 1);
    try {
      return decodeURIComponent(name);
    } catch {
      return name;
    }
  }
}
