// The architecture as data: sluice's layers from top to bottom, and an ESLint rule that keeps the
// import graph to it. A module may import its own layer and the layers below it, never one above.
// docs/ARCHITECTURE.md draws this order; `node scripts/lint/layers.mjs` prints the graph as it is
// (which layer imports which, with counts) to check the drawing against.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Top to bottom; layers in one entry are peers that must not import each other. */
export const LAYERS = [
  ["index", "glue"],
  ["cli"],
  ["api"],
  ["runtime"],
  ["connectors"],
  ["catalog"],
  ["tables"],
  ["exec"],
  ["plan"],
  ["sql"],
  ["state", "checkpoint"],
  ["formats"],
  ["columnar"],
  ["types"],
  ["storage"],
  ["options"],
  ["log"],
  ["errors"],
];

/** Node modules that only these layers may import: the file system belongs to storage (and the CLI's own files). */
const RESTRICTED_NODE = { "node:fs": ["storage", "cli"], "node:fs/promises": ["storage", "cli"] };

const rank = new Map(LAYERS.flatMap((peers, i) => peers.map((l) => [l, i])));

/** The layer of a file under `src/` (`src/tables/delta/x.ts` → `tables`, `src/errors.ts` → `errors`). */
export function layerOf(srcRoot, file) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith("..")) return null;
  const first = rel.split(sep)[0];
  return first.replace(/\.(ts|mts|js|mjs)$/, "");
}

/** The ESLint rule `sluice/layers`. */
export const layersRule = {
  meta: {
    type: "problem",
    docs: { description: "Imports follow the layer order of scripts/lint/layers.mjs (docs/ARCHITECTURE.md)" },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const srcRoot = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), "src");
    const from = layerOf(srcRoot, file);
    if (from === null || !rank.has(from)) return {};
    const check = (node, spec) => {
      if (typeof spec !== "string") return;
      const allowed = RESTRICTED_NODE[spec];
      if (allowed !== undefined && !allowed.includes(from)) {
        context.report({ node, message: `${from}/ must not import ${spec}: only ${allowed.join(" and ")} touch the file system (go through Storage)` });
        return;
      }
      if (!spec.startsWith(".")) return;
      const to = layerOf(srcRoot, resolve(dirname(file), spec));
      if (to === null || to === from || !rank.has(to)) return;
      if (rank.get(to) <= rank.get(from)) {
        const why = rank.get(to) === rank.get(from) ? "a peer layer" : "a layer above it";
        context.report({ node, message: `${from}/ must not import ${to}/ (${why}; see scripts/lint/layers.mjs and docs/ARCHITECTURE.md)` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

// Printed graph: `node scripts/lint/layers.mjs`.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcRoot = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), "src");
  const edges = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts")) {
        const from = layerOf(srcRoot, p);
        for (const m of readFileSync(p, "utf8").matchAll(/(?:from|import\()\s*["'](\.[^"']+)["']/g)) {
          const to = layerOf(srcRoot, resolve(dirname(p), m[1]));
          if (to === null || to === from) continue;
          const k = `${from} -> ${to}`;
          edges.set(k, (edges.get(k) ?? 0) + 1);
        }
      }
    }
  };
  walk(srcRoot);
  for (const [k, n] of [...edges].sort((a, b) => (rank.get(a[0].split(" ")[0]) ?? 99) - (rank.get(b[0].split(" ")[0]) ?? 99) || a[0].localeCompare(b[0]))) {
    console.log(`${k.padEnd(28)} ${n}`);
  }
}
