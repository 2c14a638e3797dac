/**
 * JSON function kernels: from_json and to_json delegate to the JSON codec in `exec/json`;
 * get_json_object evaluates a JSONPath subset (`$.a.b[0]`, `$['a']`) with `JSON.parse` per row.
 */
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { StringType } from "../../../types/data-types.js";
import { fromJson } from "../../json/from-json.js";
import type { FromJsonOptions } from "../../json/from-json.js";
import { resolveJsonOptions } from "../../json/json-options.js";
import { toJson } from "../../json/to-json.js";
import type { JsonGeneratorOptions } from "../../json/to-json.js";
import type { Kernel } from "./kernel.js";
import { literalArg } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";

/** from_json(json, schema[, options]): the call's data type is the schema. */
export function fromJsonKernel(call: BoundCall): Kernel {
  // Option values stay strings, as in Spark's option map; the codec validates and converts them.
  const options: FromJsonOptions = { ...call.fn.options };
  resolveJsonOptions("from_json", options);
  return ([v]) => fromJson(v, call.dataType, options);
}

/**
 * to_json(struct | array | map[, options]): `ignoreNullFields` and `timeZone` are honoured; other
 * JSON options are accepted and ignored (Spark's generator has no use for parse options either).
 */
export function toJsonKernel(call: BoundCall): Kernel {
  const o = call.fn.options;
  const ignore = Object.entries(o).find(([k]) => k.toLowerCase() === "ignorenullfields")?.[1];
  const zone = Object.entries(o).find(([k]) => k.toLowerCase() === "timezone")?.[1];
  const options: JsonGeneratorOptions = {
    ...(ignore === undefined ? {} : { ignoreNullFields: ignore.trim().toLowerCase() !== "false" }),
    ...(zone === undefined ? {} : { timeZone: zone }),
  };
  return ([v]) => toJson(v, options);
}

type PathStep = string | number;

/** Parses `$.a.b[0]['c']`; null for a path Spark would reject (null result). */
export function parseJsonPath(path: string): PathStep[] | null {
  if (!path.startsWith("$")) return null;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      let j = i + 1;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      const name = path.slice(i + 1, j);
      if (name === "") return null;
      steps.push(name);
      i = j;
    } else if (c === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) return null;
      const inner = path.slice(i + 1, end).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^'.*'$/.test(inner)) steps.push(inner.slice(1, -1));
      else return null;
      i = end + 1;
    } else return null;
  }
  return steps;
}

function evalPath(json: string, steps: readonly PathStep[]): string | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  for (const s of steps) {
    if (v === null || typeof v !== "object") return null;
    if (typeof s === "number") {
      if (!Array.isArray(v) || s >= v.length) return null;
      v = v[s];
    } else {
      if (Array.isArray(v)) return null;
      const o = v as Record<string, unknown>;
      if (!Object.prototype.hasOwnProperty.call(o, s)) return null;
      v = o[s];
    }
  }
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** get_json_object(json, path): the value as text (strings unquoted), null when absent or invalid. */
export function getJsonObjectKernel(call: BoundCall): Kernel {
  const lit = literalArg(call, 1);
  const fixed = typeof lit === "string" ? parseJsonPath(lit) : undefined;
  return ([v, p], n) => {
    if (v.kind !== "bytes") throw new ExecutionError(`get_json_object: expected a string, got ${v.type.typeName}`);
    const b = new BytesBuilder(n);
    for (let i = 0; i < n; i++) {
      let steps = fixed;
      if (steps === undefined) {
        steps = p.kind === "bytes" && isValid(p, i) ? parseJsonPath(decodeUtf8(p.data, p.offsets[i], p.offsets[i + 1])) : null;
      }
      const r = !isValid(v, i) || steps === null ? null : evalPath(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]), steps);
      if (r === null) b.appendNull();
      else b.appendString(r);
    }
    return b.finish(StringType());
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const JSON_KERNELS: Readonly<Record<string, KernelFactory>> = {
  get_json_object: getJsonObjectKernel,
  from_json: fromJsonKernel,
  to_json: toJsonKernel,
};
