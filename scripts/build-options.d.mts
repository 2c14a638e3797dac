import type { BuildOptions } from "esbuild";

/** esbuild options writing the bundle into `outdir`, with `absWorkingDir` the repository root. */
export function bundleOptions(root: string, outdir: string): BuildOptions;
