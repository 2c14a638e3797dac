/**
 * A service (a broker, an AWS endpoint) started once for the tests of the calling file: before
 * them unless `skip` says why not, stopped after them, then `cleanup`.
 */
import { after, before } from "node:test";

/** Registers the file's hooks; returns the running service's accessor. */
export function perFile<T extends { stop(): void }>(skip: false | string, start: () => Promise<T>, cleanup: () => void = () => undefined): () => T {
  let service: T | null = null;
  before(async () => {
    if (skip === false) service = await start();
  });
  after(() => {
    service?.stop();
    cleanup();
  });
  return () => {
    if (service === null) throw new Error(`the service is not running${skip === false ? "" : ` (skipped: ${skip})`}`);
    return service;
  };
}
