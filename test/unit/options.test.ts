/**
 * The one option validator: case-insensitive names, did-you-mean, messages naming option and
 * value, typed or string values, defaults from the shape (and a type inferred from it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError } from "../../src/errors.js";
import { booleanOption, byteSizeOption, enumOption, positiveIntOption, validateOptions } from "../../src/options.js";
import type { OptionValues } from "../../src/options.js";

const shape = {
  path: z.string(),
  maxFilesPerTrigger: positiveIntOption,
  latestFirst: booleanOption.default(false),
  mode: enumOption(["PERMISSIVE", "FAILFAST"] as const).default("PERMISSIVE"),
  targetFileSize: byteSizeOption.default(128 * 2 ** 20),
};

test("values are parsed by name case-insensitively; absent ones are their default or undefined", () => {
  const o: OptionValues<typeof shape> = validateOptions("test source", shape, { PATH: "/x", maxfilespertrigger: "3", MODE: "failfast" });
  assert.deepEqual({ ...o }, { path: "/x", maxFilesPerTrigger: 3, latestFirst: false, mode: "FAILFAST", targetFileSize: 134217728 });
  const typed = validateOptions("test source", shape, { latestFirst: true, maxFilesPerTrigger: 7, targetFileSize: "512k" });
  assert.equal(typed.latestFirst, true);
  assert.equal(typed.maxFilesPerTrigger, 7);
  assert.equal(typed.targetFileSize, 512 * 1024);
  assert.equal(typed.path, undefined);
  assert.equal(validateOptions("t", shape, { latestFirst: undefined }).latestFirst, false, "an undefined value counts as absent");
});

test("errors name the subsystem, the option as the user wrote it, and the value", () => {
  const err = (raw: Record<string, unknown>) => {
    try {
      validateOptions("test source", shape, raw);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    return "no error";
  };
  assert.equal(err({ maxFilesPerTriger: "1" }), "test source: unknown option 'maxFilesPerTriger'; did you mean 'maxFilesPerTrigger'?");
  assert.equal(err({ LatestFirst: "yes" }), `test source: option 'LatestFirst' must be true or false, got "yes"`);
  assert.equal(err({ maxFilesPerTrigger: 0 }), "test source: option 'maxFilesPerTrigger' must be a positive integer, got 0");
  assert.equal(err({ mode: "lenient" }), `test source: option 'mode' must be one of PERMISSIVE, FAILFAST, got "lenient"`);
  assert.equal(err({ targetFileSize: "lots" }), `test source: option 'targetFileSize' must be a positive size such as 134217728, 128mb or 1gb, got "lots"`);
  assert.equal(err({ path: "/a", PATH: "/b" }), "test source: options 'path' and 'PATH' both set 'path' with different values");
});
