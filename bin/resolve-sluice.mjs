// Module resolution hooks for `sluice run`:
// - "sluice" resolves to the running installation's entry point, wherever the importing job lives;
// - a .ts job file (and the .ts files it imports) outside node_modules whose nearest package.json
//   does not declare "type": "commonjs" is loaded as an ES module, so jobs in a bare folder can use
//   `import` and top-level `await` without a package.json of their own.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let entry = "";

export function initialize(data) {
  entry = data.entry;
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier === "sluice" ? entry : specifier, context);
  if (r.url.startsWith("file:") && /\.tsx?$/.test(r.url) && !r.url.includes("/node_modules/") && !declaresCommonJs(r.url)) {
    return { ...r, format: "module" };
  }
  return r;
}

const cache = new Map();

function declaresCommonJs(url) {
  let dir = dirname(fileURLToPath(url));
  const seen = [];
  for (;;) {
    if (cache.has(dir)) return remember(seen, cache.get(dir));
    seen.push(dir);
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      let type;
      try {
        type = JSON.parse(readFileSync(pkg, "utf8")).type;
      } catch {
        type = undefined;
      }
      return remember(seen, type === "commonjs");
    }
    const parent = dirname(dir);
    if (parent === dir) return remember(seen, false);
    dir = parent;
  }
}

function remember(dirs, value) {
  for (const d of dirs) cache.set(d, value);
  return value;
}
