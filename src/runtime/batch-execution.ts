/**
 * Batch execution: runs a non-streaming plan once and returns every output chunk. File and other
 * streamable sources are read to their current end through the same source code as streaming
 * (with a throw-away metadata folder in memory), so batch and streaming reads agree exactly.
 */
import type { Batch } from "../columnar/batch.js";
import { createSource } from "./physical-source.js";
import type { StreamSource, OffsetJson } from "../connectors/source.js";
import { AnalysisError } from "../errors.js";
import type { BatchContext } from "../exec/operator.js";
import { executePhysical, planPhysical } from "../exec/planner.js";
import type { FragmentRunner } from "../exec/planner.js";
import { FragmentExecutor } from "./fragment-executor.js";
import type { ParallelismSettings } from "./fragment-executor.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { MemoryStorage } from "../storage/memory.js";
import { quarantinedSchema } from "./quarantine.js";

/**
 * Runs `plan` (which must not be streaming) and yields its output chunks. `parallelism` lets
 * stateless fragments over big inputs run in worker threads.
 */
export async function* executeBatch(plan: ResolvedPlan, parallelism: ParallelismSettings = { workers: 0, minBytes: 0 }): AsyncGenerator<Batch> {
  if (plan.isStreaming) {
    throw new AnalysisError("analysis: queries with streaming sources must be executed with writeStream.start()");
  }
  if (quarantinedSchema(plan) !== null) {
    throw new AnalysisError('analysis: expectOrQuarantine needs a streaming query with writeStream.option("quarantinePath", …); in a batch query use expectOrDrop, or filter the failing rows out yourself');
  }
  const physical = planPhysical(plan, { outputMode: "complete", stateFor: () => null });
  const scratch = MemoryStorage.fresh("batch-read");
  const sources: StreamSource[] = [];
  const fragments = new FragmentExecutor(parallelism);
  try {
    for (const [i, s] of physical.sources.entries()) {
      const src = createSource(s, false);
      await src.open({ storage: scratch, metadataPrefix: `sources/${i}/` });
      sources.push(src);
    }
    const ctx: BatchContext = { batchId: 0, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs: Date.now(), outputMode: "complete" };
    for (const op of physical.operators) await op.open?.(ctx);
    const ends: (OffsetJson | null)[] = [];
    for (const s of sources) ends.push(await endOfAvailable(s));
    const inputs = sources.map((s, i) => () => readRange(s, ends[i]));
    const runFragment: FragmentRunner = (fragment, local) =>
      fragments.run(fragment, sources[fragment.sourceIndex], null, ends[fragment.sourceIndex], ctx, local, () => undefined);
    yield* executePhysical(physical.root, inputs, runFragment);
  } finally {
    await fragments.close();
    for (const s of sources) await s.stop().catch(() => undefined);
    MemoryStorage.forget(scratch.name);
  }
}

/** Advances a source through everything available now (all its rate-limited steps). */
async function endOfAvailable(s: StreamSource): Promise<OffsetJson | null> {
  await s.prepareForTriggerAvailableNow?.();
  let end: OffsetJson | null = null;
  for (;;) {
    const next = await s.latestOffset(end, { kind: "all" });
    if (next === null || next === end) return end;
    end = next;
  }
}

async function* readRange(s: StreamSource, end: OffsetJson | null): AsyncGenerator<Batch> {
  if (end !== null) yield* s.read(null, end);
}

/** Runs `plan` and collects every output chunk. */
export async function collectBatches(plan: ResolvedPlan, parallelism?: ParallelismSettings): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of executeBatch(plan, parallelism)) out.push(b);
  return out;
}
