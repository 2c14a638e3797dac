/**
 * An independent reader of a Spark file sink's `_spark_metadata` log (written from Spark's format,
 * not with sluice's own log code, so benchmarks and tests can check sluice's output with it).
 *
 * Layout: one file per batch, named by the batch id (`0`, `1`, …); every compaction interval the
 * file is `<N>.compact` and holds every live entry up to N. Each file is `v1` followed by one
 * `SinkFileStatus` JSON per line (`{"path":"file:///abs/part-….parquet","size":…,"action":"add",…}`).
 * Other names (temporary files, `.crc`) are ignored, as Spark does.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One file entry of the log. */
export interface SinkFileEntry {
  readonly path: string;
  readonly action: string;
}

/**
 * The local paths of the data files a Spark-compatible reader sees in the file sink at `sinkDir`:
 * the newest compact file's entries plus those of every later batch, minus deleted ones, in log order.
 * Throws if the log folder is missing, a file does not start with `v1`, or a line is not JSON.
 */
export async function sparkMetadataFiles(sinkDir: string): Promise<string[]> {
  const logDir = join(sinkDir, "_spark_metadata");
  const batches: { id: number; compact: boolean; name: string }[] = [];
  for (const name of await readdir(logDir)) {
    const m = /^(\d+)(\.compact)?$/.exec(name);
    if (m !== null) batches.push({ id: Number(m[1]), compact: m[2] !== undefined, name });
  }
  batches.sort((a, b) => a.id - b.id);
  let from = 0;
  for (let i = 0; i < batches.length; i++) if (batches[i].compact) from = i;
  const live = new Map<string, true>();
  for (const b of batches.slice(from)) {
    const text = await readFile(join(logDir, b.name), "utf8");
    const lines = text.split("\n");
    if (lines[0] !== "v1") throw new Error(`_spark_metadata: ${b.name} starts with ${JSON.stringify(lines[0])}, expected "v1"`);
    for (const line of lines.slice(1)) {
      if (line.trim() === "") continue;
      const entry = JSON.parse(line) as SinkFileEntry;
      if (entry.action === "delete") live.delete(entry.path);
      else live.set(entry.path, true);
    }
  }
  return [...live.keys()].map((p) => (p.startsWith("file:") ? fileURLToPath(p) : p));
}
