/**
 * Canonical rows for comparing query outputs read back by different readers (DuckDB for Parquet,
 * `collect()` for foreachBatch): every value becomes plain JSON and rows sort by their JSON text.
 *
 * Value mapping: bigint → number when it is a safe integer, else its decimal string; Date → ISO
 * string; Uint8Array → lower-case hex; Map → object (keys as strings); -0 → 0; NaN/±Infinity →
 * "NaN"/"Infinity"/"-Infinity"; arrays and plain objects recursively (object key order kept, so a
 * row's JSON text also pins the column order).
 */

/** A row as plain JSON: column name → value, in column order. */
export type CanonicalRow = Record<string, unknown>;

/** `v` as a plain JSON value (see the module comment). */
export function canonicalValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return Object.is(v, -0) ? 0 : v;
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(canonicalValue(k))] = canonicalValue(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = canonicalValue(x);
    return o;
  }
  return String(v);
}

/** One row, canonical. */
export function canonicalRow(row: Readonly<Record<string, unknown>>): CanonicalRow {
  const o: CanonicalRow = {};
  for (const [k, x] of Object.entries(row)) o[k] = canonicalValue(x);
  return o;
}

/** Rows, canonical and sorted by their JSON text (so two outputs compare as multisets). */
export function canonicalRows(rows: readonly Readonly<Record<string, unknown>>[]): CanonicalRow[] {
  return rows
    .map(canonicalRow)
    .map((r) => ({ r, key: JSON.stringify(r) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.r);
}

/** Each row's JSON text, in order: compare two outputs with `deepStrictEqual` on these for readable diffs. */
export function rowLines(rows: readonly CanonicalRow[]): string[] {
  return rows.map((r) => JSON.stringify(r));
}
