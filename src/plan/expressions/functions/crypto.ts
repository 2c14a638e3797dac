/**
 * AES encryption functions, as Spark 3.5 defines them: `aes_encrypt(input, key[, mode[, padding[,
 * iv[, aad]]]])`, `aes_decrypt(input, key[, mode[, padding[, aad]]])` and `try_aes_decrypt` (null
 * instead of an error). Modes and paddings: ECB with PKCS, CBC with PKCS, GCM (the default) with
 * no padding; keys of 16, 24 or 32 bytes. Strings are read as their UTF-8 bytes.
 */
import { BinaryType, StringType } from "../../../types/data-types.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { anyNullable, expectArg } from "./define.js";

/** Binary arguments, then strings (mode, padding), then binary (iv, aad): Spark's inputTypes. */
function resolveAes(kinds: readonly ("binary" | "string")[]) {
  return (ctx: ResolveContext): ResolvedCall => {
    const args = ctx.args.map((_, i) => expectArg(ctx, i, kinds[i] === "binary" ? BinaryType() : StringType()));
    return { args, dataType: BinaryType(), nullable: ctx.name === "try_aes_decrypt" || anyNullable(args) };
  };
}

export const CRYPTO_FUNCTIONS: readonly FunctionDef[] = [
  { name: "aes_encrypt", minArgs: 2, maxArgs: 6, resolve: resolveAes(["binary", "binary", "string", "string", "binary", "binary"]) },
  { name: "aes_decrypt", minArgs: 2, maxArgs: 5, resolve: resolveAes(["binary", "binary", "string", "string", "binary"]) },
  { name: "try_aes_decrypt", minArgs: 2, maxArgs: 5, resolve: resolveAes(["binary", "binary", "string", "string", "binary"]) },
];

/** Spark's names fill in the defaults: `aes_encrypt(x, k, GCM, DEFAULT, , )`. */
export function cryptoCallSql(lowerName: string, argSql: readonly string[]): string | undefined {
  const defaults = lowerName === "aes_encrypt" ? ["GCM", "DEFAULT", "", ""] : lowerName === "aes_decrypt" || lowerName === "try_aes_decrypt" ? ["GCM", "DEFAULT", ""] : null;
  if (defaults === null || argSql.length < 2) return undefined;
  return `${lowerName}(${[...argSql, ...defaults.slice(argSql.length - 2)].join(", ")})`;
}
