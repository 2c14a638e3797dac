/**
 * Binding of lambdas (Spark's `ResolveLambdaVariables`): a higher-order call binds its other
 * arguments first, then each lambda with typed parameters from them; inside a lambda's body a
 * parameter shadows an input column of the same name, and the innermost lambda wins.
 */
import { AnalysisError } from "../../errors.js";
import type { Expr, LambdaExpr } from "../../sql/expression.js";
import type { BoundExpr, BoundLambda, BoundLambdaVar } from "./bound.js";
import type { FunctionDef, HigherOrderSpec, LambdaParam, ResolveContext } from "./functions/define.js";

/** What lambda binding needs from the binder. */
export interface LambdaBinder {
  /** Binds `e` with `vars` in scope (innermost), or in the current scope when `vars` is empty. */
  bindWith(e: Expr, vars: readonly BoundLambdaVar[]): BoundExpr;
  /** Whether two names are the same under the session's case sensitivity. */
  sameName(a: string, b: string): boolean;
}

/**
 * The bound arguments of a call of the higher-order function `def`: the other arguments as
 * `def.higherOrder.lambdaParams` coerces them, and a {@link BoundLambda} at each function position.
 * `resolve` is left to the caller.
 */
export function bindHigherOrderArgs(
  def: FunctionDef & { readonly higherOrder: HigherOrderSpec },
  name: string,
  raw: readonly Expr[],
  argNames: readonly string[],
  binder: LambdaBinder,
  helpers: Pick<ResolveContext, "cast" | "sql">,
): BoundExpr[] {
  const spec = def.higherOrder;
  const isFunction = (i: number): boolean => spec.functionArgs.includes(i);
  const placeholder: BoundExpr = { kind: "literal", value: null, dataType: { typeName: "null" }, nullable: true };
  const args = raw.map((a, i) => (isFunction(i) ? placeholder : binder.bindWith(a, [])));
  const declared = spec.functionArgs.map((i) => {
    const a = raw[i];
    return a !== undefined && a.kind === "lambda" ? a.params.length : null;
  });
  const { args: coerced, params } = spec.lambdaParams({ name, args, raw, argNames, ...helpers }, declared);
  const out = [...coerced];
  spec.functionArgs.forEach((pos, k) => {
    const a = raw[pos];
    if (a === undefined) return;
    out[pos] = a.kind === "lambda" ? bindLambda(a, params[k], binder) : hiddenLambda(a, params[k], binder);
  });
  return out;
}

/** The error for a lambda outside a higher-order function's function argument. */
export function misplacedLambda(fn: string | null): AnalysisError {
  return new AnalysisError(
    `analysis: [INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION] A lambda function should only be used in a higher order function${fn === null ? "" : `, but ${fn} is not one`}`,
  );
}

/** The innermost variable of `scopes` (innermost last) named `name`, or undefined. */
export function lookupLambdaVar(scopes: readonly (readonly BoundLambdaVar[])[], name: string, sameName: (a: string, b: string) => boolean): BoundLambdaVar | undefined {
  for (let s = scopes.length - 1; s >= 0; s--) {
    const hit = scopes[s].find((v) => sameName(v.name, name));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

let nextLambdaVarId = 0;

/** A fresh lambda variable: ids are unique in the process, so bound trees can be combined. */
function newVar(name: string, p: LambdaParam): BoundLambdaVar {
  return { kind: "lambdaVar", id: nextLambdaVarId++, name, dataType: p.dataType, nullable: p.nullable };
}

function bindLambda(e: LambdaExpr, params: readonly LambdaParam[], binder: LambdaBinder): BoundLambda {
  if (e.params.length !== params.length) {
    throw new AnalysisError(
      `analysis: [INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH] A higher order function expects ${params.length} arguments, but got ${e.params.length}`,
    );
  }
  e.params.forEach((p, i) => {
    if (e.params.findIndex((q) => binder.sameName(p, q)) !== i) {
      throw new AnalysisError(
        `analysis: [INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES] The lambda function has duplicate arguments ${e.params.map((x) => `\`${x}\``).join(", ")}`,
      );
    }
  });
  const vars = e.params.map((p, i) => newVar(p, params[i]));
  const body = binder.bindWith(e.body, vars);
  return { kind: "lambda", params: vars, body, dataType: body.dataType, nullable: body.nullable };
}

/** An expression in a function position: a lambda whose parameters nothing can name (Spark's hidden lambda). */
function hiddenLambda(e: Expr, params: readonly LambdaParam[], binder: LambdaBinder): BoundLambda {
  const body = binder.bindWith(e, []);
  const vars = params.map((p, i) => newVar(`col${i}`, p));
  return { kind: "lambda", params: vars, body, dataType: body.dataType, nullable: body.nullable };
}
