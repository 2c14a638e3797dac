/**
 * Builds records in the Kinesis Producer Library's aggregation format (magic, the AggregatedRecord
 * protobuf written with protobufjs' writer, its MD5), as a KPL producer would put them.
 */
import { createHash } from "node:crypto";
import protobuf from "protobufjs/minimal.js";
import { KPL_MAGIC } from "../../src/connectors/kinesis/kpl.js";

/** An aggregate of `records` (partition key index, data) over the key table `keys`. */
export function aggregate(keys: readonly string[], records: readonly { key: number; data: string }[], tamper = false): Uint8Array {
  const w = protobuf.Writer.create();
  for (const k of keys) w.uint32((1 << 3) | 2).string(k);
  w.uint32((2 << 3) | 2).string("ignored-explicit-hash-key");
  for (const r of records) {
    w.uint32((3 << 3) | 2).fork();
    w.uint32((1 << 3) | 0).uint64(r.key);
    w.uint32((3 << 3) | 2).bytes(new TextEncoder().encode(r.data));
    w.uint32((4 << 3) | 2).fork().uint32((1 << 3) | 2).string("tag").ldelim();
    w.ldelim();
  }
  const body = w.finish();
  const digest = createHash("md5").update(body).digest();
  if (tamper) digest[0] ^= 0xff;
  const out = new Uint8Array(KPL_MAGIC.length + body.length + digest.length);
  out.set(KPL_MAGIC, 0);
  out.set(body, KPL_MAGIC.length);
  out.set(digest, KPL_MAGIC.length + body.length);
  return out;
}

