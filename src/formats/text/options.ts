/**
 * Option value schemas of the line-based formats (text, JSON, CSV). The generic option machinery
 * lives in `src/options.ts` and is re-exported here for the formats' convenience.
 */
import { z } from "zod";

export { booleanOption, positiveIntOption, enumOption, onlyDefault, durationOption, validateOptions } from "../../options.js";
export type { OptionShape } from "../../options.js";

/** UTF-8 is the only encoding the line readers decode. */
export const encodingOption = z.string().refine((s) => ["utf-8", "utf8"].includes(s.trim().toLowerCase()), {
  message: "is not supported (only UTF-8)",
});

/**
 * A line separator (Spark's `lineSep`): a non-empty string, used verbatim as UTF-8 bytes. Spark
 * allows at most one character for CSV; the byte splitter handles any length.
 */
export const lineSepOption = z.string().refine((s) => s.length > 0, { message: "must not be empty" });

