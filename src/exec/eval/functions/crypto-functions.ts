/**
 * AES kernels over Node's `crypto` (OpenSSL), byte-compatible with Spark's `ExpressionImplUtils`:
 * GCM output is the 12-byte IV, the ciphertext and the 16-byte tag; CBC output is the 16-byte IV
 * then the ciphertext (PKCS#7 padding); ECB is the ciphertext alone. Without an IV, encryption
 * draws a random one, as Spark does. Errors carry Spark's error classes; try_aes_decrypt gives
 * null where aes_decrypt raises.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { CipherGCM, DecipherGCM } from "node:crypto";
import type { BytesVector, Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import { BinaryType } from "../../../types/data-types.js";
import type { Kernel, KernelFactory } from "./kernel.js";

type Mode = "ECB" | "CBC" | "GCM";

const IV_LENGTH: Readonly<Record<Mode, number>> = { ECB: 0, CBC: 16, GCM: 12 };
const GCM_TAG_LENGTH = 16;

function bytesAt(v: Vector | undefined, i: number): Uint8Array | null {
  if (v === undefined) return new Uint8Array(0);
  if (v.kind !== "bytes" || !isValid(v, i)) return null;
  return v.data.subarray(v.offsets[i], v.offsets[i + 1]);
}

function textAt(v: Vector | undefined, i: number, fallback: string): string | null {
  if (v === undefined) return fallback;
  const b = bytesAt(v, i);
  return b === null ? null : decodeUtf8(b, 0, b.length);
}

/** Spark's CipherMode.fromString: ECB/CBC with PKCS or DEFAULT padding, GCM with NONE or DEFAULT. */
function cipherMode(fn: string, mode: string, padding: string): Mode {
  const m = mode.toUpperCase();
  const p = padding.toUpperCase();
  if ((m === "ECB" || m === "CBC") && (p === "PKCS" || p === "DEFAULT")) return m;
  if (m === "GCM" && (p === "NONE" || p === "DEFAULT")) return "GCM";
  throw new ExecutionError(`${fn}: [UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-${mode} with the padding ${padding} by the ${fn} function.`);
}

function algorithm(fn: string, mode: Mode, key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new ExecutionError(`${fn}: [INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] The value of parameter(s) \`key\` in \`${fn}\` is invalid: expects a binary value with 16, 24 or 32 bytes, but got ${key.length} bytes.`);
  }
  return `aes-${key.length * 8}-${mode.toLowerCase()}`;
}

function encrypt(input: Uint8Array, key: Uint8Array, mode: Mode, ivIn: Uint8Array, aad: Uint8Array): Uint8Array {
  const fn = "aes_encrypt";
  const alg = algorithm(fn, mode, key);
  if (ivIn.length > 0 && mode === "ECB") throw new ExecutionError(`${fn}: [UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: AES-ECB does not support initialization vectors (IVs).`);
  const iv = ivIn.length > 0 ? ivIn : randomBytes(IV_LENGTH[mode]);
  if (iv.length !== IV_LENGTH[mode]) {
    throw new ExecutionError(`${fn}: [INVALID_PARAMETER_VALUE.AES_IV_LENGTH] The value of parameter(s) \`iv\` in \`${fn}\` is invalid: expects a ${IV_LENGTH[mode]}-byte IV for ${mode}, got ${iv.length} bytes.`);
  }
  if (aad.length > 0 && mode !== "GCM") throw new ExecutionError(`${fn}: [UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: ${mode} does not support additional authenticated data (AAD).`);
  const cipher = createCipheriv(alg, key, mode === "ECB" ? null : iv);
  if (mode === "GCM" && aad.length > 0) (cipher as CipherGCM).setAAD(aad);
  const body = Buffer.concat([cipher.update(input), cipher.final()]);
  const tag = mode === "GCM" ? (cipher as CipherGCM).getAuthTag() : Buffer.alloc(0);
  return Buffer.concat([mode === "ECB" ? Buffer.alloc(0) : iv, body, tag]);
}

function decrypt(fn: string, input: Uint8Array, key: Uint8Array, mode: Mode, aad: Uint8Array): Uint8Array {
  const alg = algorithm(fn, mode, key);
  try {
    const ivLength = IV_LENGTH[mode];
    const iv = input.subarray(0, ivLength);
    const end = mode === "GCM" ? input.length - GCM_TAG_LENGTH : input.length;
    if (end < ivLength) throw new ExecutionError(`input of ${input.length} bytes is too short for AES-${mode}`);
    const decipher = createDecipheriv(alg, key, mode === "ECB" ? null : iv);
    if (mode === "GCM") {
      (decipher as DecipherGCM).setAuthTag(input.subarray(end));
      if (aad.length > 0) (decipher as DecipherGCM).setAAD(aad);
    }
    return Buffer.concat([decipher.update(input.subarray(ivLength, end)), decipher.final()]);
  } catch (e) {
    throw new ExecutionError(`${fn}: [INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) \`expr\`, \`key\` in \`${fn}\` is invalid: detail message: ${(e as Error).message}`);
  }
}

function aesKernel(fn: "aes_encrypt" | "aes_decrypt" | "try_aes_decrypt"): Kernel {
  return (args, n) => {
    const [input, key, mode, padding, ivOrAad, aadOfEncrypt] = args;
    const b = new BytesBuilder(n, (input as BytesVector).data?.length ?? n * 16);
    for (let i = 0; i < n; i++) {
      const x = bytesAt(input, i);
      const k = bytesAt(key, i);
      const m = textAt(mode, i, "GCM");
      const p = textAt(padding, i, "DEFAULT");
      const extra = bytesAt(ivOrAad, i);
      const aad = fn === "aes_encrypt" ? bytesAt(aadOfEncrypt, i) : extra;
      if (x === null || k === null || m === null || p === null || extra === null || aad === null) {
        b.appendNull();
        continue;
      }
      try {
        const cm = cipherMode(fn, m, p);
        const out = fn === "aes_encrypt" ? encrypt(x, k, cm, extra, aad) : decrypt(fn, x, k, cm, aad);
        b.appendBytes(out, 0, out.length);
      } catch (e) {
        if (fn !== "try_aes_decrypt") throw e;
        b.appendNull();
      }
    }
    return b.finish(BinaryType());
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const CRYPTO_KERNELS: Readonly<Record<string, KernelFactory>> = {
  aes_encrypt: () => aesKernel("aes_encrypt"),
  aes_decrypt: () => aesKernel("aes_decrypt"),
  try_aes_decrypt: () => aesKernel("try_aes_decrypt"),
};
