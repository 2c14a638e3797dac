/** Date functions that need no time zone: date arithmetic, calendar fields, epoch conversions. */
import type { FunctionDef } from "./define.js";

export const DATE_FUNCTIONS: readonly FunctionDef[] = [];
