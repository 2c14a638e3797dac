/**
 * The npm package as a consumer gets it. `npm pack` of a copy of this repository (so the build that
 * `prepack` runs leaves this checkout alone), installed with typescript into an empty project:
 * (a) `npx sluice demo` lands events and prints the Gold table;
 * (b) package-consumer/consumer.ts, the README's API, type-checks with package-consumer/tsconfig.json
 *     (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false) with no
 *     errors, and without @types/node;
 * (c) package-consumer/job.ts runs with `npx sluice run`: with Node's own type stripping where this
 *     Node has it (tsx is not installed), else after a clear error naming tsx, with tsx installed.
 * Each child process runs on the Node that runs this test. The install needs the npm registry: when
 * it is unreachable the tests are skipped, and the skip reason says so.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { REPO_ROOT } from "../support/sluice-cli.js";

const CONSUMER_FILES = join(REPO_ROOT, "test", "integration", "package-consumer");
/** Files `npm pack` needs to build the package (dependencies come from this checkout's node_modules). */
const PACK_INPUTS = ["package.json", "package-lock.json", "README.md", "tsconfig.json", "tsconfig.build.json", "src", "bin", "scripts"];

/**
 * The variables an outer `npm test` sets for its own run (the project folder, the Node it ran on,
 * the package's fields); the user's npm settings (registry, cache, proxy) are kept.
 */
const OUTER_NPM = /^npm_(lifecycle_|package_|command$|execpath$|node_execpath$|config_(local_prefix|call|user_agent|npm_version|node_gyp)$)/i;
/** This Node first on PATH (npx and the `sluice` shebang use it). */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !OUTER_NPM.test(k) && k !== "SLUICE_TEST")),
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
};

const registry = spawnSync("npm", ["ping", "--fetch-retries=0", "--fetch-timeout=20000"], { env, encoding: "utf8", timeout: 30_000 });
const pingError = `${registry.stderr}`.split("\n").find((l) => l.includes("error")) ?? registry.error?.message ?? "no answer";
const skip = registry.status === 0 ? false : `the npm registry is unreachable (npm ping: ${pingError.trim()}), so the package cannot be installed`;
/** `process.features.typescript` (Node 22.10+; @types/node follows Node 20, which lacks it). */
const nativeTypeScript = Boolean((process.features as { readonly typescript?: string | false }).typescript);

const work = mkdtempSync(join(tmpdir(), "sluice-package-"));
const project = join(work, "consumer");
after(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status ?? r.signal ?? r.error?.message}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  if (skip !== false) return;
  const copy = join(work, "sluice");
  mkdirSync(copy);
  for (const name of PACK_INPUTS) cpSync(join(REPO_ROOT, name), join(copy, name), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  ok(run("npm", ["pack", "--pack-destination", work], copy), "npm pack");
  const tarball = readdirSync(work).find((n) => n.endsWith(".tgz"));
  assert.ok(tarball !== undefined, `npm pack left no tarball in ${work}`);
  mkdirSync(project);
  ok(run("npm", ["init", "-y"], project), "npm init");
  ok(run("npm", ["pkg", "set", "type=module"], project), "npm pkg set");
  ok(run("npm", ["install", "--no-audit", "--no-fund", join(work, tarball), "typescript"], project), "npm install");
  for (const name of readdirSync(CONSUMER_FILES)) cpSync(join(CONSUMER_FILES, name), join(project, name));
});

test("the package ships the bundle and the declarations, not the sources or the build tools", { skip }, () => {
  const installed = join(project, "node_modules", "sluice");
  const top = readdirSync(installed).sort();
  assert.deepEqual(top, ["README.md", "bin", "dist", "package.json"]);
  const dist = readdirSync(join(installed, "dist"));
  assert.ok(dist.includes("index.js") && dist.includes("cli-main.js") && dist.includes("fragment-worker.js") && dist.includes("writer-worker.js") && dist.includes("blocking-call-worker.js"), dist.join(", "));
  assert.ok(readdirSync(join(installed, "dist", "types")).includes("index.d.ts"));
  const modules = readdirSync(join(project, "node_modules"));
  for (const devOnly of ["tsx", "esbuild", "eslint", "tar"]) assert.ok(!modules.includes(devOnly), `${devOnly} was installed with the package`);
});

test("npx sluice demo lands events and prints the Gold table", { skip }, () => {
  const out = ok(run("npx", ["sluice", "demo", "--lake", join(work, "lake")], project), "npx sluice demo");
  assert.match(out, /Top 10 users by events \(gold\/booking_summary\):\n\+-+\+-+\+\n\| *user_id\| *count\|/);
  assert.match(out, /\|u-\d{6}\| +\d+\|/);
});

test("a strict consumer (noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false) type-checks with 0 errors", { skip }, () => {
  const r = run("npx", ["tsc", "-p", "tsconfig.json"], project);
  const errors = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.includes("error TS"));
  assert.deepEqual(errors, [], `tsc found ${errors.length} errors`);
  ok(r, "tsc");
});

test(`npx sluice run --conf … job.ts runs a TypeScript job ${nativeTypeScript ? "with Node's type stripping" : "with tsx, and says to install it when it is missing"}`, { skip }, () => {
  const expected = 'job rows: [{"n":4},{"n":6}]\n';
  if (nativeTypeScript) {
    assert.equal(ok(run("npx", ["sluice", "run", "--conf", "spark.sql.shuffle.partitions=1", "job.ts"], project), "sluice run (type stripping, no tsx installed)"), expected);
    return;
  }
  const missing = run("npx", ["sluice", "run", "--conf", "spark.sql.shuffle.partitions=1", "job.ts"], project);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /sluice run: job\.ts is TypeScript\. Node\.js v\d+\.\d+\.\d+ cannot run TypeScript by itself\. Install the tsx loader in your project \(npm i -D tsx\) or use Node\.js 22\.18 or later/);
  ok(run("npm", ["install", "--no-audit", "--no-fund", "-D", "tsx"], project), "npm install tsx");
  assert.equal(ok(run("npx", ["sluice", "run", "--conf", "spark.sql.shuffle.partitions=1", "job.ts"], project), "sluice run (tsx)"), expected);
});
