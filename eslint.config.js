import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import { layersRule } from "./scripts/lint/layers.mjs";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "bench/out/**"] },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { sluice: { rules: { layers: layersRule } } },
    rules: {
      "sluice/layers": "error",
      "no-restricted-syntax": ["error", {
        selector: "ThrowStatement > NewExpression[callee.name='Error']",
        message: "Use the typed errors of src/errors.ts",
      }],
    },
  },
);
