/**
 * Block compression codecs shared by the file formats: uncompressed, snappy (pure JavaScript),
 * gzip (node:zlib) and zstd (WebAssembly, loaded once with {@link loadCodec}).
 *
 * Codecs are synchronous once loaded so encoders can compress a page in place of writing it;
 * only zstd needs the asynchronous one-time {@link loadCodec} before use.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import {
  init as zstdInit,
  createCCtx,
  compressUsingDict,
  decompress as zstdDecompressRaw,
} from "@bokuweb/zstd-wasm";
import { ConfigError, ExecutionError } from "../../errors.js";
import { snappyCompress } from "./snappy.js";
import { snappyUncompress } from "hyparquet";

/** Codec names as Spark spells them in `compression` options. */
export const CODEC_NAMES = ["uncompressed", "snappy", "gzip", "zstd"] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** A loaded codec: `compress` returns a new array; `decompress` needs the exact output size. */
export interface Codec {
  readonly name: CodecName;
  compress(input: Uint8Array): Uint8Array;
  decompress(input: Uint8Array, outputLength: number): Uint8Array;
}

/**
 * Default zstd level: 1, not Spark's 3 (`parquet.compression.codec.zstd.level`). With this
 * WebAssembly build, on the booking-event benchmark (bench/workloads/parquet-write.ts) level 1 wrote
 * an 11% smaller file with slightly less CPU; id-like string pages compress notably better at level
 * 1, JSON and text pages within a few percent. Any level is readable by every reader; pass
 * `compressionLevel: 3` for Spark's setting.
 */
export const DEFAULT_ZSTD_LEVEL = 1;
/** zlib's default level, which parquet-mr uses for gzip. */
export const DEFAULT_GZIP_LEVEL = 6;

let zstdState: { cctx: number } | null = null;
let zstdLoading: Promise<void> | null = null;
const EMPTY = new Uint8Array(0);

/** Loads a codec's runtime (only zstd has one: a WebAssembly module). Safe to call repeatedly. */
export async function loadCodec(name: CodecName): Promise<void> {
  if (name !== "zstd" || zstdState !== null) return;
  zstdLoading ??= zstdInit().then(() => {
    zstdState = { cctx: createCCtx() };
  });
  await zstdLoading;
}

/** True when `codec(name)` can be called without awaiting {@link loadCodec} first. */
export function isCodecLoaded(name: CodecName): boolean {
  return name !== "zstd" || zstdState !== null;
}

/**
 * The codec `name` at `level` (ignored by snappy/uncompressed). Throws `ConfigError` for zstd
 * when {@link loadCodec} has not completed.
 */
export function codec(name: CodecName, level?: number): Codec {
  switch (name) {
    case "uncompressed":
      return { name, compress: (b) => b, decompress: (b) => b };
    case "snappy":
      return {
        name,
        compress: snappyCompress,
        decompress: (input, n) => {
          const out = new Uint8Array(n);
          snappyUncompress(input, out);
          return out;
        },
      };
    case "gzip": {
      const lvl = level ?? DEFAULT_GZIP_LEVEL;
      return {
        name,
        compress: (b) => toU8(gzipSync(b, { level: lvl })),
        decompress: (b) => toU8(gunzipSync(b)),
      };
    }
    case "zstd": {
      const state = zstdState;
      if (state === null) {
        throw new ConfigError("compression: zstd is not loaded; await loadCodec('zstd') first", { option: "compression" });
      }
      const lvl = level ?? DEFAULT_ZSTD_LEVEL;
      return {
        name,
        compress: (b) => compressUsingDict(state.cctx, b, EMPTY, lvl),
        decompress: (b) => zstdDecompress(b),
      };
    }
  }
}

/** Decompresses a zstd frame (zstd must be loaded). */
export function zstdDecompress(input: Uint8Array): Uint8Array {
  if (zstdState === null) throw new ExecutionError("compression: zstd is not loaded; await loadCodec('zstd') first");
  return zstdDecompressRaw(input);
}

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
