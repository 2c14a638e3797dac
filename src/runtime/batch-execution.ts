/**
 * Batch execution: runs a non-streaming plan once and returns every output chunk. File and other
 * streamable sources are read to their current end through the same source code as streaming
 * (with a throw-away metadata folder in memory), so batch and streaming reads agree exactly.
 */
import type { Batch } from "../columnar/batch.js";
import { sourceConnector } from "../connectors/registry.js";
import type { StreamSource, OffsetJson } from "../connectors/source.js";
import { AnalysisError } from "../errors.js";
import type { BatchContext } from "../exec/operator.js";
import { executePhysical, planPhysical } from "../exec/planner.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { MemoryStorage } from "../storage/memory.js";

/** Runs `plan` (which must not be streaming) and yields its output chunks. */
export async function* executeBatch(plan: ResolvedPlan): AsyncGenerator<Batch> {
  if (plan.isStreaming) {
    throw new AnalysisError("analysis: queries with streaming sources must be executed with writeStream.start()");
  }
  const physical = planPhysical(plan, { outputMode: "complete", stateFor: () => null });
  const scratch = MemoryStorage.fresh("batch-read");
  const sources: StreamSource[] = [];
  try {
    for (const [i, s] of physical.sources.entries()) {
      const src = sourceConnector(s.node.format).create(s.node.options, s.node.userSchema);
      await src.open({ storage: scratch, metadataPrefix: `sources/${i}/` });
      sources.push(src);
    }
    const ctx: BatchContext = { batchId: 0, watermarkMs: 0, batchTimestampMs: Date.now(), outputMode: "complete" };
    for (const op of physical.operators) await op.open?.(ctx);
    const inputs = sources.map((s) => () => readAll(s));
    yield* executePhysical(physical.root, inputs);
  } finally {
    for (const s of sources) await s.stop().catch(() => undefined);
    MemoryStorage.forget(scratch.name);
  }
}

/** Reads a source to the end of what is available now, batch after batch of its rate limits. */
async function* readAll(s: StreamSource): AsyncGenerator<Batch> {
  await s.prepareForTriggerAvailableNow?.();
  let start: OffsetJson | null = null;
  for (;;) {
    const end = await s.latestOffset(start, { kind: "availableNow" });
    if (end === null || end === start) return;
    yield* s.read(start, end);
    await s.commit(end);
    start = end;
  }
}

/** Runs `plan` and collects every output chunk. */
export async function collectBatches(plan: ResolvedPlan): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of executeBatch(plan)) out.push(b);
  return out;
}
