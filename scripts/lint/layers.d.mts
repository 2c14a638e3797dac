import type { Rule } from "eslint";

/** Top to bottom; layers in one entry are peers that must not import each other. */
export const LAYERS: readonly (readonly string[])[];
/** The layer of a file under `src/`. */
export function layerOf(srcRoot: string, file: string): string | null;
/** The ESLint rule `sluice/layers`. */
export const layersRule: Rule.RuleModule;
