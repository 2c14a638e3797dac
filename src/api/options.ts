/** Option values as users pass them; stored as strings, as Spark stores every option. */
import { ConfigError } from "../errors.js";

export type OptionValue = string | number | boolean | bigint;

/** Converts an option value to Spark's string form (`true`, `5000`). */
export function optionValue(key: string, value: OptionValue): string {
  if (value === null || value === undefined) {
    throw new ConfigError(`option '${key}' has no value; pass a string, number or boolean`, { option: key });
  }
  return String(value);
}
