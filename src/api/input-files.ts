/**
 * `df.inputFiles()`: the data files a query reads, as Spark lists them: a file source's files
 * (hidden names, starting with `_` or `.`, are not data), a Delta table's files at its current
 * version.
 */
import type { ResolvedPlan } from "../plan/analyze.js";
import { childrenOfResolved } from "../plan/analyze.js";
import { folderPrefix, resolveLocation, toDisplayUrl } from "../storage/resolve.js";
import { loadTableSnapshot } from "../tables/delta/delta-describe.js";

const FILE_FORMATS = new Set(["parquet", "json", "csv", "text", "orc", "avro"]);

/** The files of every source with a path in `plan`, sorted and without duplicates. */
export async function inputFilesOf(plan: ResolvedPlan): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (p: ResolvedPlan): Promise<void> => {
    if (p.kind === "source" && p.node.path !== null) {
      const { storage, key } = resolveLocation(p.node.path);
      if (p.node.format === "delta") {
        const snapshot = await loadTableSnapshot(storage, key, p.node.path, { versionAsOf: null, timestampAsOf: null });
        for (const f of snapshot.files) out.add(toDisplayUrl(storage, `${folderPrefix(key)}${f.path}`));
      } else if (FILE_FORMATS.has(p.node.format)) {
        const head = await storage.head(key);
        const files = head !== null ? [head] : await storage.list(folderPrefix(key));
        for (const f of files) {
          const rel = f.path.slice(folderPrefix(key).length);
          if (!rel.split("/").some((part) => part.startsWith("_") || part.startsWith("."))) out.add(toDisplayUrl(storage, f.path));
        }
      }
    }
    for (const c of childrenOfResolved(p)) await walk(c);
  };
  await walk(plan);
  return [...out].sort();
}
