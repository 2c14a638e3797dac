/**
 * Lists the data files of a file sink that a reader honouring `_spark_metadata` sees. Written from
 * Spark's log format (`FileStreamSinkLog`), independently of sluice's own log code, so tests check
 * the sink with it: files `<N>` and `<N>.compact` (every live entry up to N), each `v1` then one
 * `SinkFileStatus` JSON per line; other names (temporary files, `.crc`) are ignored.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute local paths of the live data files in the sink folder `sinkDir`, in log order. */
export async function visibleSinkFiles(sinkDir: string): Promise<string[]> {
  const logDir = join(sinkDir, "_spark_metadata");
  if (!existsSync(logDir)) return [];
  const batches: { id: number; compact: boolean; name: string }[] = [];
  for (const name of await readdir(logDir)) {
    const m = /^(\d+)(\.compact)?$/.exec(name);
    if (m !== null) batches.push({ id: Number(m[1]), compact: m[2] !== undefined, name });
  }
  batches.sort((a, b) => a.id - b.id);
  let from = 0;
  for (let i = 0; i < batches.length; i++) if (batches[i].compact) from = i;
  const live = new Set<string>();
  for (const b of batches.slice(from)) {
    const text = await readFile(join(logDir, b.name), "utf8");
    const lines = text.split("\n");
    if (lines[0] !== "v1") throw new Error(`_spark_metadata: ${b.name} starts with ${JSON.stringify(lines[0])}, expected "v1"`);
    for (const line of lines.slice(1)) {
      if (line.trim() === "") continue;
      const entry = JSON.parse(line) as { path: string; action: string };
      if (entry.action === "delete") live.delete(entry.path);
      else live.add(entry.path);
    }
  }
  return [...live].map((p) => (p.startsWith("file:") ? fileURLToPath(p) : p));
}

/** Ids of the batches listed in the sink's `_spark_metadata` (compact files included), ascending. */
export async function sinkBatchIds(sinkDir: string): Promise<number[]> {
  const logDir = join(sinkDir, "_spark_metadata");
  if (!existsSync(logDir)) return [];
  const ids: number[] = [];
  for (const name of await readdir(logDir)) {
    const m = /^(\d+)(\.compact)?$/.exec(name);
    if (m !== null) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => a - b);
}
