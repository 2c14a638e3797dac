// Blocking-call worker entry when sluice runs from its TypeScript sources: installs the TypeScript
// loader in this thread (Node 20 does not apply `--import` hooks to a worker's entry module), then
// loads the real entry. The bundled build starts dist/blocking-call-worker.js directly instead.
import { register } from "tsx/esm/api";

register();
await import(new URL("./blocking-call-worker.ts", import.meta.url).href);
