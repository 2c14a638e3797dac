// Module resolution hooks for `sluice run`:
// - "sluice" and "sluice/glue" resolve to the running installation's entry points, wherever the
//   importing job lives;
// - a .ts job file (and the .ts files it imports) outside node_modules whose nearest package.json
//   does not declare "type": "commonjs" is loaded as an ES module, so jobs in a bare folder can use
//   `import` and top-level `await` without a package.json of their own;
// - a relative `./x.js` imported from a .ts file that does not exist as .js resolves to `./x.ts`,
//   as TypeScript's NodeNext convention writes it and tsx resolves it, so a job that imports its
//   own modules runs the same under Node's type stripping (which only finds `./x.ts`) and tsx.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let entry = "";
let glueEntry = "";
/** "module" when a loader (tsx) compiles TypeScript, "module-typescript" for Node's stripping. */
let typeScriptFormat = "module";

export function initialize(data) {
  entry = data.entry;
  glueEntry = data.glueEntry ?? "";
  typeScriptFormat = data.typeScriptFormat ?? "module";
}

export async function resolve(specifier, context, next) {
  const target = specifier === "sluice" ? entry : specifier === "sluice/glue" && glueEntry !== "" ? glueEntry : specifier;
  const r = await resolveTypeScriptSibling(target, context, next);
  if (r.url.startsWith("file:") && /\.tsx?$/.test(r.url) && !r.url.includes("/node_modules/") && !declaresCommonJs(r.url)) {
    return { ...r, format: typeScriptFormat };
  }
  return r;
}

async function resolveTypeScriptSibling(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const fromTypeScript = context.parentURL !== undefined && /\.[mc]?tsx?$/.test(context.parentURL) && !context.parentURL.includes("/node_modules/");
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    const m = /\.([mc]?)js$/.exec(specifier);
    if (!fromTypeScript || !relative || m === null || e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    const sibling = `${specifier.slice(0, -m[0].length)}.${m[1]}ts`;
    if (!existsSync(fileURLToPath(new URL(sibling, context.parentURL)))) throw e;
    return next(sibling, context);
  }
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
