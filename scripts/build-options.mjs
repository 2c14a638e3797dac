// The esbuild options of the dist/ bundle, shared by scripts/build.mjs and the tests that build a
// bundle of their own. Worker entries sit flat in dist/ under their source files' base names
// (`workerEntry` in src/exec/parallel/start-worker.ts relies on it).

/** esbuild options writing the bundle into `outdir`, with `absWorkingDir` the repository root. */
export function bundleOptions(root, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: {
      index: "src/index.ts",
      glue: "src/glue/index.ts",
      "cli-main": "src/cli/main.ts",
      "fragment-worker": "src/runtime/fragment-worker.ts",
      "writer-worker": "src/tables/files/writer-worker.ts",
      "blocking-call-worker": "src/runtime/blocking-call-worker.ts",
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
    chunkNames: "chunk-[hash]",
  };
}
