/**
 * `java.util.Random`, bit for bit: the 48-bit linear congruential generator that Spark's
 * `NumericHistogram` (histogram_numeric's tie-breaks) and `CountMinSketchImpl` (its row hash
 * multipliers) draw from. Hand-written because results must match the JVM's sequence exactly.
 */

import { InternalError } from "../../errors.js";

const MULTIPLIER = 0x5deece66dn;
const MASK48 = (1n << 48n) - 1n;

export class JavaRandom {
  /** The current 48-bit state; a caller that checkpoints the generator saves and restores it. */
  state: bigint;

  /** `new Random(seed)`, or with `scrambled`, a generator resumed at the saved `state` `seed`. */
  constructor(seed: number | bigint, scrambled = false) {
    const s = BigInt.asIntN(64, BigInt(seed));
    this.state = scrambled ? s & MASK48 : (s ^ MULTIPLIER) & MASK48;
  }

  /** `next(bits)`: the top `bits` bits of the advanced state, as a signed int. */
  next(bits: number): number {
    this.state = (this.state * MULTIPLIER + 0xbn) & MASK48;
    return Number(BigInt.asIntN(32, this.state >> BigInt(48 - bits)));
  }

  /** `nextInt(bound)`: uniform in [0, bound), rejecting the biased top range as Java does. */
  nextInt(bound: number): number {
    if (!(bound > 0)) throw new InternalError(`java.util.Random: bound must be positive, got ${bound}`);
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      // Java retries while `bits - val + (bound - 1)` overflows an int.
      if (((bits - val + (bound - 1)) | 0) >= 0) return val;
    }
  }

  /** A double in [0, 1), as Java's `nextDouble`. */
  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) / 9007199254740992;
  }
}
