/** Miscellaneous functions: typeof, uuid, assertions, session and version information. */
import type { FunctionDef } from "./define.js";

export const MISC_FUNCTIONS: readonly FunctionDef[] = [];
