/**
 * The static side of a stream–static join, read once and kept while it cannot have changed: when
 * every table it reads is a Delta table (read at its latest version), the rows are reused until one
 * of those tables has a new version, as Spark re-plans the static side per batch and Delta's
 * snapshot only changes with a commit. A static side that reads anything else (a folder of files,
 * a Delta version pinned by `versionAsOf` is also stable but rare) is read again every micro-batch.
 */
import type { Batch } from "../columnar/batch.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { childrenOfResolved } from "../plan/analyze.js";
import { resolveLocation } from "../storage/resolve.js";
import { listCommits } from "../tables/delta/commit-history.js";
import { executeBatch } from "./batch-execution.js";
import type { ParallelismSettings } from "./fragment-executor.js";

export class StaticSideCache {
  private readonly entries = new Map<ResolvedPlan, { readonly versions: string; readonly batches: readonly Batch[] }>();
  /** The latest version seen per Delta table path: the next check lists the log only from there. */
  private readonly latestSeen = new Map<string, number>();

  constructor(private readonly parallelism: ParallelismSettings) {}

  /** The rows of `plan`, from the cache when its Delta tables have not changed. */
  async *run(plan: ResolvedPlan): AsyncGenerator<Batch> {
    const versions = await this.deltaVersions(plan);
    const hit = this.entries.get(plan);
    if (versions !== null && hit !== undefined && hit.versions === versions) {
      yield* hit.batches;
      return;
    }
    const batches: Batch[] = [];
    for await (const b of executeBatch(plan, this.parallelism)) {
      batches.push(b);
      yield b;
    }
    if (versions !== null) this.entries.set(plan, { versions, batches });
  }

  /** `path@version` of every Delta table `plan` reads, or null when it reads anything that is not one. */
  private async deltaVersions(plan: ResolvedPlan): Promise<string | null> {
    const out: string[] = [];
    let cacheable = true;
    const walk = async (p: ResolvedPlan): Promise<void> => {
      if (p.kind === "source") {
        const o = p.node.options;
        if (p.node.format !== "delta" || p.node.path === null || "versionAsOf" in o || "timestampAsOf" in o) {
          cacheable = false;
          return;
        }
        out.push(`${p.node.path}@${await this.latestVersion(p.node.path)}`);
      }
      for (const c of childrenOfResolved(p)) if (cacheable) await walk(c);
    };
    await walk(plan);
    return cacheable ? out.join("|") : null;
  }

  /**
   * The latest version of the Delta table at `path`. Once a version is known, only the log from it
   * onward is listed, so a check per micro-batch costs the same however long the history grows;
   * when that commit is gone (the table was dropped and recreated), the whole log is listed again.
   */
  private async latestVersion(path: string): Promise<number> {
    const { storage, key } = resolveLocation(path);
    const seen = this.latestSeen.get(path);
    let latest = seen === undefined ? -1 : (await listCommits(storage, key, { fromVersion: seen })).latest;
    if (latest < 0) latest = (await listCommits(storage, key)).latest;
    this.latestSeen.set(path, latest);
    return latest;
  }
}
