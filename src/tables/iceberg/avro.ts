/**
 * Avro object container files, as Iceberg's manifests and manifest lists are stored, read and
 * written with `avsc` (a well-kept Avro library: Iceberg's spec asks for exact Avro, and the
 * container format, codecs and schema resolution are not worth hand-writing).
 *
 * Longs are {@link Long}: a number when safe, a `bigint` beyond 2^53 (snapshot ids are random
 * 63-bit values). Codecs: `null`, `deflate` (Iceberg's default), `snappy` (with Avro's CRC-32
 * trailer) and `zstandard`.
 */
import type avroModule from "avsc";
import { inflateRawSync } from "node:zlib";
import { SourceError } from "../../errors.js";
import { codec as parquetCodec, loadCodec, zstdDecompress } from "../../formats/compression/codec.js";
import type { Long } from "./long-json.js";

/** An Avro schema as JSON (records may carry Iceberg's `field-id`, arrays `element-id`). */
export type AvroSchema = string | readonly AvroSchema[] | { readonly [key: string]: unknown };

/** A decoded Avro value: records are plain objects, longs {@link Long}, bytes Buffers. */
export type AvroValue = null | boolean | number | bigint | string | Uint8Array | AvroValue[] | { [key: string]: AvroValue };

/** A container file read whole. */
export interface AvroFile {
  /** The header's metadata other than `avro.schema` and `avro.codec`, as text. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The writer's schema. */
  readonly schema: unknown;
  readonly records: readonly { [key: string]: AvroValue }[];
}

type Avsc = typeof avroModule;

/** avsc and its long type, loaded on first use (loading avsc costs ~20 ms of every process's start). */
let loaded: { readonly avro: Avsc; readonly longType: avroModule.types.LongType } | null = null;

async function avsc(): Promise<{ readonly avro: Avsc; readonly longType: avroModule.types.LongType }> {
  if (loaded === null) {
    const avro = (await import("avsc")).default;
    loaded = { avro, longType: longTypeOf(avro) };
  }
  return loaded;
}

/** avsc's long type with {@link Long} values. */
function longTypeOf(avro: Avsc): avroModule.types.LongType {
  return avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): Long => {
    const v = buf.readBigInt64LE(0);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  },
  toBuffer: (n: Long): Buffer => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n), 0);
    return buf;
  },
  fromJSON: (n: unknown): Long => (typeof n === "bigint" || typeof n === "number" ? n : Number(n)),
  toJSON: (n: Long): number => Number(n),
  isValid: (n: unknown): boolean => typeof n === "bigint" || (typeof n === "number" && Number.isInteger(n)),
  compare: (a: Long, b: Long): number => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0),
  });
}

/**
 * Loads avsc and builds the types of `schemas` now. A writer calls it before its first batch's
 * data: loading and compiling then, while the heap is small, spares a major collection of a
 * heap full of batch data later (measured: ~70 ms in the second 100k-row batch).
 */
export async function warmAvro(schemas: readonly AvroSchema[]): Promise<void> {
  const lib = await avsc();
  for (const s of schemas) avroType(lib, s);
}

/** Types by schema JSON: building one compiles its codec, which costs more than a small manifest's encoding. */
const types = new Map<string, avroModule.Type>();

/** The avsc type of `schema`, with {@link Long} longs and unions of null and one type unwrapped. */
function avroType(lib: { readonly avro: Avsc; readonly longType: avroModule.types.LongType }, schema: AvroSchema): avroModule.Type {
  const key = JSON.stringify(schema);
  let t = types.get(key);
  if (t === undefined) {
    t = lib.avro.Type.forSchema(schema as AvscSchema, { registry: { long: lib.longType }, wrapUnions: "auto" });
    if (types.size > 64) types.clear();
    types.set(key, t);
  }
  return t;
}

type Callback = (err: Error | null, out?: Buffer) => void;

const decodeCodecs: Record<string, (buf: Buffer, cb: Callback) => void> = {
  null: (buf, cb) => cb(null, buf),
  deflate: (buf, cb) => tryCodec(cb, () => inflateRawSync(buf)),
  // Avro's snappy blocks end with the CRC-32 of the uncompressed bytes.
  snappy: (buf, cb) => tryCodec(cb, () => {
    const body = buf.subarray(0, buf.length - 4);
    const out = parquetCodec("snappy").decompress(body, snappyLength(body));
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }),
  zstandard: (buf, cb) => tryCodec(cb, () => {
    const out = zstdDecompress(buf);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }),
};

function tryCodec(cb: Callback, f: () => Buffer): void {
  let out: Buffer;
  try {
    out = f();
  } catch (e) {
    cb(e instanceof Error ? e : new Error(String(e)));
    return;
  }
  cb(null, out);
}

/** The uncompressed length a snappy block starts with (a varint). */
function snappyLength(b: Uint8Array): number {
  let n = 0;
  let shift = 0;
  for (let i = 0; i < 5 && i < b.length; i++) {
    n += (b[i] & 0x7f) * 2 ** shift;
    if ((b[i] & 0x80) === 0) return n;
    shift += 7;
  }
  return n;
}

/**
 * Reads a whole container file. `where` names it in errors.
 * @throws SourceError when the bytes are not an Avro container file or a block does not decode.
 */
export async function readAvroFile(bytes: Uint8Array, where: string): Promise<AvroFile> {
  if (bytes.length < 4 || bytes[0] !== 0x4f || bytes[1] !== 0x62 || bytes[2] !== 0x6a || bytes[3] !== 0x01) {
    throw new SourceError(`iceberg: ${where} is not an Avro container file (bad magic bytes)`, { path: where });
  }
  await loadCodec("zstd");
  const lib = await avsc();
  return new Promise<AvroFile>((resolve, reject) => {
    const records: { [key: string]: AvroValue }[] = [];
    let metadata: Record<string, string> = {};
    let schema: unknown = null;
    const decoder = new lib.avro.streams.BlockDecoder({
      codecs: decodeCodecs,
      parseHook: (s: AvscSchema) => {
        schema = s;
        return avroType(lib, s as AvroSchema);
      },
    });
    decoder.on("metadata", (_type: unknown, _codec: string, header: { meta: Record<string, Buffer> }) => {
      metadata = {};
      for (const [k, v] of Object.entries(header.meta)) if (k !== "avro.schema" && k !== "avro.codec") metadata[k] = v.toString("utf8");
    });
    decoder.on("data", (r: { [key: string]: AvroValue }) => records.push(r));
    decoder.on("end", () => resolve({ metadata, schema, records }));
    decoder.on("error", (e: Error) => reject(new SourceError(`iceberg: cannot read Avro file ${where}: ${e.message}`, { path: where, cause: e })));
    decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/** Options of {@link writeAvroFile}. */
export interface AvroWriteOptions {
  /** Header metadata (Iceberg's `schema`, `partition-spec`, `format-version`, `content` …). */
  readonly metadata: Readonly<Record<string, string>>;
  /** `deflate` (Iceberg's default) or `null`. */
  readonly codec?: "deflate" | "null";
}

/** avsc's schema argument (its type is not exported by name). */
type AvscSchema = Parameters<Avsc["Type"]["forSchema"]>[0];

/** avsc's encoder options; `metadata` is supported by its BlockEncoder but missing from its types. */
type BlockEncoderOptions = NonNullable<ConstructorParameters<Avsc["streams"]["BlockEncoder"]>[1]> & { readonly metadata: Record<string, Buffer> };

/** Encodes `records` (valid for `schema`) as one container file. */
export async function writeAvroFile(schema: AvroSchema, records: readonly unknown[], options: AvroWriteOptions): Promise<Uint8Array> {
  const lib = await avsc();
  const type = avroType(lib, schema);
  const metadata: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(options.metadata)) metadata[k] = Buffer.from(v, "utf8");
  const encoderOptions: BlockEncoderOptions = { codec: options.codec ?? "deflate", metadata };
  const encoder = new lib.avro.streams.BlockEncoder(type, encoderOptions);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on("data", (c: Buffer) => chunks.push(c));
    encoder.on("end", () => resolve());
    encoder.on("error", reject);
  });
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
