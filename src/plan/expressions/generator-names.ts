/** Names of the generator functions (`plan/generators.ts`), which are only valid as whole select items. */
export const GENERATOR_NAMES: Readonly<Record<string, { readonly kind: "explode" | "posexplode" | "inline" | "stack" | "json_tuple"; readonly outer: boolean }>> = {
  explode: { kind: "explode", outer: false },
  explode_outer: { kind: "explode", outer: true },
  posexplode: { kind: "posexplode", outer: false },
  posexplode_outer: { kind: "posexplode", outer: true },
  inline: { kind: "inline", outer: false },
  inline_outer: { kind: "inline", outer: true },
  stack: { kind: "stack", outer: false },
  json_tuple: { kind: "json_tuple", outer: false },
};
