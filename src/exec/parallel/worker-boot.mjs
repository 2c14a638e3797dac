// Worker entry when sluice runs from its TypeScript sources (see startWorker in start-worker.ts):
// installs the TypeScript loader in this thread (Node 20 does not apply `--import` hooks to a
// worker's entry module), then loads the real entry named by workerData.sluiceEntry. The bundled
// build starts its dist/*.js entries directly instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.sluiceEntry);
