#!/usr/bin/env node
// Extracts the documented examples of Spark 3.5's built-in functions from a Spark source mirror
// into test/conformance/function-examples/examples.json, the way Spark's ExpressionInfoSuite
// ("check outputs of expression examples") reads them:
//   node scripts/extract-function-examples.mjs [--mirror DIR] [--ref REF]
// (default /work/.mirror/hvanhovell+spark/repo at SPARK-44532-3.5). CI has no mirror, so the
// output is committed; rerun this only to move to another Spark commit.
//
// What it replicates:
// - the function names are those of FunctionRegistry.expressions (a Scala Map, so a name
//   registered twice keeps its last entry), each with its class's @ExpressionDescription and
//   `_FUNC_` replaced by the name (ExpressionInfo.getExamples);
// - the examples text is split on "  > "; a piece is an example only when it matches
//   `^(.+);\n(?s)(.+)$` (a one-line query ending in ";", then its output), so multi-line queries
//   are skipped, as the suite skips them;
// - the expected output is the piece's rest with "\n<whitespace>" collapsed to "\n" and trimmed
//   (unindentAndTrim); the runner applies the same to sluice's output;
// - the classes the suite leaves out (current time, random, other nondeterministic, errors) keep
//   their entry with `skipped` and no examples.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const MIRROR = opt("--mirror", "/work/.mirror/hvanhovell+spark/repo");
const REF = opt("--ref", "SPARK-44532-3.5");
const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "test/conformance/function-examples/examples.json");

const EXPRESSIONS_DIR = "sql/catalyst/src/main/scala/org/apache/spark/sql/catalyst/expressions/";
const REGISTRY = "sql/catalyst/src/main/scala/org/apache/spark/sql/catalyst/analysis/FunctionRegistry.scala";
const SUITE = "sql/core/src/test/scala/org/apache/spark/sql/expressions/ExpressionInfoSuite.scala";

const git = (...a) => execFileSync("git", ["-C", MIRROR, ...a], { encoding: "utf8", maxBuffer: 256 << 20 });
const show = (path) => git("show", `${REF}:${path}`);

// ---------------------------------------------------------------------------------------------
// Scala source scanning: string literals (plain with escapes, triple-quoted raw), `+`
// concatenation and comments, enough for annotation arguments.

/** Reads a string-literal expression (`"a" + """b"""`) at `i`; returns [value, end] or null. */
function readStringExpr(src, i) {
  let value = "";
  let any = false;
  for (;;) {
    i = skipSpace(src, i);
    if (src.startsWith('"""', i)) {
      let end = src.indexOf('"""', i + 3);
      if (end < 0) throw new Error(`extract: unterminated """ at ${i}`);
      while (src[end + 3] === '"') end++; // extra quotes before the closing """ belong to the string
      value += src.slice(i + 3, end);
      i = end + 3;
    } else if (src[i] === '"') {
      let j = i + 1;
      let s = "";
      while (src[j] !== '"') {
        if (src[j] === "\\") {
          const c = src[j + 1];
          const esc = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\" }[c];
          if (esc !== undefined) {
            s += esc;
            j += 2;
          } else if (c === "u") {
            s += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
          } else throw new Error(`extract: unknown escape \\${c} at ${j}`);
        } else s += src[j++];
      }
      value += s;
      i = j + 1;
    } else {
      return any ? [value, i] : null;
    }
    any = true;
    const k = skipSpace(src, i);
    if (src[k] !== "+") return [value, i];
    i = k + 1;
  }
}

function skipSpace(src, i) {
  for (;;) {
    while (i < src.length && /\s/.test(src[i])) i++;
    if (src.startsWith("//", i)) i = src.indexOf("\n", i);
    else if (src.startsWith("/*", i)) i = src.indexOf("*/", i) + 2;
    else return i;
  }
}

/** The `key = "literal"` arguments of the annotation whose "(" is at `open`; [args, end]. */
function readAnnotationArgs(src, open) {
  const out = {};
  let i = open + 1;
  for (;;) {
    i = skipSpace(src, i);
    if (src[i] === ")") return [out, i + 1];
    if (src[i] === ",") {
      i++;
      continue;
    }
    const m = /^(\w+)\s*=\s*/.exec(src.slice(i, i + 100));
    if (m === null) throw new Error(`extract: unexpected annotation text ${JSON.stringify(src.slice(i, i + 60))}`);
    i += m[0].length;
    const lit = readStringExpr(src, i);
    if (lit === null) throw new Error(`extract: annotation argument ${m[1]} is not a string literal`);
    out[m[1]] = lit[0];
    i = lit[1];
  }
}

/** Every @ExpressionDescription of the expressions folder: simple class name → description. */
function readDescriptions() {
  const files = git("ls-tree", "-r", "--name-only", REF, EXPRESSIONS_DIR)
    .split("\n")
    .filter((f) => f.endsWith(".scala"));
  const byName = new Map();
  for (const file of files) {
    const src = show(file);
    const pkg = /^package\s+([\w.]+)/m.exec(src)?.[1];
    const re = /@ExpressionDescription\s*\(/g;
    let m;
    while ((m = re.exec(src)) !== null) {
      const [desc, end] = readAnnotationArgs(src, m.index + m[0].length - 1);
      const decl = /\b(?:case\s+class|class|object)\s+(\w+)/.exec(src.slice(end));
      if (decl === null) throw new Error(`extract: no class after the annotation at ${file}:${m.index}`);
      const name = decl[1];
      if (byName.has(name)) throw new Error(`extract: class ${name} is described twice (${byName.get(name).file}, ${file})`);
      byName.set(name, { className: `${pkg}.${name}`, file, ...desc });
    }
  }
  return byName;
}

// ---------------------------------------------------------------------------------------------
// FunctionRegistry.expressions: name → class (or a fixed ExpressionInfo).

function readRegistry(descriptions) {
  const src = show(REGISTRY);
  const start = src.indexOf("val expressions: Map[String, (ExpressionInfo, FunctionBuilder)] = Map(");
  const end = src.indexOf("val builtin: SimpleFunctionRegistry");
  if (start < 0 || end < 0) throw new Error("extract: FunctionRegistry.expressions not found");
  const body = src.slice(start, end).replace(/\/\/.*$/gm, "");
  const entries = new Map();
  const set = (name, info) => entries.set(name, info); // Map(...) keeps the last of a name
  const described = (cls) => {
    const d = descriptions.get(cls);
    if (d === undefined) throw new Error(`extract: class ${cls} has no @ExpressionDescription`);
    return d;
  };
  const patterns = [
    [/\bexpression\[(\w+)\]\(\s*"([^"]+)"/g, (m) => set(m[2], described(m[1]))],
    [/\bexpressionGeneratorOuter\[(\w+)\]\(\s*"([^"]+)"/g, (m) => set(m[2], described(m[1]))],
    [/\bexpression(?:Generator)?Builder(?:Outer)?\(\s*"([^"]+)",\s*(\w+)/g, (m) => set(m[1], described(m[2]))],
    [/\bcastAlias\(\s*"([^"]+)"/g, (m) => set(m[1], { className: "org.apache.spark.sql.catalyst.expressions.Cast", group: "conversion_funcs", examples: "" })],
    [/\bCreateStruct\.registryEntry\b/g, () => set("struct", createStructInfo())],
  ];
  // Registration order matters for repeated names, so collect every match with its position.
  const found = [];
  for (const [re, apply] of patterns) for (const m of body.matchAll(re)) found.push([m.index, () => apply(m)]);
  for (const [, apply] of found.sort((a, b) => a[0] - b[0])) apply();
  return entries;
}

/** `struct`'s ExpressionInfo is built by hand in CreateStruct.registryEntry (a stripMargin text). */
function createStructInfo() {
  const src = show(`${EXPRESSIONS_DIR}complexTypeCreator.scala`);
  const at = src.indexOf("val registryEntry");
  const m = /"""([\s\S]*?)"""\.stripMargin,\s*"",\s*"(\w+)"/.exec(src.slice(at));
  if (m === null) throw new Error("extract: CreateStruct.registryEntry not understood");
  const examples = m[1].replace(/^[ \t]*\|/gm, "");
  return { className: "org.apache.spark.sql.catalyst.expressions.CreateNamedStruct", group: m[2], examples };
}

// ---------------------------------------------------------------------------------------------
// The suite's skips and example parsing.

/** The ignoreSet of "check outputs of expression examples", read from the suite itself. */
function readIgnoreSet() {
  const src = show(SUITE);
  const at = src.indexOf('test("check outputs of expression examples")');
  const block = src.slice(src.indexOf("val ignoreSet = Set(", at), src.indexOf("val parFuncs", at));
  const out = new Map();
  let reason = "";
  for (const line of block.split("\n")) {
    const comment = /^\s*\/\/\s*(.+)$/.exec(line);
    if (comment !== null) {
      reason = comment[1].trim();
      continue;
    }
    for (const m of line.matchAll(/"([\w.]+)"|classOf\[(\w+)\]/g)) {
      out.set(m[1] ?? `org.apache.spark.sql.catalyst.expressions.${m[2]}`, reason);
    }
  }
  return out;
}

/** Java's String.trim: strips every char <= U+0020 at both ends. */
function javaTrim(s) {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}
/** The suite's unindentAndTrim: `s.replaceAll("\n\\s+", "\n").trim` (Java's `\s` is [ \t\n\v\f\r]). */
const unindentAndTrim = (s) => javaTrim(s.replace(/\n[ \t\n\v\f\r]+/g, "\n"));

/** The checked examples of one function's examples text (`_FUNC_` already replaced). */
function parseExamples(text) {
  const out = [];
  let unchecked = 0;
  for (const piece of text.split("  > ")) {
    const m = /^(.+);\n([\s\S]+)$/.exec(piece);
    if (m === null) {
      if (/;\s*\n/.test(piece)) unchecked++; // a query over several lines: the suite skips it too
      continue;
    }
    const expected = unindentAndTrim(m[2]);
    out.push({ query: m[1], expected: expected === "" ? [] : expected.split("\n") });
  }
  return { examples: out, unchecked };
}

/** JSON with one function per block and one example per line, so a diff reads per example. */
function formatCorpus(out) {
  const fns = Object.entries(out.functions).map(([name, f]) => {
    const head = Object.entries(f)
      .filter(([k]) => k !== "examples")
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const examples = f.examples.map((e) => `        ${JSON.stringify(e)}`).join(",\n");
    const body = [...head.map((h) => `    ${h}`), `    "examples": [${examples === "" ? "]" : `\n${examples}\n      ]`}`];
    return `    ${JSON.stringify(name)}: {\n${body.map((b) => `  ${b}`).join(",\n")}\n    }`;
  });
  return `{\n  "about": ${JSON.stringify(out.about)},\n  "spark": ${JSON.stringify(out.spark)},\n  "functions": {\n${fns.join(",\n")}\n  }\n}\n`;
}

// ---------------------------------------------------------------------------------------------

const commit = git("rev-parse", REF).trim();
const descriptions = readDescriptions();
const registry = readRegistry(descriptions);
const ignore = readIgnoreSet();
const functions = {};
let exampleCount = 0;
let uncheckedCount = 0;
for (const name of [...registry.keys()].sort()) {
  const d = registry.get(name);
  // ExpressionInfo.getExamples: replaceAll("_FUNC_", name); an old-style `extended` has no examples.
  const text = d.extended ? "" : (d.examples ?? "").replaceAll("_FUNC_", name);
  const entry = { class: d.className, group: d.group ?? "" };
  const skipReason = ignore.get(d.className);
  if (skipReason !== undefined) {
    functions[name] = { ...entry, skipped: skipReason, examples: [] };
    continue;
  }
  const { examples, unchecked } = parseExamples(text);
  exampleCount += examples.length;
  uncheckedCount += unchecked;
  functions[name] = { ...entry, examples };
}

const out = {
  about:
    "Spark 3.5's documented examples of its built-in functions (the @ExpressionDescription examples of each name in FunctionRegistry), as ExpressionInfoSuite checks them. Generated by scripts/extract-function-examples.mjs; do not edit. Apache-2.0, see README.md.",
  spark: { repository: "https://github.com/apache/spark", ref: REF, commit },
  functions,
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, formatCorpus(out));
const names = Object.keys(functions);
const skipped = names.filter((n) => functions[n].skipped !== undefined).length;
console.log(
  `extract-function-examples: ${names.length} functions (${skipped} skipped as the suite skips them), ${exampleCount} examples (${uncheckedCount} multi-line queries skipped) from ${commit.slice(0, 12)} → ${OUT}`,
);
