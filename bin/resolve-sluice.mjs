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

/** Sets where "sluice" resolves to; `register()` calls it in the hooks thread, `sluiceHooks` here. */
export function initialize(data) {
  entry = data.entry;
  glueEntry = data.glueEntry ?? "";
  typeScriptFormat = data.typeScriptFormat ?? "module";
}

/**
 * The hooks for `module.registerHooks` (Node 22.15+, 23.5+), which run synchronously in this
 * thread: no hooks thread to start and no cross-thread request per import, which `register()`
 * costs (about 0.2 s of a one-file job's start on a 2-core machine).
 */
export function sluiceHooks(data) {
  initialize(data);
  return { resolve: resolveWith };
}

/** The `register()` form of the same hook (the hooks thread; Node 20, and tsx's loader). */
export async function resolve(specifier, context, next) {
  return resolveWith(specifier, context, next);
}

/**
 * Resolves `specifier` with `next`, which may be synchronous (registerHooks) or asynchronous
 * (register): the result is a value or a promise accordingly.
 */
function resolveWith(specifier, context, next) {
  const target = specifier === "sluice" ? entry : specifier === "sluice/glue" && glueEntry !== "" ? glueEntry : specifier;
  const withFormat = (r) =>
    r.url.startsWith("file:") && /\.tsx?$/.test(r.url) && !r.url.includes("/node_modules/") && !declaresCommonJs(r.url) ? { ...r, format: typeScriptFormat } : r;
  let r;
  try {
    r = next(target, context);
  } catch (e) {
    return withFormat(typeScriptSibling(target, context, next, e));
  }
  return r instanceof Promise ? r.then(withFormat, (e) => Promise.resolve(typeScriptSibling(target, context, next, e)).then(withFormat)) : withFormat(r);
}

/** On ERR_MODULE_NOT_FOUND for `./x.js` imported from a .ts file, resolves `./x.ts`; else rethrows `e`. */
function typeScriptSibling(specifier, context, next, e) {
  const fromTypeScript = context.parentURL !== undefined && /\.[mc]?tsx?$/.test(context.parentURL) && !context.parentURL.includes("/node_modules/");
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  const m = /\.([mc]?)js$/.exec(specifier);
  if (!fromTypeScript || !relative || m === null || e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
  const sibling = `${specifier.slice(0, -m[0].length)}.${m[1]}ts`;
  if (!existsSync(fileURLToPath(new URL(sibling, context.parentURL)))) throw e;
  return next(sibling, context);
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
