/**
 * Spark's `Observation`: the metrics a batch query's `df.observe(observation, …)` computed, ready
 * once an action (`collect`, `count`, `write…save`) has run the observed DataFrame.
 *
 * @example
 * ```ts
 * const seen = new Observation("seen");
 * await df.observe(seen, count(lit(1)).alias("rows"), max("amount").alias("max")).write.parquet(out);
 * console.log(await seen.get()); // { rows: 1000, max: 99.5 }
 * ```
 */
import { randomUUID } from "node:crypto";
import type { ObservationSink } from "../plan/logical.js";

export class Observation implements ObservationSink {
  readonly name: string;
  private value: Readonly<Record<string, unknown>> | null = null;
  private readonly ready: Promise<Readonly<Record<string, unknown>>>;
  private resolveReady: (metrics: Readonly<Record<string, unknown>>) => void = () => undefined;
  /** @internal Set when a DataFrame observes through it (Spark allows one). */
  used = false;

  constructor(name?: string) {
    this.name = name ?? randomUUID();
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Called by the engine with the first run's metrics (later runs do not change them, as in Spark). */
  deliver(metrics: Readonly<Record<string, unknown>>): void {
    if (this.value !== null) return;
    this.value = metrics;
    this.resolveReady(metrics);
  }

  /** The metrics, waiting until an action has run the observed DataFrame. */
  get(): Promise<Readonly<Record<string, unknown>>> {
    return this.ready;
  }
}
