#!/usr/bin/env node
// The `sluice` command. Registers TypeScript support (tsx) and a resolver that maps the bare
// specifier "sluice" to this installation, so a job file anywhere on disk can `import … from "sluice"`
// and get the very sluice that runs it. Then hands over to the CLI.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
const entry = new URL("../src/index.ts", import.meta.url).href;
register("./resolve-sluice.mjs", import.meta.url, { data: { entry } });
const { main } = await import(new URL("../src/cli/main.ts", import.meta.url).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
