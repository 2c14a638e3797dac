/**
 * The scalar function kernel contract: a kernel receives its evaluated argument vectors (all of
 * the batch's length) and returns the result vector. Factories get the bound call once, at
 * compile time, so constant arguments (regexes, patterns) are prepared once per query.
 */
import type { Vector } from "../../../columnar/vector.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import type { LiteralValue } from "../../../sql/expression.js";
import type { EvalContext } from "../vectors.js";

export type Kernel = (args: readonly Vector[], n: number, ctx: EvalContext, call: BoundCall) => Vector;

/** Builds the kernel for one bound call. */
export type KernelFactory = (call: BoundCall) => Kernel;

/** The value of argument `k` when it is a literal (or a cast of one folded at bind time), else undefined. */
export function literalArg(call: BoundCall, k: number): LiteralValue | undefined {
  const a = call.args[k];
  return a !== undefined && a.kind === "literal" ? a.value : undefined;
}

/** A factory for a kernel that needs nothing from the call. */
export const fixed = (k: Kernel): KernelFactory => () => k;
