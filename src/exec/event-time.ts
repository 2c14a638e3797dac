/**
 * Event-time helpers the stateful operators share: reading an event-time column (a timestamp, or
 * a time window whose `end` is its event time, as Spark compares a window struct with the
 * watermark), and Spark's late-row test (`eventTime <= watermark` is late; a null time never is).
 */
import type { I64Vector, Vector } from "../columnar/vector.js";
import { int64At, int64Words } from "../columnar/int64-words.js";
import { InternalError } from "../errors.js";

/** The µs event times of an event-time column. @throws InternalError for any other column. */
export function eventTimeVector(v: Vector, what: string): I64Vector {
  const t = v.kind === "struct" ? v.children[1] : v;
  if (t === undefined || t.kind !== "i64") throw new InternalError(`${what}: the event-time column is ${v.type.typeName}, not a timestamp or a window`);
  return t;
}

/**
 * The rows of `t` (its first `n`) that are not late against `watermarkMs`, ascending, or null when
 * none is late.
 */
export function notLateRows(t: I64Vector, n: number, watermarkMs: number): Int32Array | null {
  const wm = watermarkMs * 1000;
  const words = int64Words(t.values);
  const keep = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (t.valid !== null && t.valid[i] === 0) {
      keep[k++] = i;
      continue;
    }
    const us = int64At(words, i);
    if (us === us ? us > wm : t.values[i] > BigInt(wm)) keep[k++] = i;
  }
  return k === n ? null : keep.subarray(0, k);
}
