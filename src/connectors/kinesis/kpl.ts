/**
 * Records aggregated by the Kinesis Producer Library: one Kinesis record holding many user records.
 * The format (the KPL's aggregation format, as the KCL de-aggregates it): the magic bytes
 * `F3 89 9A C2`, a protobuf `AggregatedRecord`, then the MD5 digest of the protobuf bytes.
 *
 * ```
 * message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
 * message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2; required bytes data = 3; repeated Tag tags = 4; }
 * ```
 *
 * The protobuf wire format is read with protobufjs' reader (an optional dependency, loaded on the
 * first aggregated record). As the KCL does, a record whose magic matches but whose digest does not
 * is not an aggregate: it is returned as it is.
 */
import { createHash } from "node:crypto";
import { ConfigError, SourceError } from "../../errors.js";

/** The KPL's magic prefix. */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;

/** One user record of an aggregate. */
export interface UserRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/** The subset of protobufjs' `Reader` used here. */
interface ProtoReader {
  readonly pos: number;
  readonly len: number;
  uint32(): number;
  uint64(): { toNumber(): number } | number;
  bytes(): Uint8Array;
  string(): string;
  skipType(wireType: number): unknown;
}

interface Protobuf {
  Reader: { create(buffer: Uint8Array): ProtoReader };
}

let protobuf: Promise<Protobuf> | null = null;

function loadProtobuf(): Promise<Protobuf> {
  protobuf ??= (async () => {
    const name: string = "protobufjs/minimal.js";
    try {
      const m = (await import(name)) as Protobuf & { default?: Protobuf };
      return m.default ?? m;
    } catch (e) {
      throw new ConfigError("kinesis: reading records aggregated by the KPL needs the package protobufjs (an optional dependency of sluice): npm install protobufjs", { cause: e });
    }
  })();
  protobuf.catch(() => (protobuf = null));
  return protobuf;
}

/** Whether `data` starts like an aggregate (checked fully by {@link deaggregate}). */
export function looksAggregated(data: Uint8Array): boolean {
  return data.length > KPL_MAGIC.length + DIGEST_BYTES && KPL_MAGIC.every((b, i) => data[i] === b);
}

/**
 * The user records of an aggregated record, in order, or null when `data` is not an aggregate
 * (no magic, or a digest that does not match).
 * @throws SourceError when the digest matches but the protobuf is malformed (naming `where`).
 */
export async function deaggregate(data: Uint8Array, where: string): Promise<UserRecord[] | null> {
  if (!looksAggregated(data)) return null;
  const body = data.subarray(KPL_MAGIC.length, data.length - DIGEST_BYTES);
  const digest = createHash("md5").update(body).digest();
  const stored = data.subarray(data.length - DIGEST_BYTES);
  if (!digest.equals(stored)) return null;
  const { Reader } = await loadProtobuf();
  try {
    const r = Reader.create(body);
    const keys: string[] = [];
    const records: { key: number; data: Uint8Array }[] = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) keys.push(r.string());
      else if (field === 3) records.push(readRecord(Reader.create(r.bytes()), where));
      else r.skipType(tag & 7);
    }
    return records.map((x) => {
      const partitionKey = keys[x.key];
      if (partitionKey === undefined) throw new SourceError(`kinesis: ${where} is a KPL aggregate whose partition key index ${x.key} is outside its table of ${keys.length}`);
      return { partitionKey, data: x.data };
    });
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(`kinesis: ${where} is a KPL aggregate with a malformed body: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function readRecord(r: ProtoReader, where: string): { key: number; data: Uint8Array } {
  let key = -1;
  let data: Uint8Array | null = null;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) {
      const v = r.uint64();
      key = typeof v === "number" ? v : v.toNumber();
    } else if (field === 3) data = r.bytes();
    else r.skipType(tag & 7);
  }
  if (key < 0 || data === null) throw new SourceError(`kinesis: ${where} is a KPL aggregate with a user record lacking its partition key index or its data`);
  return { key, data };
}
