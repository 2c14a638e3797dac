/**
 * Conditional function kernels built on row-wise selection: coalesce / nvl, nvl2, if, nullif,
 * greatest, least (the last two skip nulls, as Spark).
 */
import { nullVector } from "../../../columnar/build.js";
import { choose, markWhere } from "../logic.js";
import { compareVectors, fillSigns } from "../compare.js";
import { validity } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

/** coalesce(a, b, ...): the first non-null argument. */
export const coalesceKernel: Kernel = (args, n, _ctx, call) => {
  const choice = new Int32Array(n).fill(-1);
  for (let k = 0; k < args.length; k++) {
    const m = validity(args[k]);
    for (let i = 0; i < n; i++) if (choice[i] < 0 && (m === null || m[i] === 1)) choice[i] = k;
  }
  return choose(call.dataType, args, choice);
};

/** if(cond, a, b): a where cond is true, b where it is false or null. */
export const ifKernel: Kernel = ([cond, a, b], n, _ctx, call) => {
  const choice = new Int32Array(n).fill(-2);
  markWhere(cond, choice, 0, -2);
  for (let i = 0; i < n; i++) if (choice[i] === -2) choice[i] = 1;
  return choose(call.dataType, [a, b], choice);
};

/** nvl2(a, b, c): b where a is not null, else c. */
export const nvl2Kernel: Kernel = ([a, b, c], n, _ctx, call) => {
  const m = validity(a);
  const choice = new Int32Array(n);
  for (let i = 0; i < n; i++) choice[i] = m === null || m[i] === 1 ? 0 : 1;
  return choose(call.dataType, [b, c], choice);
};

/** nullif(a, b): null where a = b, else a. */
export const nullifKernel: Kernel = ([a, b], n, _ctx, call) => {
  const eq = compareVectors("=", a, b);
  const choice = new Int32Array(n);
  for (let i = 0; i < n; i++) choice[i] = eq.values[i] === 1 && (eq.valid === null || eq.valid[i] === 1) ? -1 : 0;
  return choose(call.dataType, [a], choice);
};

/** greatest / least: the largest (smallest) non-null argument; null when all are null. */
export function extremumKernel(greatest: boolean): Kernel {
  return (args, n, _ctx, call) => {
    const choice = new Int32Array(n).fill(-1);
    const signs = new Int8Array(n);
    for (let k = 0; k < args.length; k++) {
      const v = args[k];
      const m = validity(v);
      // Compare against the current best: materialize it once per argument.
      const cur = k === 0 ? nullVector(call.dataType, n) : choose(call.dataType, args, choice);
      fillSigns(v, cur, signs);
      const cm = validity(cur);
      for (let i = 0; i < n; i++) {
        if (m !== null && m[i] === 0) continue;
        if (choice[i] < 0 || (cm !== null && cm[i] === 0) || (greatest ? signs[i] > 0 : signs[i] < 0)) choice[i] = k;
      }
    }
    return choose(call.dataType, args, choice);
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const CONDITIONAL_KERNELS: Readonly<Record<string, KernelFactory>> = {
  coalesce: fixed(coalesceKernel),
  nvl: fixed(coalesceKernel),
  nvl2: fixed(nvl2Kernel),
  if: fixed(ifKernel),
  nullif: fixed(nullifKernel),
  greatest: fixed(extremumKernel(true)),
  least: fixed(extremumKernel(false)),
};
