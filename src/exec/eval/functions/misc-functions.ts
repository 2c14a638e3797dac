/**
 * Miscellaneous function kernels: constants resolved at analysis (typeof, session and version
 * information), uuid, assert_true / raise_error (which fail the query with the message, as Spark's
 * RuntimeException does), equal_null, and the partition functions of a single partition 0.
 */
import { randomUUID } from "node:crypto";
import { nullVector } from "../../../columnar/build.js";
import { isValid } from "../../../columnar/vector.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import { IntegerType, LongType, NullType, StringType } from "../../../types/data-types.js";
import { compareVectors } from "../compare.js";
import { broadcastLiteral, boolVector, longVector, numberVector, stringsVector } from "../vectors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { currentInputFile } from "../input-file.js";
import { fixed } from "./kernel.js";

/** A string constant the definition resolved into `options.value`. */
const constantString: KernelFactory = (call) => {
  const value = call.fn.options.value ?? "";
  return (_args, n) => broadcastLiteral(value, StringType(), n);
};

const uuidKernel: Kernel = (_args, n) => {
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) values[i] = randomUUID();
  return stringsVector(StringType(), values);
};

/** assert_true(cond[, message]): null, or fails the query where cond is false or null. */
const assertTrueKernel: KernelFactory = (call) => {
  const fallback = call.fn.options.message ?? "assertion failed";
  return ([cond, message], n) => {
    if (cond.kind !== "bool" && cond.kind !== "null") throw new ExecutionError(`assert_true: expected a boolean vector, got ${cond.type.typeName}`);
    for (let i = 0; i < n; i++) {
      if (cond.kind === "bool" && isValid(cond, i) && cond.values[i] === 1) continue;
      throw new ExecutionError(message === undefined ? fallback : textAt(message, i) ?? "null");
    }
    return nullVector(NullType(), n);
  };
};

/** raise_error(message): fails the query with the first row's message. */
const raiseErrorKernel: Kernel = ([message], n) => {
  if (n > 0) throw new ExecutionError(textAt(message, 0) ?? "null");
  return nullVector(NullType(), n);
};

function textAt(v: (Parameters<Kernel>[0])[number], i: number): string | null {
  if (v.kind !== "bytes" || !isValid(v, i)) return null;
  return decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
}

/** equal_null(a, b): `a <=> b`, never null. */
const equalNullKernel: Kernel = ([a, b]) => {
  const r = compareVectors("<=>", a, b);
  return boolVector(r.values, null);
};

/** monotonically_increasing_id(): partition 0's row counter, continuing across batches. */
const monotonicIdKernel: KernelFactory = () => {
  let next = 0n;
  return (_args, n) => {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = next++;
    return longVector(LongType(), out, null);
  };
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const MISC_KERNELS: Readonly<Record<string, KernelFactory>> = {
  typeof: constantString,
  current_database: constantString,
  current_catalog: constantString,
  current_user: constantString,
  version: constantString,
  uuid: fixed(uuidKernel),
  assert_true: assertTrueKernel,
  raise_error: fixed(raiseErrorKernel),
  equal_null: fixed(equalNullKernel),
  spark_partition_id: fixed((_args, n) => numberVector(IntegerType(), new Int32Array(n), null)),
  input_file_name: fixed((_args, n) => broadcastLiteral(currentInputFile().path, StringType(), n)),
  input_file_block_start: fixed((_args, n) => broadcastLiteral(BigInt(currentInputFile().start), LongType(), n)),
  input_file_block_length: fixed((_args, n) => broadcastLiteral(BigInt(currentInputFile().length), LongType(), n)),
  monotonically_increasing_id: monotonicIdKernel,
};
