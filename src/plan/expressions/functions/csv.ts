/** CSV functions: from_csv, to_csv, schema_of_csv. */
import type { FunctionDef } from "./define.js";

export const CSV_FUNCTIONS: readonly FunctionDef[] = [];
