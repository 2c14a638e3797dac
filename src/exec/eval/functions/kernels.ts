/**
 * The evaluator's side of the function registry: canonical function name → kernel factory.
 * Every scalar function in `plan/expressions/function-registry.ts` has an entry here.
 */
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { InternalError } from "../../../errors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import {
  caseMap,
  concatKernel,
  concatWsKernel,
  lengthKernel,
  regexpExtractKernel,
  regexpReplaceKernel,
  splitKernel,
  substringKernel,
  trimKernel,
  affixKernel,
  locateKernel,
} from "./string-functions.js";
import {
  currentDateKernel,
  currentTimestampKernel,
  dateFormatKernel,
  datePartKernel,
  dateTruncKernel,
  fromUnixtimeKernel,
  timePartKernel,
  toDateKernel,
  toTimestampKernel,
  unixTimestampKernel,
  extractKernel,
} from "./datetime-functions.js";
import { crc32Kernel, hashKernel, md5Kernel, sha1Kernel, sha2Kernel } from "./hash-functions.js";
import { absKernel, floorCeilKernel, isnanKernel, roundKernel } from "./math-functions.js";
import { coalesceKernel, extremumKernel, ifKernel, nullifKernel } from "./conditional-functions.js";
import { arrayKernel, itemKernel, sizeKernel, structKernel } from "./collection-functions.js";
import { fromJsonKernel, getJsonObjectKernel, toJsonKernel } from "./json-functions.js";
import { sessionWindowKernel, timeWindowKernel, windowTimeKernel } from "./event-time-functions.js";

const fixed = (k: Kernel): KernelFactory => () => k;

const KERNELS: Readonly<Record<string, KernelFactory>> = {
  coalesce: fixed(coalesceKernel),
  nvl: fixed(coalesceKernel),
  if: fixed(ifKernel),
  nullif: fixed(nullifKernel),
  greatest: fixed(extremumKernel(true)),
  least: fixed(extremumKernel(false)),
  concat: fixed(concatKernel),
  concat_ws: fixed(concatWsKernel),
  lower: fixed(caseMap(false)),
  upper: fixed(caseMap(true)),
  trim: (call) => trimKernel(true, true, call),
  ltrim: (call) => trimKernel(true, false, call),
  rtrim: (call) => trimKernel(false, true, call),
  length: fixed(lengthKernel),
  substring: fixed(substringKernel),
  regexp_extract: regexpExtractKernel,
  regexp_replace: regexpReplaceKernel,
  split: splitKernel,
  to_timestamp: toTimestampKernel,
  to_date: toDateKernel,
  current_timestamp: fixed(currentTimestampKernel),
  current_date: fixed(currentDateKernel),
  date_trunc: dateTruncKernel,
  date_format: dateFormatKernel,
  unix_timestamp: unixTimestampKernel,
  from_unixtime: fromUnixtimeKernel,
  year: fixed(datePartKernel(0)),
  month: fixed(datePartKernel(1)),
  dayofmonth: fixed(datePartKernel(2)),
  hour: fixed(timePartKernel("hour")),
  minute: fixed(timePartKernel("minute")),
  second: fixed(timePartKernel("second")),
  sha2: fixed(sha2Kernel),
  md5: fixed(md5Kernel),
  sha1: fixed(sha1Kernel),
  crc32: fixed(crc32Kernel),
  hash: fixed(hashKernel),
  abs: fixed(absKernel),
  round: roundKernel,
  floor: fixed(floorCeilKernel(false)),
  ceil: fixed(floorCeilKernel(true)),
  isnan: fixed(isnanKernel),
  get_json_object: getJsonObjectKernel,
  from_json: fromJsonKernel,
  to_json: toJsonKernel,
  struct: fixed(structKernel),
  "#time_window": timeWindowKernel,
  "#session_window": sessionWindowKernel,
  window_time: fixed(windowTimeKernel),
  named_struct: fixed(structKernel),
  array: fixed(arrayKernel),
  size: fixed(sizeKernel),
  element_at: fixed(itemKernel),
  get_item: fixed(itemKernel),
  startswith: fixed(affixKernel("startsWith")),
  endswith: fixed(affixKernel("endsWith")),
  contains: fixed(affixKernel("contains")),
  extract: extractKernel,
  locate: fixed(locateKernel),
};

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
