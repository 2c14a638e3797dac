import { test } from "node:test";
import assert from "node:assert/strict";
import { numberOption, parseArgs, UsageError, wantsHelp } from "../../../src/cli/cli-args.js";

const SPEC = { limit: "string", json: "boolean" } as const;

test("options as --name value and --name=value, flags, positionals, and -- ending the options", () => {
  const p = parseArgs(["a", "--limit", "3", "--json", "b", "--limit=5", "--", "--json"], SPEC, "t", "HELP");
  assert.deepEqual(p.positionals, ["a", "b", "--json"]);
  assert.equal(p.strings.get("limit"), "5");
  assert.ok(p.flags.has("json"));
});

test("unknown options suggest the nearest, missing values and values on flags are usage errors", () => {
  assert.throws(() => parseArgs(["--limt", "3"], SPEC, "t", "HELP"), (e: unknown) => e instanceof UsageError && /'--limt'.*limit/.test(e.message) && e.help === "HELP");
  assert.throws(() => parseArgs(["--limit"], SPEC, "t", "HELP"), /needs a value/);
  assert.throws(() => parseArgs(["--json=1"], SPEC, "t", "HELP"), /takes no value/);
  assert.throws(() => parseArgs(["-x"], SPEC, "t", "HELP"), /unknown option '-x'/);
});

test("numbers are checked against their range", () => {
  const p = (v: string) => parseArgs(["--limit", v], SPEC, "t", "HELP");
  assert.equal(numberOption(p("7"), "limit", 1, { min: 1, integer: true }, "t", "HELP"), 7);
  assert.equal(numberOption(parseArgs([], SPEC, "t", "HELP"), "limit", 1, { min: 1, integer: true }, "t", "HELP"), 1);
  for (const bad of ["0", "1.5", "x", ""]) assert.throws(() => numberOption(p(bad), "limit", 1, { min: 1, integer: true }, "t", "HELP"), UsageError, bad);
});

test("help is asked for by --help or -h before --", () => {
  assert.ok(wantsHelp(["x", "-h"]));
  assert.ok(!wantsHelp(["--", "--help"]));
});
