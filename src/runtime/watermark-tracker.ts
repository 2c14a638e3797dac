/**
 * The query's event-time watermark, as Spark's WatermarkTracker keeps it. After each batch, every
 * `withWatermark` operator that saw rows proposes `max event time − delay`; each operator's value
 * only rises, and one that has seen no rows since the query (re)started counts as 0. The global
 * watermark is the minimum of them (`spark.sql.streaming.multipleWatermarkPolicy=min`, the
 * default) or the maximum (`max`), and it never moves back. It is recorded in `offsets/N`
 * (the watermark batch N runs with) and `commits/N` (the one after it); per-operator values are not
 * persisted, as in Spark.
 */
import { ConfigError } from "../errors.js";
import type { EventTimeStats } from "../exec/operator.js";

export type WatermarkPolicy = "min" | "max";

/** The setting that chooses the policy (recorded in `offsets/N`, and kept across restarts). */
export const WATERMARK_POLICY = "spark.sql.streaming.multipleWatermarkPolicy";

/** The policy from the session settings (case-insensitive). @throws ConfigError naming the setting. */
export function watermarkPolicy(conf: Readonly<Record<string, string>>): WatermarkPolicy {
  const raw = conf[WATERMARK_POLICY] ?? "min";
  const v = raw.trim().toLowerCase();
  if (v === "min" || v === "max") return v;
  throw new ConfigError(`spark.sql.streaming.multipleWatermarkPolicy: could not recognize watermark policy '${raw}'; use 'min' or 'max'`, {
    option: "spark.sql.streaming.multipleWatermarkPolicy",
  });
}

export class WatermarkTracker {
  private readonly perOperator = new Map<number, number>();
  private global: number;

  constructor(
    private readonly policy: WatermarkPolicy,
    initialMs = 0,
  ) {
    this.global = initialMs;
  }

  /** The global watermark, ms since the epoch. */
  get currentMs(): number {
    return this.global;
  }

  /** Restores the watermark recorded in the checkpoint (never lowers it). */
  set(ms: number): void {
    if (ms > this.global) this.global = ms;
  }

  /** Folds in one batch's statistics of each watermark operator, in plan order. */
  update(stats: readonly EventTimeStats[]): void {
    if (stats.length === 0) return;
    stats.forEach((s, i) => {
      const prev = this.perOperator.get(i);
      if (s.count > 0) {
        const next = s.max - s.delayMs;
        if (prev === undefined || next > prev) this.perOperator.set(i, next);
      } else if (prev === undefined) {
        this.perOperator.set(i, 0);
      }
    });
    const values = [...this.perOperator.values()];
    const chosen = this.policy === "min" ? Math.min(...values) : Math.max(...values);
    if (chosen > this.global) this.global = chosen;
  }
}
