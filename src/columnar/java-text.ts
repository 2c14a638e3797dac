/**
 * Numbers as Java prints them, which Spark's string forms inherit: `Double.toString`,
 * `Float.toString` and `BigDecimal.toString`. Kept in one place so every
 * string form of a number agrees.
 */

/** Java's `Double.toString(d)`: `1.0`, `100.0`, `1.0E7`, `1.234E-5`, `NaN`, `-Infinity`. */
export function javaDoubleString(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  return javaLayout(d, shortestDigits(d));
}

/** Java's `Float.toString(f)` for a float32 value held in a double. */
export function javaFloatString(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "Infinity";
  if (f === -Infinity) return "-Infinity";
  if (f === 0) return Object.is(f, -0) ? "-0.0" : "0.0";
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return javaLayout(f, shortestDigits(Number(s)));
  }
  return javaLayout(f, shortestDigits(f));
}

/** Decimal digits and exponent of the shortest round-tripping form of `d` (d ≠ 0, finite). */
function shortestDigits(d: number): { digits: string; exp: number } {
  // toExponential() with no argument gives the shortest round-tripping digits.
  const e = Math.abs(d).toExponential();
  const at = e.indexOf("e");
  const digits = e.slice(0, at).replace(".", "");
  return { digits, exp: Number(e.slice(at + 1)) };
}

function javaLayout(d: number, { digits, exp }: { digits: string; exp: number }): string {
  const sign = d < 0 ? "-" : "";
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === "" ? "0" : frac}E${exp}`;
}

/** Java's `BigDecimal.toString()` for an unscaled value and a non-negative scale. */
export function javaBigDecimalString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString();
  const sign = neg ? "-" : "";
  const adjusted = digits.length - 1 - scale;
  if (scale === 0) return sign + digits;
  if (adjusted >= -6) {
    if (digits.length > scale) return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    return `${sign}0.${"0".repeat(scale - digits.length)}${digits}`;
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}E${adjusted}`;
}
