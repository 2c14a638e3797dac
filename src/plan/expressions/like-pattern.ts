/**
 * SQL LIKE patterns and Java-style regular expressions as JavaScript `RegExp`s.
 */
import { AnalysisError } from "../../errors.js";
import type { LikeShape } from "./bound.js";

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

/**
 * Compiles a LIKE pattern (`%` any run, `_` one character, `escape` before `%`, `_` or itself
 * for the literal character) to an anchored RegExp, as Spark's `StringUtils.escapeLikeRegex`.
 */
export function likeToRegExp(pattern: string, escape = "\\"): RegExp {
  let out = "^";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === escape) {
      const next = chars[i + 1];
      if (next === undefined) throw new AnalysisError(`analysis: LIKE pattern '${pattern}' ends with the escape character`);
      if (next !== "%" && next !== "_" && next !== escape) {
        throw new AnalysisError(`analysis: LIKE pattern '${pattern}' escapes '${next}'; only '%', '_' and the escape character can be escaped`);
      }
      out += next.replace(REGEX_SPECIAL, "\\$&");
      i++;
    } else if (c === "%") out += "[\\s\\S]*";
    else if (c === "_") out += "[\\s\\S]";
    else out += c.replace(REGEX_SPECIAL, "\\$&");
  }
  return new RegExp(`${out}$`, "u");
}

/** The byte-level fast path for a LIKE pattern, or null when it needs the regex. */
export function likeShape(pattern: string, escape = "\\"): LikeShape | null {
  if (pattern.includes("_") || pattern.includes(escape)) return null;
  const lead = pattern.startsWith("%");
  const trail = pattern.length > 1 && pattern.endsWith("%");
  const text = pattern.slice(lead ? 1 : 0, trail ? pattern.length - 1 : pattern.length);
  if (text.includes("%")) return null;
  if (lead && trail) return { op: "contains", text };
  if (lead) return { op: "endsWith", text };
  if (trail) return { op: "startsWith", text };
  return { op: "equals", text };
}

/**
 * Compiles a Java regular expression (RLIKE, regexp_extract, regexp_replace, split) to a RegExp.
 * Leading embedded flags (`(?i)`, `(?s)`, `(?m)`) become RegExp flags; other Java-only syntax
 * (possessive quantifiers, `\p{Alpha}` classes) is not translated and fails as an analysis error.
 */
export function javaRegExp(pattern: string, global = false): RegExp {
  let flags = global ? "g" : "";
  let body = pattern;
  const m = /^\(\?([ims]+)\)/.exec(body);
  if (m !== null) {
    for (const f of m[1]) if (!flags.includes(f)) flags += f;
    body = body.slice(m[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new AnalysisError(`analysis: invalid regular expression '${pattern}': ${(e as Error).message}`, { cause: e });
  }
}
