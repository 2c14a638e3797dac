/**
 * Transparent decompression of text-format files by file name, as Hadoop's codec factory does for
 * Spark: `.gz` (gzip, including several concatenated members as Firehose and `cat a.gz b.gz` produce)
 * and `.deflate` (zlib) are decompressed; other files are returned unchanged. Names ending in a
 * codec sluice cannot read (`.bz2`, `.zst`, `.lz4`, `.snappy`) are refused rather than read as
 * garbage.
 */
import { gunzip, inflate } from "node:zlib";
import { promisify } from "node:util";
import { SourceError } from "../../errors.js";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** The codec a file name implies: `"gzip"`, `"deflate"` or `null` for an uncompressed file. */
export type Codec = "gzip" | "deflate" | null;

const UNSUPPORTED = [".bz2", ".zst", ".lz4", ".snappy"];

/**
 * The codec for `name` (by suffix). Throws {@link SourceError} for a compressed file whose codec is
 * not supported, naming the file.
 */
export function codecOf(name: string): Codec {
  if (name.endsWith(".gz")) return "gzip";
  if (name.endsWith(".deflate")) return "deflate";
  for (const s of UNSUPPORTED) {
    if (name.endsWith(s)) {
      throw new SourceError(`file source: cannot read ${name}: compression '${s.slice(1)}' is not supported (gzip and deflate are)`, {
        path: name,
      });
    }
  }
  return null;
}

/**
 * Decompresses `data` per the codec of `name` (see {@link codecOf}). A corrupt or truncated
 * compressed file is a {@link SourceError} naming the file: the query fails rather than silently
 * losing the file's records.
 */
export async function decompressFile(name: string, data: Uint8Array): Promise<Uint8Array> {
  const codec = codecOf(name);
  if (codec === null) return data;
  try {
    const out = codec === "gzip" ? await gunzipAsync(data) : await inflateAsync(data);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SourceError(`file source: corrupt ${codec} file ${name}: ${reason}`, { path: name, cause });
  }
}
