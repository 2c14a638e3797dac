/** Higher-order functions: lambdas over arrays and maps. */
import type { FunctionDef } from "./define.js";

export const HIGHER_ORDER_FUNCTIONS: readonly FunctionDef[] = [];
