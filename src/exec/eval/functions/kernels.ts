/**
 * The evaluator's side of the function registry: canonical function name → kernel factory. Each
 * category file exports its kernels; every scalar function of `plan/expressions/functions/` has an
 * entry here.
 */
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { InternalError } from "../../../errors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { COLLECTION_KERNELS } from "./collection-functions.js";
import { CONDITIONAL_KERNELS } from "./conditional-functions.js";
import { BITMAP_KERNELS } from "./bitmap-functions.js";
import { XML_KERNELS } from "./xml-functions.js";
import { CRYPTO_KERNELS } from "./crypto-functions.js";
import { CSV_KERNELS } from "./csv-functions.js";
import { DATE_KERNELS } from "./date-functions.js";
import { DATETIME_KERNELS } from "./datetime-functions.js";
import { EVENT_TIME_KERNELS } from "./event-time-functions.js";
import { HASH_KERNELS } from "./hash-functions.js";
import { JSON_KERNELS } from "./json-functions.js";
import { MATH_KERNELS } from "./math-functions.js";
import { STRING_KERNELS } from "./string-functions.js";
import { HIGHER_ORDER_KERNELS } from "./higher-order-functions.js";
import { MISC_KERNELS } from "./misc-functions.js";
import { INTERVAL_KERNELS } from "./interval-functions.js";

const KERNELS: Readonly<Record<string, KernelFactory>> = merge([
  CONDITIONAL_KERNELS,
  STRING_KERNELS,
  DATETIME_KERNELS,
  DATE_KERNELS,
  CSV_KERNELS,
  EVENT_TIME_KERNELS,
  HASH_KERNELS,
  MATH_KERNELS,
  JSON_KERNELS,
  COLLECTION_KERNELS,
  HIGHER_ORDER_KERNELS,
  MISC_KERNELS,
  INTERVAL_KERNELS,
  CRYPTO_KERNELS,
  BITMAP_KERNELS,
  XML_KERNELS,
]);

function merge(maps: readonly Readonly<Record<string, KernelFactory>>[]): Record<string, KernelFactory> {
  const out: Record<string, KernelFactory> = {};
  for (const m of maps) {
    for (const [name, f] of Object.entries(m)) {
      if (name in out) throw new InternalError(`eval: two kernels for function '${name}'`);
      out[name] = f;
    }
  }
  return out;
}

/** The kernel for a bound call; an InternalError when the registry and the evaluator disagree. */
export function kernelFor(call: BoundCall): Kernel {
  const f = KERNELS[call.fn.name];
  if (f === undefined) throw new InternalError(`eval: no kernel for function '${call.fn.name}'`);
  return f(call);
}

/** Canonical names the evaluator implements (tests check the registry against it). */
export function kernelNames(): string[] {
  return Object.keys(KERNELS);
}
