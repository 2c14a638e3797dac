/**
 * Groups failure reasons into kinds, so the report can say which gaps cost the most examples: the
 * quoted values, positions and numbers of a reason are blanked out.
 */
import type { ExampleResult } from "./example-driver.js";

/** The kind of the failure reason `why` of `query`. */
export function failureKind(why: string, query: string): string {
  if (why.startsWith("row ") || /^\d+ rows, expected/.test(why)) return "wrong result";
  return why
    .replace(` in "${query}"`, "")
    .replace(` in ${JSON.stringify(query)}`, "")
    .replace(/ in ".*?…"(?=: )/, "") // the parser shortens a long query
    .replace(/ in the call to \w+/g, " in the call to …")
    .replace(/^raised: analysis: \w+\(\)/, "raised: analysis: …()")
    .replace(/ at position \d+/g, "")
    .replace(/; did you mean .*$/, "")
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/`[^`]*`/g, "`…`")
    .replace(/\b\d+\b/g, "N")
    .slice(0, 140);
}

/** Failure kinds with their counts, most common first. */
export function failureKinds(results: readonly ExampleResult[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (r.pass) continue;
    const kind = failureKind(r.why, r.query);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
