/**
 * XPath kernels on `@xmldom/xmldom` (the DOM) and `xpath` (XPath 1.0), the well-kept libraries
 * that stand in for the JDK's javax.xml Spark uses. Each row's XML is parsed once. Null or empty
 * XML gives null; XML that does not parse is Spark's error naming the document.
 *
 * Both libraries load on the first XPath call, not with the engine: together they cost every
 * start-up some 35 ms, and few jobs query XML. Kernels are synchronous, so the load is a
 * `require` (both packages are CommonJS and stay external in the dist/ bundle).
 */
import { createRequire } from "node:module";
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder, vectorFromValues } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { literalArg } from "./kernel.js";
import type { Kernel, KernelFactory } from "./kernel.js";

type Xmldom = typeof import("@xmldom/xmldom");
type XPath = typeof import("xpath");

let libs: { readonly xmldom: Xmldom; readonly xpath: XPath } | undefined;

/** The two XML libraries, loaded on first use. */
function xmlLibs(): { readonly xmldom: Xmldom; readonly xpath: XPath } {
  if (libs === undefined) {
    const require = createRequire(import.meta.url);
    libs = { xmldom: require("@xmldom/xmldom") as Xmldom, xpath: require("xpath") as XPath };
  }
  return libs;
}

type Mode = "nodes" | "string" | "boolean" | "number";

const MODES: Readonly<Record<string, Mode>> = {
  xpath: "nodes",
  xpath_string: "string",
  xpath_boolean: "boolean",
  xpath_double: "number",
  xpath_float: "number",
  xpath_int: "number",
  xpath_long: "number",
  xpath_short: "number",
};

/** The DOM of `text`, or Spark's error for XML that does not parse. */
function parseXml(fn: string, text: string): Document {
  let failed: string | null = null;
  const parser = new (xmlLibs().xmldom.DOMParser)({
    onError: (level: string, message: string) => {
      if (level !== "warning") failed ??= message;
    },
  });
  let doc: Document | null = null;
  try {
    doc = parser.parseFromString(text, "text/xml") as unknown as Document;
  } catch (e) {
    failed = (e as Error).message;
  }
  if (failed !== null || doc === null) throw new ExecutionError(`${fn}: Invalid XML document: ${text}`);
  return doc;
}

/** The value of an XPath result as Spark's mode reads it. */
function evaluate(mode: Mode, path: string, doc: Document): unknown {
  const { xpath } = xmlLibs();
  switch (mode) {
    case "nodes": {
      const r = xpath.select(path, doc as unknown as Node);
      const nodes = Array.isArray(r) ? r : [];
      return nodes.map((node) => (typeof node === "object" && node !== null && "nodeValue" in node ? (node as Node).nodeValue : null));
    }
    case "string":
      return String(xpath.select(`string(${path})`, doc as unknown as Node));
    case "boolean":
      return Boolean(xpath.select(`boolean(${path})`, doc as unknown as Node));
    case "number":
      return Number(xpath.select(`number(${path})`, doc as unknown as Node));
  }
}

/** Java's `Double.intValue`/`longValue`/`shortValue`: truncation, NaN to 0, saturation (short wraps the int). */
function narrow(fn: string, v: number): number | bigint {
  if (fn === "xpath_double" || fn === "xpath_float") return v;
  if (Number.isNaN(v)) return fn === "xpath_long" ? 0n : 0;
  if (fn === "xpath_long") return v >= 9.223372036854776e18 ? 9223372036854775807n : v <= -9.223372036854776e18 ? -9223372036854775808n : BigInt(Math.trunc(v));
  const i = v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
  return fn === "xpath_short" ? (i << 16) >> 16 : i;
}

function xpathKernel(call: BoundCall): Kernel {
  const fn = call.fn.name;
  const mode = MODES[fn];
  const literal = literalArg(call, 1);
  return (args, n) => {
    const [xmlV, pathV] = args;
    const out: unknown[] = new Array<unknown>(n).fill(null);
    for (let i = 0; i < n; i++) {
      if (!isValid(xmlV, i) || xmlV.kind !== "bytes") continue;
      const text = decodeUtf8(xmlV.data, xmlV.offsets[i], xmlV.offsets[i + 1]);
      const path = typeof literal === "string" ? literal : pathV.kind === "bytes" && isValid(pathV, i) ? decodeUtf8(pathV.data, pathV.offsets[i], pathV.offsets[i + 1]) : null;
      if (text.length === 0 || path === null) continue;
      const v = evaluate(mode, path, parseXml(fn, text));
      out[i] = mode === "number" ? narrow(fn, v as number) : v;
    }
    if (mode === "string") {
      const b = new BytesBuilder(n);
      for (const v of out) if (v === null) b.appendNull();
      else b.appendString(v as string);
      return b.finish(call.dataType);
    }
    return vectorFromValues(call.dataType, out) as Vector;
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const XML_KERNELS: Readonly<Record<string, KernelFactory>> = Object.fromEntries(Object.keys(MODES).map((k) => [k, xpathKernel]));
