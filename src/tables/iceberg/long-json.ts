/**
 * JSON with 64-bit integers, as Iceberg's `metadata.json` has them: Java writes snapshot ids as
 * bare numbers up to 2^63, which `JSON.parse` would round. {@link parseLongJson} keeps every
 * integer beyond JavaScript's safe range as a `bigint` (the others stay numbers);
 * {@link stringifyLongJson} writes `bigint` values back as bare numbers.
 *
 * Hand-written (a tokenizer of a dozen lines) because Node 20, which sluice supports, has no
 * `JSON.parse` reviver with the source text.
 */

/** An Iceberg long read from JSON: a number when it is safe, else a bigint. */
export type Long = number | bigint;

/** `a === b` across the two representations of {@link Long}. */
export function sameLong(a: Long | null | undefined, b: Long | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  return BigInt(a) === BigInt(b);
}

/**
 * Parses `text` as JSON, with integers outside ±(2^53 − 1) as `bigint`.
 * @throws SyntaxError as `JSON.parse` does.
 */
export function parseLongJson(text: string): unknown {
  const marker = `\u0000long:${Math.random().toString(36).slice(2)}:`;
  let out = "";
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) i++;
        else break;
      }
      const token = text.slice(start, i);
      // Only plain integers can lose precision here; 16+ digits may exceed 2^53.
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += text.slice(last, start) + JSON.stringify(marker + token);
        last = i;
      }
      continue;
    }
    i++;
  }
  if (last === 0) return JSON.parse(text);
  out += text.slice(last);
  return JSON.parse(out, (_key, value: unknown) => (typeof value === "string" && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value));
}

/** JSON text of `value`, with `bigint`s written as bare integers; `indent` as `JSON.stringify`'s. */
export function stringifyLongJson(value: unknown, indent?: number): string {
  const marker = `\u0000long:${Math.random().toString(36).slice(2)}:`;
  let found = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== "bigint") return v;
      found = true;
      return marker + v.toString();
    },
    indent,
  );
  if (!found) return text;
  const quoted = JSON.stringify(marker).slice(0, -1);
  return text.replace(new RegExp(`${escapeRegExp(quoted)}(-?\\d+)"`, "g"), "$1");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
