/**
 * Spark's `FileStreamSource.SeenFilesMap`: the files already admitted, so a listing yields only new
 * ones. A file counts as new when it was not seen (by full path, or by file name alone with
 * `fileNameOnly`) and is not older than the last purge threshold (newest timestamp seen minus
 * `maxFileAge`). Purging forgets entries older than that threshold, bounding memory.
 */
export class SeenFiles {
  private readonly map = new Map<string, number>();
  private latestTimestamp = 0;
  private lastPurgeTimestamp = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly fileNameOnly: boolean,
  ) {}

  /** Records `url` (a canonical file URL) as seen, last modified at `timestamp` (ms). */
  add(url: string, timestamp: number): void {
    this.map.set(this.keyOf(url), timestamp);
    if (timestamp > this.latestTimestamp) this.latestTimestamp = timestamp;
  }

  /** Whether `url` modified at `timestamp` should be admitted. */
  isNewFile(url: string, timestamp: number): boolean {
    return timestamp >= this.lastPurgeTimestamp && !this.map.has(this.keyOf(url));
  }

  /** Forgets files older than the newest seen minus `maxAgeMs`; returns how many were removed. */
  purge(): number {
    this.lastPurgeTimestamp = this.latestTimestamp - this.maxAgeMs;
    let removed = 0;
    for (const [k, t] of this.map) {
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
