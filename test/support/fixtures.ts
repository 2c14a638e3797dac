/**
 * The shared conformance fixtures: `../shared/fixtures` beside the repository, where CI lays them.
 * A plain clone has no such folder; suites that need it then skip with a reason naming the missing
 * folder (counted as skipped by the test runner), so `npm test` passes and says what it did not run.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared/fixtures` relative to the repository root. */
export const FIXTURES_ROOT = resolve(fileURLToPath(new URL("../../../shared/fixtures", import.meta.url)));

/** A folder of fixtures, and whether tests over it run. */
export interface FixtureFolder {
  /** Absolute path of the folder (it may not exist). */
  readonly dir: string;
  /** `false` when the folder exists; otherwise the reason to pass as a test's `skip` option. */
  readonly skip: false | string;
}

/** The fixture folder `relative` (e.g. `delta/dat`) under {@link FIXTURES_ROOT}. */
export function fixtureFolder(relative: string): FixtureFolder {
  const dir = join(FIXTURES_ROOT, relative);
  return {
    dir,
    skip: existsSync(dir) ? false : `fixtures missing: ${dir} does not exist (the conformance fixtures are read from ../shared/fixtures beside the repository)`,
  };
}
