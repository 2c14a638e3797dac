/**
 * The import-boundary lint rule: a module imports its own layer and the layers below it only, and
 * only storage/ (and the CLI) touches the file system.
 */
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { layersRule } from "../../../scripts/lint/layers.mjs";

const src = fileURLToPath(new URL("../../../src/", import.meta.url));
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: "module" } });

test("sluice/layers: downward and same-layer imports pass; upward, peer and fs imports fail", () => {
  tester.run("layers", layersRule, {
    valid: [
      { filename: `${src}tables/delta/append.ts`, code: `import { x } from "../../storage/storage.js";` },
      { filename: `${src}tables/delta/append.ts`, code: `import { x } from "../files/data-file-writer.js";` },
      { filename: `${src}tables/delta/append.ts`, code: `import { x } from "../../exec/eval/cast.js";` },
      { filename: `${src}api/session.ts`, code: `export { x } from "../runtime/query-manager.js";` },
      { filename: `${src}storage/local.ts`, code: `import { open } from "node:fs/promises";` },
      { filename: `${src}cli/main.ts`, code: `import { readFileSync } from "node:fs";` },
      { filename: `${src}formats/json/x.ts`, code: `import { gzipSync } from "node:zlib";` },
    ],
    invalid: [
      { filename: `${src}tables/delta/x.ts`, code: `import { x } from "../../api/show.js";`, errors: [{ message: /tables\/ must not import api\/ \(a layer above it/ }] },
      { filename: `${src}plan/analyze.ts`, code: `import { x } from "../connectors/registry.js";`, errors: [{ message: /plan\/ must not import connectors\// }] },
      { filename: `${src}state/store.ts`, code: `import { x } from "../checkpoint/checkpoint.js";`, errors: [{ message: /a peer layer/ }] },
      { filename: `${src}exec/x.ts`, code: `const m = await import("../runtime/blocking-call.js");`, errors: 1 },
      { filename: `${src}connectors/file/x.ts`, code: `import { readFileSync } from "node:fs";`, errors: [{ message: /only storage and cli touch the file system/ }] },
    ],
  });
});
