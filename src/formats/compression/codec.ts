/**
 * Block compression codecs shared by the file formats: uncompressed, snappy (pure JavaScript),
 * gzip (node:zlib) and zstd.
 *
 * zstd comes from Node's own zlib where it has it (Node 22.15+, 23.8+, 24) and otherwise from the
 * optional package `@bokuweb/zstd-wasm` (a WebAssembly build, for Node 20), which is imported
 * only when native zstd is missing. Both are libzstd, so levels mean the same and either backend
 * reads what the other wrote.
 *
 * Codecs are synchronous once loaded so encoders can compress a page in place of writing it.
 * Only the WebAssembly fallback needs the asynchronous one-time {@link loadCodec}; with native
 * zstd every codec is loaded from the start, and {@link loadCodec} is a no-op.
 */
import * as zlib from "node:zlib";
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
 * Default zstd level: 1, not Spark's 3 (`parquet.compression.codec.zstd.level`). On the
 * booking-event benchmark (bench/workloads/parquet-write.ts) level 1 wrote an 11% smaller file
 * with slightly less CPU; id-like string pages compress notably better at level 1, JSON and text
 * pages within a few percent. Any level is readable by every reader; pass `compressionLevel: 3`
 * for Spark's setting.
 */
export const DEFAULT_ZSTD_LEVEL = 1;
/** zlib's default level, which parquet-mr uses for gzip. */
export const DEFAULT_GZIP_LEVEL = 6;

/** Where zstd comes from: Node's zlib, or the `@bokuweb/zstd-wasm` fallback. */
export type ZstdBackendName = "native" | "wasm";

/** One zstd implementation. `level` is libzstd's compression level (negative to 22). */
export interface ZstdBackend {
  readonly name: ZstdBackendName;
  compress(input: Uint8Array, level: number): Uint8Array;
  /**
   * Decompresses `input`, one zstd frame (as a Parquet page or the zstd CLI writes it; Node's zlib
   * stops at the end of the first frame). `sizeHint` is the decompressed size when the caller knows
   * it (Parquet pages); a frame that does not record its size is decoded without it.
   */
  decompress(input: Uint8Array, sizeHint?: number): Uint8Array;
}

/** The native backend, or null on a Node without zlib zstd. */
const NATIVE_ZSTD: ZstdBackend | null = nativeZstd();
let zstdBackend: ZstdBackend | null = NATIVE_ZSTD;
let wasmLoading: Promise<ZstdBackend> | null = null;

/**
 * Makes `codec(name)` usable. Only zstd on a Node without native zstd has something to load (the
 * WebAssembly fallback); it throws `ConfigError` when that optional package is not installed.
 * Safe to call repeatedly and concurrently.
 */
export async function loadCodec(name: CodecName): Promise<void> {
  if (name !== "zstd" || zstdBackend !== null) return;
  zstdBackend = await loadWasmZstd();
}

/** True when `codec(name)` can be called without awaiting {@link loadCodec} first. */
export function isCodecLoaded(name: CodecName): boolean {
  return name !== "zstd" || zstdBackend !== null;
}

/** The zstd backend in use (`null` until {@link loadCodec} on a Node without native zstd). */
export function zstdBackendName(): ZstdBackendName | null {
  return zstdBackend?.name ?? null;
}

/**
 * Chooses the zstd backend for this thread (for comparing backends in tests and benchmarks):
 * `"wasm"` loads the fallback even where native zstd exists; `"native"` throws `ConfigError` on a
 * Node without it.
 */
export async function useZstdBackend(name: ZstdBackendName): Promise<void> {
  if (name === "native") {
    if (NATIVE_ZSTD === null) throw new ConfigError(`compression: this Node.js (${process.version}) has no native zstd; it needs 22.15+ or 24`, { option: "compression" });
    zstdBackend = NATIVE_ZSTD;
  } else {
    zstdBackend = await loadWasmZstd();
  }
}

/**
 * The codec `name` at `level` (ignored by snappy/uncompressed). Throws `ConfigError` for zstd
 * when it needs {@link loadCodec} first.
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
        compress: (b) => toU8(zlib.gzipSync(b, { level: lvl })),
        decompress: (b) => toU8(zlib.gunzipSync(b)),
      };
    }
    case "zstd": {
      const backend = zstdBackend;
      if (backend === null) {
        throw new ConfigError("compression: zstd is not loaded; await loadCodec('zstd') first", { option: "compression" });
      }
      const lvl = level ?? DEFAULT_ZSTD_LEVEL;
      return {
        name,
        compress: (b) => backend.compress(b, lvl),
        decompress: (b, n) => backend.decompress(b, n),
      };
    }
  }
}

/**
 * Decompresses one zstd frame (see {@link ZstdBackend.decompress}). `sizeHint`: the decompressed
 * size, when known. Throws `ExecutionError` when zstd is not loaded (see {@link loadCodec}).
 */
export function zstdDecompress(input: Uint8Array, sizeHint?: number): Uint8Array {
  if (zstdBackend === null) throw new ExecutionError("compression: zstd is not loaded; await loadCodec('zstd') first");
  return zstdBackend.decompress(input, sizeHint);
}

// ---------------------------------------------------------------------------------------------
// Native zstd (node:zlib). @types/node follows the oldest supported Node (20), which has no zstd,
// so the members are declared here and detected at run time.

interface NativeZstdZlib {
  zstdCompressSync(input: Uint8Array, options: { params: Record<number, number> }): Buffer;
  zstdDecompressSync(input: Uint8Array): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
}

function hasNativeZstd(z: object): z is NativeZstdZlib {
  return (
    "zstdCompressSync" in z &&
    typeof z.zstdCompressSync === "function" &&
    "zstdDecompressSync" in z &&
    typeof z.zstdDecompressSync === "function" &&
    typeof (zlib.constants as Readonly<Record<string, number | undefined>>).ZSTD_c_compressionLevel === "number"
  );
}

function nativeZstd(): ZstdBackend | null {
  const z: object = zlib;
  if (!hasNativeZstd(z)) return null;
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  return {
    name: "native",
    compress: (b, level) => toU8(z.zstdCompressSync(b, { params: { [levelParam]: level } })),
    decompress: (b) => toU8(z.zstdDecompressSync(b)),
  };
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly fallback, imported on first use only, so a Node with native zstd never loads it
// (nor needs it installed).

const WASM_PACKAGE = "@bokuweb/zstd-wasm";
/** The fallback's error for libzstd's ZSTD_error_dstSize_tooSmall (code 70, returned as -70). */
const WASM_DST_TOO_SMALL = /code (-70|4294967226)$/;
/** Largest output the fallback decodes for a frame that does not record its size. */
const WASM_MAX_GUESS = 1 << 30;
const EMPTY = new Uint8Array(0);

function loadWasmZstd(): Promise<ZstdBackend> {
  wasmLoading ??= importWasmZstd().catch((e: unknown) => {
    wasmLoading = null;
    throw e;
  });
  return wasmLoading;
}

async function importWasmZstd(): Promise<ZstdBackend> {
  let m: typeof import("@bokuweb/zstd-wasm");
  try {
    m = await import("@bokuweb/zstd-wasm");
  } catch (cause) {
    throw new ConfigError(
      `compression: zstd needs Node.js 22.15+ (native zstd) or, on Node.js ${process.version}, the optional package ${WASM_PACKAGE}, which cannot be loaded; ` +
        `install it (npm i ${WASM_PACKAGE}), upgrade Node.js, or choose another compression such as 'snappy'`,
      { option: "compression", cause },
    );
  }
  await m.init();
  const cctx = m.createCCtx();
  const decompress = (b: Uint8Array, sizeHint?: number): Uint8Array => {
    // The build's decompress uses the frame's recorded size, else `defaultHeapSize`; a frame
    // without one (streamed by the zstd CLI) is retried with a doubled buffer until it fits.
    let guess = sizeHint ?? Math.max(1 << 20, b.length * 8);
    for (;;) {
      try {
        return m.decompress(b, { defaultHeapSize: guess });
      } catch (e) {
        const tooSmall = e instanceof Error && WASM_DST_TOO_SMALL.test(e.message);
        if (!tooSmall || sizeHint !== undefined || guess >= WASM_MAX_GUESS) {
          throw new ExecutionError(`compression: zstd (${WASM_PACKAGE}) cannot decompress ${b.length} bytes: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        guess *= 2;
      }
    }
  };
  return { name: "wasm", compress: (b, level) => m.compressUsingDict(cctx, b, EMPTY, level), decompress };
}

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
