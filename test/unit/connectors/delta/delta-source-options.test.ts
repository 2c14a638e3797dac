import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveDeltaSourceOptions } from "../../../../src/connectors/delta/delta-source-options.js";
import { ConfigError } from "../../../../src/errors.js";

test("delta source options: Delta's names and value forms, case-insensitive", () => {
  const o = resolveDeltaSourceOptions({
    PATH: "/t",
    startingversion: "Latest",
    maxBytesPerTrigger: "10m",
    maxFilesPerTrigger: "5",
    ignoreFileDeletion: "true",
    excludeRegex: "\\.tmp$",
  });
  assert.equal(o.path, "/t");
  assert.equal(o.startingVersion, "latest");
  assert.equal(o.maxBytesPerTrigger, 10 * 1024 * 1024);
  assert.equal(o.maxFilesPerTrigger, 5);
  assert.equal(o.ignoreDeletes, true);
  assert.equal(o.ignoreChanges, true);
  assert.equal(o.skipChangeCommits, false);
  assert.ok(o.excludeRegex?.test("a.tmp"));
  assert.equal(resolveDeltaSourceOptions({ path: "/t", startingVersion: "3" }).startingVersion, 3);
  assert.equal(resolveDeltaSourceOptions({ path: "/t", maxBytesPerTrigger: "2048" }).maxBytesPerTrigger, 2048);
  assert.equal(resolveDeltaSourceOptions({ path: "/t", timestampAsOf: "2024-01-01" }).timestampAsOf, Date.UTC(2024, 0, 1));
  assert.equal(resolveDeltaSourceOptions({ path: "/t", startingTimestamp: "2024-01-01 10:00:00" }).startingTimestamp, Date.UTC(2024, 0, 1, 10));
  assert.equal(resolveDeltaSourceOptions({ path: "/t", timestampAsOf: "2024-01-01T10:00:00+02:00" }).timestampAsOf, Date.UTC(2024, 0, 1, 8));
});

test("delta source options: bad values and combinations name the option", () => {
  const bad = (raw: Record<string, string>, re: RegExp) =>
    assert.throws(() => resolveDeltaSourceOptions(raw), (e: unknown) => e instanceof ConfigError && re.test(e.message), JSON.stringify(raw));
  bad({}, /'path' is not specified/);
  bad({ path: "/t", maxFilesPerTrigger: "0" }, /option 'maxFilesPerTrigger' must be a positive integer, got "0"/);
  bad({ path: "/t", maxBytesPerTrigger: "lots" }, /option 'maxBytesPerTrigger' must be a positive size/);
  bad({ path: "/t", versionAsOf: "-1" }, /option 'versionAsOf' must be a non-negative integer/);
  bad({ path: "/t", startingVersion: "next" }, /must be 'latest' or a non-negative integer/);
  bad({ path: "/t", versionAsOf: "1", timestampAsOf: "2024-01-01" }, /cannot specify both 'versionAsOf' and 'timestampAsOf'/);
  bad({ path: "/t", readChangeFeed: "true" }, /change data feed is not supported/);
  bad({ path: "/t", ignoreDelete: "true" }, /unknown option 'ignoreDelete'; did you mean 'ignoreDeletes'\?/);
});
