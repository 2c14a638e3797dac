/**
 * A batch: a schema plus one vector per top-level field, all of the same length.
 * Operators pass batches; no operator sees row objects.
 */
import type { StructType } from "../types/data-types.js";
import { InternalError } from "../errors.js";
import type { Vector } from "./vector.js";

export interface Batch {
  readonly schema: StructType;
  readonly columns: readonly Vector[];
  readonly numRows: number;
}

/** Builds a batch, checking that column count and lengths agree with the schema. */
export function makeBatch(schema: StructType, columns: readonly Vector[], numRows?: number): Batch {
  if (columns.length !== schema.fields.length) {
    throw new InternalError(`batch: schema has ${schema.fields.length} fields but ${columns.length} columns were given`);
  }
  const n = numRows ?? (columns.length > 0 ? columns[0].length : 0);
  for (let i = 0; i < columns.length; i++) {
    if (columns[i].length !== n) {
      throw new InternalError(`batch: column '${schema.fields[i].name}' has ${columns[i].length} rows, expected ${n}`);
    }
  }
  return Object.freeze({ schema, columns: Object.freeze([...columns]), numRows: n });
}
