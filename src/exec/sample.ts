/**
 * Sample: keeps each row with probability `fraction` (Bernoulli), or, with replacement, emits it a
 * Poisson(`fraction`)-distributed number of times, as Spark's sampler does. A seeded xorshift
 * generator makes a run reproducible: the same seed over the same input order gives the same rows.
 */
import type { Batch } from "../columnar/batch.js";
import { takeBatch } from "../columnar/ops.js";
import type { StructType } from "../types/data-types.js";
import type { Operator } from "./operator.js";

export class SampleOperator implements Operator {
  readonly schema: StructType;
  private state = 0;

  constructor(
    schema: StructType,
    private readonly fraction: number,
    private readonly withReplacement: boolean,
    private readonly seed: number,
  ) {
    this.schema = schema;
  }

  async open(): Promise<void> {
    // A non-zero 32-bit state derived from the seed.
    this.state = (Math.imul(this.seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  }

  process(batch: Batch): Batch | null {
    const n = batch.numRows;
    const picked: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!this.withReplacement) {
        if (this.next() < this.fraction) picked.push(i);
        continue;
      }
      for (let k = this.poisson(); k > 0; k--) picked.push(i);
    }
    if (picked.length === 0) return null;
    return picked.length === n ? batch : takeBatch(batch, Int32Array.from(picked));
  }

  /** A uniform double in [0, 1). */
  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }

  /** A Poisson(fraction) draw (Knuth's method; fractions are small). */
  private poisson(): number {
    const limit = Math.exp(-this.fraction);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}
