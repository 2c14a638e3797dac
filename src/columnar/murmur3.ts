/**
 * MurmurHash3 (x86, 32-bit) over byte ranges, and the key-hash convention every hash table of
 * encoded keys uses. Hashes are never persisted: tables recompute them when state is reloaded.
 */

/** Seed of every key hash (Spark's `hash()` seed; any fixed value would do). */
export const KEY_HASH_SEED = 42;

/**
 * MurmurHash3 x86_32 of `data[start, end)` with `seed`, as a signed 32-bit integer (the same bits
 * as the reference's unsigned result: `h >>> 0` gives that). Signed because V8 keeps an int32
 * unboxed across calls, where a value of 2^31 or more is a heap number: a hash per row made half
 * a million allocations per batch.
 */
export function murmur3(data: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  const blocksEnd = start + ((end - start) & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = end - i;
  if (rest > 0) {
    let k = data[i];
    if (rest > 1) k ^= data[i + 1] << 8;
    if (rest > 2) k ^= data[i + 2] << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * Hash of the logical key `[tag] ++ data[start, end)`: MurmurHash3 of the bytes after the tag,
 * seeded by the tag. Lets a caller hash a single string column's bytes in place (the tag being the
 * null marker) and get the same hash as the fully encoded key.
 */
export function hashTagged(tag: number, data: Uint8Array, start: number, end: number): number {
  return murmur3(data, start, end, KEY_HASH_SEED ^ Math.imul(tag + 1, 0x9e3779b1));
}

/** Hash of the encoded key `data[start, end)` (same convention as {@link hashTagged}). */
export function hashKey(data: Uint8Array, start: number, end: number): number {
  if (end <= start) return murmur3(data, start, start, KEY_HASH_SEED);
  return hashTagged(data[start], data, start + 1, end);
}
