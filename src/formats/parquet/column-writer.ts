/**
 * Writes one leaf column's chunk of a row group: buffers levels and values for the current data
 * page (v1), cuts pages at `pageSize` bytes or `pageRowLimit` rows, compresses them, and at the end
 * of the row group lays out the dictionary page (if any) followed by the data pages.
 *
 * Encodings, as parquet-mr's v1 writer: RLE levels; PLAIN values; PLAIN_DICTIONARY for strings and
 * binary while the dictionary pays off — it is dropped after the first page when
 * `indices + dictionary >= plain size` (or already after the first 4096 values when nearly all of
 * them are distinct), and frozen (later pages PLAIN) once it passes `dictionaryPageSize` bytes.
 */
import { SinkError } from "../../errors.js";
import type { Vector } from "../../columnar/vector.js";
import { isValidUtf8, validUtf8Vector } from "../../columnar/utf8.js";
import type { Codec } from "../compression/codec.js";
import { ByteSink } from "./byte-sink.js";
import { BoundedPool } from "./bounded-pool.js";
import { BytesDictionary } from "./bytes-dictionary.js";
import { Encoding, PageType, PhysicalType } from "./constants.js";
import { bitWidth, encodeRleHybrid } from "./rle.js";
import { shred } from "./shred.js";
import type { Shredded } from "./shred.js";
import { StatsAccumulator, bigEndianFixed, compareBytes, encodeStat } from "./statistics.js";
import type { StatValue } from "./statistics.js";
import { ThriftWriter } from "./thrift-compact.js";
import type { LeafColumn } from "./write-schema.js";

/**
 * Values of a chunk's first page after which a dictionary whose entries exceed
 * DICT_PROBE_DISTINCT of the values is abandoned early. 0.95 of 4096 keeps every column with
 * fewer than about 40 000 uniformly drawn distinct values (where a dictionary can still pay off
 * on a 20 000-row page); the end-of-first-page size check still applies to the rest.
 *
 * A first look after DICT_QUICK_PROBE_VALUES: not one repeat among them (a key or an id column;
 * uniform draws from fewer than ~200 000 values repeat there with probability > 0.9) abandons the
 * dictionary then. Hashing and unwinding a probe costs about as much as PLAIN-encoding the values
 * twice, which a partitioned write pays once per file and column.
 */
const DICT_PROBE_VALUES = 4096;
const DICT_PROBE_DISTINCT = 0.95;
const DICT_QUICK_PROBE_VALUES = 1024;

/**
 * Files of one write after which a column whose dictionary every one of them dropped on its first
 * page starts PLAIN in the next files.
 */
const DICT_HINT_FILES = 2;

/**
 * What the files of one write (the partition files of a partitioned write, the files a roll starts)
 * learnt about their columns' dictionaries, by dotted leaf path: a column whose first page found
 * (nearly) all values distinct in {@link DICT_HINT_FILES} files, and kept a dictionary in none, is
 * a key or id column, and later files write it PLAIN without probing. Hashing and unwinding a probe
 * costs about as much as PLAIN-encoding the values twice, paid per file and column. Only the
 * encoding changes; the values and statistics are the same. Not shared across threads.
 */
export class DictionaryHints {
  private readonly dropped = new Map<string, number>();
  private readonly kept = new Set<string>();

  /** True when the column at `path` should start PLAIN. */
  skip(path: string): boolean {
    return !this.kept.has(path) && (this.dropped.get(path) ?? 0) >= DICT_HINT_FILES;
  }

  /** A chunk of the column at `path` dropped its dictionary on its first page. */
  drop(path: string): void {
    this.dropped.set(path, (this.dropped.get(path) ?? 0) + 1);
  }

  /** A chunk of the column at `path` wrote a dictionary-encoded page. */
  keep(path: string): void {
    this.kept.add(path);
  }
}

/** Settings shared by every column of a file. */
export interface ColumnWriterSettings {
  readonly codec: Codec;
  readonly codecId: number;
  readonly pageSize: number;
  readonly pageRowLimit: number;
  readonly dictionary: boolean;
  readonly dictionaryPageSize: number;
  /** The write's dictionary hints, shared with its other files; none when absent. */
  readonly hints?: DictionaryHints;
}

/** A finished column chunk: its pages in file order plus what its metadata needs. */
export interface ChunkResult {
  readonly parts: Uint8Array[];
  readonly byteLength: number;
  readonly uncompressedLength: number;
  /** Offset of the data pages relative to the chunk start (0, or the dictionary page's length). */
  readonly dataPageRelOffset: number;
  readonly hasDictionary: boolean;
  readonly encodings: readonly number[];
  readonly numValues: number;
  readonly stats: StatsAccumulator;
}

/** Buffers and encodes one leaf column of the current row group. */
export class ColumnWriter {
  readonly leaf: LeafColumn;
  /** Statistics of the current chunk. */
  readonly chunkStats = new StatsAccumulator();
  private readonly settings: ColumnWriterSettings;
  private readonly isBytes: boolean;
  /** A STRING column (UTF-8 text), whose values must be valid UTF-8. */
  private readonly isString: boolean;
  private readonly flat: boolean;

  /** The open page's buffers, borrowed from the pool while the writer has a page open. */
  private pb: PageBuffers | null = null;
  private dictCount = 0;
  private pageLevels = 0;
  private pageRows = 0;
  private pagePlainBytes = 0;

  // chunk state
  private dict: BytesDictionary | null = null;
  private dictFrozen = false;
  /** The dictionary passed its limit during the open page: freeze it once that page is flushed. */
  private freezePending = false;
  private pagesWritten = 0;
  private dictPages = 0;
  private plainPages = 0;
  private readonly pages: Uint8Array[] = [];
  private pagesBytes = 0;
  private pagesUncompressed = 0;
  private chunkLevels = 0;

  private readonly minMaxScratch = new Int32Array(4);

  constructor(leaf: LeafColumn, settings: ColumnWriterSettings) {
    this.leaf = leaf;
    this.settings = settings;
    this.isBytes = leaf.physical === PhysicalType.BYTE_ARRAY;
    this.isString = leaf.type.typeName === "string";
    this.flat = leaf.steps.length === 0;
    this.resetDictionary();
  }

  /** The open page's buffers, taken from the pool on first use. */
  private get page(): PageBuffers {
    return (this.pb ??= PageBuffers.take());
  }

  /**
   * Returns the page buffers to the pool; the next write takes a set again. Only between pages:
   * call {@link flushPage} first. For a chunk that goes idle while other files are written (one
   * of many open partition files), so their pages share a few sets of buffers instead of each
   * growing its own.
   */
  releaseBuffers(): void {
    if (this.pageLevels > 0) throw new SinkError(`parquet writer: column '${this.leaf.dotted}' released its buffers with a page open`);
    if (this.pb !== null) PageBuffers.give(this.pb);
    this.pb = null;
  }

  /** Bytes buffered for this chunk so far (compressed pages plus the open page, uncompressed). */
  get bufferedBytes(): number {
    const pb = this.pb;
    return this.pagesBytes + (pb === null ? 0 : pb.values.length + pb.defs.length / 8) + this.dictCount * 2 + (this.dict?.plainBytes ?? 0);
  }

  /**
   * Appends rows `[start, end)` of the top-level vector `top`. A flat STRING column's bytes are
   * checked to be UTF-8 (natively, the slice at once): values that are not get U+FFFD for their
   * invalid bytes, so every reader (DuckDB refuses such a file) can read what sluice writes.
   */
  write(top: Vector, start: number, end: number): void {
    if (this.flat) {
      if (this.isString && top.kind === "bytes" && end > start && !isValidUtf8(top.data.subarray(top.offsets[start], top.offsets[end]))) {
        this.writeFlat(validUtf8Vector(top, start, end), 0, end - start);
      } else this.writeFlat(top, start, end);
    } else this.writeNested(shred(this.leaf, top, start, end), end - start);
  }

  private writeFlat(v: Vector, start: number, end: number): void {
    const leaf = this.leaf;
    let r = start;
    while (r < end) {
      let e = Math.min(end, r + (this.settings.pageRowLimit - this.pageRows));
      if (this.isBytes && v.kind === "bytes" && !this.dictionaryActive()) e = this.bytesSliceEnd(v.offsets, r, e);
      const n = e - r;
      const valid = v.kind === "null" ? new Uint8Array(n) : v.valid;
      if (valid === null) {
        if (leaf.maxDef > 0) this.pushLevels(this.page.defs, leaf.maxDef, n);
        this.writeValues(v, null, r, e);
      } else {
        // Definition levels straight from the validity mask; values through a selection.
        const defs = this.page.defs;
        defs.reserve(n);
        const buf = defs.buf;
        let o = defs.length;
        let sel = this.page.scratchIdx;
        if (sel.length < n) sel = this.page.scratchIdx = new Int32Array(Math.max(n, sel.length * 2));
        let k = 0;
        const base = v.kind === "null" ? 0 : r;
        for (let i = 0; i < n; i++) {
          const ok = valid[base + i];
          buf[o++] = ok;
          if (ok === 1) sel[k++] = r + i;
        }
        if (leaf.maxDef === 0 && k < n) {
          throw new SinkError(`parquet writer: column '${leaf.dotted}' is not nullable but holds ${n - k} null(s)`);
        }
        if (leaf.maxDef > 0) defs.length = o;
        this.chunkStats.nullCount += n - k;
        if (k > 0) this.writeValues(v, sel, 0, k);
      }
      this.pageLevels += n;
      this.pageRows += n;
      this.chunkLevels += n;
      r = e;
      if (this.pageFull()) this.flushPage();
    }
  }

  private writeNested(sh: Shredded, rows: number): void {
    const leaf = this.leaf;
    let r = 0;
    let vpos = 0;
    while (r < rows) {
      const e = Math.min(rows, r + (this.settings.pageRowLimit - this.pageRows));
      const l0 = sh.rowStarts[r];
      const l1 = sh.rowStarts[e];
      this.page.defs.append(sh.defs, l0, l1);
      this.page.reps.append(sh.reps, l0, l1);
      let present = 0;
      const maxDef = leaf.maxDef;
      for (let i = l0; i < l1; i++) if (sh.defs[i] === maxDef) present++;
      this.chunkStats.nullCount += l1 - l0 - present;
      if (present > 0 && sh.leaf.kind !== "null") this.writeValues(sh.leaf, sh.indices, vpos, vpos + present);
      vpos += present;
      this.pageLevels += l1 - l0;
      this.pageRows += e - r;
      this.chunkLevels += l1 - l0;
      r = e;
      if (this.pageFull()) this.flushPage();
    }
  }

  private pushLevels(sink: ByteSink, level: number, n: number): void {
    sink.reserve(n);
    sink.buf.fill(level, sink.length, sink.length + n);
    sink.length += n;
  }

  private pageFull(): boolean {
    if (this.pageRows >= this.settings.pageRowLimit || this.freezePending) return true;
    const size = this.dictionaryActive() ? this.dictCount * 2 : this.page.values.length;
    return size >= this.settings.pageSize;
  }

  private dictionaryActive(): boolean {
    return this.dict !== null && !this.dictFrozen;
  }

  /** Last row (exclusive) in `[r, e)` keeping the PLAIN page within `pageSize` (at least one row). */
  private bytesSliceEnd(offsets: Int32Array, r: number, e: number): number {
    const budget = this.settings.pageSize - this.page.values.length;
    const fits = (x: number) => offsets[x] - offsets[r] + 4 * (x - r) <= budget;
    if (fits(e)) return e;
    let lo = r + 1;
    let hi = e;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Encodes the present values: `sel === null` means rows `[s, e)` of `v`, all valid; otherwise
   * `sel[s..e)` are the positions in `v`.
   */
  private writeValues(v: Vector, sel: Int32Array | null, s: number, e: number): void {
    const st = this.chunkStats;
    st.valueCount += e - s;
    switch (v.kind) {
      case "i64":
        this.writeI64(v.values, sel, s, e);
        return;
      case "i32":
      case "i16":
      case "i8":
        this.writeI32(v.values, sel, s, e);
        return;
      case "f64":
      case "f32":
        this.writeFloat(v.values, v.kind === "f32", sel, s, e);
        return;
      case "bool":
        this.writeBool(v.values, sel, s, e);
        return;
      case "bytes":
        if (this.leaf.physical === PhysicalType.FIXED_LEN_BYTE_ARRAY) {
          throw new SinkError(`parquet writer: column '${this.leaf.dotted}' got a bytes vector for a fixed-length column`);
        }
        this.writeBytes(v.data, v.offsets, sel, s, e);
        return;
      case "decimal":
        this.writeDecimal(v.values, sel, s, e);
        return;
      default:
        throw new SinkError(`parquet writer: column '${this.leaf.dotted}' cannot write a ${v.kind} vector as a leaf`);
    }
  }

  private writeI64(src: BigInt64Array, sel: Int32Array | null, s: number, e: number): void {
    const out = this.page.values;
    const words = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
    let minHi = 0x7fffffff;
    let minLo = 0xffffffff;
    let maxHi = -0x80000000;
    let maxLo = 0;
    if (sel === null) {
      // Zero-copy: the typed array's bytes are already PLAIN INT64 (little-endian).
      out.append(new Uint8Array(src.buffer, src.byteOffset + s * 8, (e - s) * 8));
      for (let i = s; i < e; i++) {
        const hi = words[2 * i + 1];
        const lo = words[2 * i] >>> 0;
        if (hi < minHi || (hi === minHi && lo < minLo)) {
          minHi = hi;
          minLo = lo;
        }
        if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
          maxHi = hi;
          maxLo = lo;
        }
      }
    } else {
      out.reserve((e - s) * 8);
      const dst = new Int32Array(out.buf.buffer, 0, out.buf.length >>> 2);
      const aligned = (out.length & 3) === 0;
      let o = out.length;
      for (let k = s; k < e; k++) {
        const i = sel[k];
        const hi = words[2 * i + 1];
        const lo32 = words[2 * i];
        const lo = lo32 >>> 0;
        if (aligned) {
          dst[o >>> 2] = lo32;
          dst[(o >>> 2) + 1] = hi;
        } else {
          out.length = o;
          out.int32(lo32);
          out.int32(hi);
        }
        o += 8;
        if (hi < minHi || (hi === minHi && lo < minLo)) {
          minHi = hi;
          minLo = lo;
        }
        if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
          maxHi = hi;
          maxLo = lo;
        }
      }
      out.length = o;
    }
    if (e > s) {
      this.chunkStats.offer((BigInt(minHi) << 32n) | BigInt(minLo), (BigInt(maxHi) << 32n) | BigInt(maxLo));
    }
  }

  private writeI32(src: Int32Array | Int16Array | Int8Array, sel: Int32Array | null, s: number, e: number): void {
    const out = this.page.values;
    const n = e - s;
    out.reserve(n * 4);
    let min = 0x7fffffff;
    let max = -0x80000000;
    if (sel === null && src instanceof Int32Array && (out.length & 3) === 0) {
      out.append(new Uint8Array(src.buffer, src.byteOffset + s * 4, n * 4));
      for (let i = s; i < e; i++) {
        const x = src[i];
        if (x < min) min = x;
        if (x > max) max = x;
      }
    } else {
      const view = new DataView(out.buf.buffer);
      let o = out.length;
      for (let k = s; k < e; k++) {
        const x = src[sel === null ? k : sel[k]];
        view.setInt32(o, x, true);
        o += 4;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      out.length = o;
    }
    if (n > 0) this.chunkStats.offer(min, max);
  }

  private writeFloat(src: Float64Array | Float32Array, single: boolean, sel: Int32Array | null, s: number, e: number): void {
    const out = this.page.values;
    const width = single ? 4 : 8;
    out.reserve((e - s) * width);
    const view = new DataView(out.buf.buffer);
    let o = out.length;
    let min = Infinity;
    let max = -Infinity;
    let seen = false;
    for (let k = s; k < e; k++) {
      const x = src[sel === null ? k : sel[k]];
      if (single) view.setFloat32(o, x, true);
      else view.setFloat64(o, x, true);
      o += width;
      if (x === x) {
        seen = true;
        if (x < min || (x === 0 && min === 0 && Object.is(x, -0))) min = x;
        if (x > max || (x === 0 && max === 0 && Object.is(max, -0))) max = x;
      }
    }
    out.length = o;
    if (seen) this.chunkStats.offer(min, max);
  }

  private writeBool(src: Uint8Array, sel: Int32Array | null, s: number, e: number): void {
    // Buffered one byte per value; bit-packed when the page is flushed.
    const out = this.page.values;
    out.reserve(e - s);
    const b = out.buf;
    let o = out.length;
    let seenTrue = false;
    let seenFalse = false;
    for (let k = s; k < e; k++) {
      const x = src[sel === null ? k : sel[k]] === 0 ? 0 : 1;
      b[o++] = x;
      if (x === 1) seenTrue = true;
      else seenFalse = true;
    }
    out.length = o;
    if (e > s) this.chunkStats.offer(!seenFalse, seenTrue);
  }

  private writeDecimal(src: readonly bigint[], sel: Int32Array | null, s: number, e: number): void {
    const out = this.page.values;
    const phys = this.leaf.physical;
    const len = this.leaf.typeLength;
    let min: bigint | null = null;
    let max: bigint | null = null;
    const type = this.leaf.type;
    const limit = 10n ** BigInt(type.typeName === "decimal" ? type.precision : 38);
    for (let k = s; k < e; k++) {
      const x = src[sel === null ? k : sel[k]];
      if (x >= limit || x <= -limit) {
        throw new SinkError(`parquet writer: column '${this.leaf.dotted}' holds unscaled decimal ${x}, which does not fit ${type.typeName === "decimal" ? `decimal(${type.precision},${type.scale})` : "the column"}`);
      }
      if (phys === PhysicalType.INT32) out.int32(Number(BigInt.asIntN(32, x)));
      else if (phys === PhysicalType.INT64) out.int64(BigInt.asIntN(64, x));
      else out.append(bigEndianFixed(x, len));
      if (min === null || x < min) min = x;
      if (max === null || x > max) max = x;
    }
    this.chunkStats.offer(min, max);
  }

  private writeBytes(data: Uint8Array, offsets: Int32Array, sel: Int32Array | null, s: number, e: number): void {
    if (this.dictionaryActive()) {
      s = this.writeDictIndices(data, offsets, sel, s, e);
      if (s >= e) return;
    }
    this.pagePlainBytes += sel === null ? plainBytesRange(this.page.values, data, offsets, s, e) : plainBytesSel(this.page.values, data, offsets, sel, s, e);
    const mm = this.minMaxScratch;
    if (sel === null ? bytesMinMaxRange(data, offsets, s, e, mm) : bytesMinMaxSel(data, offsets, sel, s, e, mm)) {
      this.offerBytes(data.slice(mm[0], mm[1]), data.slice(mm[2], mm[3]));
    }
  }

  private offerBytes(min: Uint8Array, max: Uint8Array): void {
    const st = this.chunkStats;
    const curMin = st.min;
    const curMax = st.max;
    if (!(curMin instanceof Uint8Array) || compareBytes(min, 0, min.length, curMin, 0, curMin.length) < 0) st.min = min;
    if (!(curMax instanceof Uint8Array) || compareBytes(max, 0, max.length, curMax, 0, curMax.length) > 0) st.max = max;
  }

  /**
   * Dictionary-encodes values; returns where it stopped: `e`, or earlier when the dictionary was
   * abandoned (the rest of the slice is then written PLAIN). Once the dictionary passes
   * `dictionaryPageSize` the open page is flushed (with the dictionary) at the end of this slice
   * and later pages are PLAIN.
   */
  private writeDictIndices(data: Uint8Array, offsets: Int32Array, sel: Int32Array | null, s: number, e: number): number {
    const dict = this.dict;
    if (dict === null) return s;
    if (this.page.dictIdx.length < this.dictCount + (e - s)) {
      const g = new Int32Array(Math.max(this.dictCount + (e - s), this.page.dictIdx.length * 2));
      g.set(this.page.dictIdx.subarray(0, this.dictCount));
      this.page.dictIdx = g;
    }
    // On the chunk's first page, probe the first DICT_QUICK_PROBE_VALUES, then DICT_PROBE_VALUES
    // values: (nearly) all distinct means the dictionary will not pay off, so stop hashing now.
    while (s < e && this.pagesWritten === 0 && this.dictPages === 0 && this.dictCount < DICT_PROBE_VALUES) {
      const quick = this.dictCount < DICT_QUICK_PROBE_VALUES;
      const probe = quick ? DICT_QUICK_PROBE_VALUES : DICT_PROBE_VALUES;
      const stop = Math.min(e, s + (probe - this.dictCount));
      const bytes = dict.addAll(data, offsets, sel, s, stop, this.page.dictIdx, this.dictCount);
      this.dictCount += stop - s;
      this.pagePlainBytes += bytes + 4 * (stop - s);
      s = stop;
      if (this.dictCount === probe && dict.size > (quick ? this.dictCount - 1 : DICT_PROBE_DISTINCT * this.dictCount)) {
        this.abandonDictionary(dict);
        return s;
      }
    }
    if (s < e) {
      const bytes = dict.addAll(data, offsets, sel, s, e, this.page.dictIdx, this.dictCount);
      this.dictCount += e - s;
      this.pagePlainBytes += bytes + 4 * (e - s);
    }
    if (dict.plainBytes > this.settings.dictionaryPageSize) this.freezePending = true;
    return e;
  }

  /** Re-encodes the open page's values PLAIN and drops the dictionary for the rest of the chunk. */
  private abandonDictionary(dict: BytesDictionary): void {
    this.settings.hints?.drop(this.leaf.dotted);
    this.plainFromDictionary(this.page.values, dict);
    this.dictionaryStats(dict);
    BytesDictionary.give(dict);
    this.dict = null;
    this.dictCount = 0;
    this.freezePending = false;
  }

  private resetDictionary(): void {
    if (this.isBytes && this.settings.dictionary && this.settings.hints?.skip(this.leaf.dotted) !== true) {
      if (this.dict === null) this.dict = BytesDictionary.take();
      else this.dict.clear();
    } else this.dict = null;
    this.dictFrozen = false;
    this.freezePending = false;
  }

  /** Gives the dictionary back to the pool: the column is done (its file finished). */
  release(): void {
    if (this.dict !== null) BytesDictionary.give(this.dict);
    this.dict = null;
  }

  /** Statistics of the open chunk so far, including values only recorded in the dictionary. */
  currentStats(): StatsAccumulator {
    const acc = new StatsAccumulator();
    acc.merge(this.chunkStats);
    if (this.dict !== null) {
      const mm = dictionaryMinMax(this.dict);
      if (mm !== null) acc.offer(mm[0], mm[1]);
    }
    return acc;
  }

  /** Folds the dictionary's entries into the chunk min/max (dictionary pages skip per-value stats). */
  private dictionaryStats(dict: BytesDictionary): void {
    const mm = dictionaryMinMax(dict);
    if (mm !== null) this.offerBytes(mm[0], mm[1]);
  }

  /** Encodes, compresses and stores the open page. */
  flushPage(): void {
    if (this.pageLevels === 0) return;
    const leaf = this.leaf;
    const body = this.page.body;
    body.reset();
    if (leaf.maxRep > 0) this.levelsInto(body, this.page.reps, bitWidth(leaf.maxRep));
    if (leaf.maxDef > 0) this.levelsInto(body, this.page.defs, bitWidth(leaf.maxDef));
    let encoding: number = Encoding.PLAIN;
    const dict = this.dict;
    if (this.dictionaryActive() && dict !== null) {
      const dictSize = dict.size;
      const width = Math.max(1, bitWidth(dictSize - 1));
      const encodedEstimate = Math.ceil((this.dictCount * width) / 8);
      if (this.pagesWritten === 0 && this.dictPages === 0 && encodedEstimate + dict.plainBytes >= this.pagePlainBytes) {
        // Dictionary does not pay off (mostly distinct values): re-encode this page PLAIN, drop it.
        this.settings.hints?.drop(this.leaf.dotted);
        this.plainFromDictionary(body, dict);
        this.dictionaryStats(dict);
        BytesDictionary.give(dict);
        this.dict = null;
      } else {
        body.byte(width);
        encodeRleHybrid(body, this.page.dictIdx, 0, this.dictCount, width);
        encoding = Encoding.PLAIN_DICTIONARY;
        if (this.dictPages === 0) this.settings.hints?.keep(this.leaf.dotted);
        this.dictPages++;
        if (this.freezePending) this.dictFrozen = true;
      }
      this.freezePending = false;
    } else if (leaf.physical === PhysicalType.BOOLEAN) {
      packBooleans(body, this.page.values.buf, this.page.values.length);
    } else {
      body.append(this.page.values.buf, 0, this.page.values.length);
    }
    if (encoding === Encoding.PLAIN) this.plainPages++;
    const raw = body.bytes();
    const compressed = this.settings.codecId === 0 ? raw.slice() : this.settings.codec.compress(raw);
    const h = new ThriftWriter();
    h.i32(1, PageType.DATA_PAGE);
    h.i32(2, raw.length);
    h.i32(3, compressed.length);
    h.beginStruct(5);
    h.i32(1, this.pageLevels);
    h.i32(2, encoding);
    h.i32(3, Encoding.RLE);
    h.i32(4, Encoding.RLE);
    h.endStruct();
    h.endStruct();
    const header = h.out.copy();
    this.pages.push(header, compressed);
    this.pagesBytes += header.length + compressed.length;
    this.pagesUncompressed += header.length + raw.length;
    this.pagesWritten++;
    this.page.defs.reset();
    this.page.reps.reset();
    this.page.values.reset();
    this.dictCount = 0;
    this.pageLevels = 0;
    this.pageRows = 0;
    this.pagePlainBytes = 0;
  }

  private levelsInto(body: ByteSink, levels: ByteSink, width: number): void {
    const at = body.length;
    body.int32(0);
    encodeRleHybrid(body, levels.buf, 0, levels.length, width);
    body.patchInt32(at, body.length - at - 4);
  }

  /** PLAIN-encodes the open page's dictionary-encoded values into `body`. */
  private plainFromDictionary(body: ByteSink, dict: BytesDictionary): void {
    const d = dict.data.buf;
    const off = dict.offsets;
    body.reserve(this.pagePlainBytes);
    for (let k = 0; k < this.dictCount; k++) {
      const id = this.page.dictIdx[k];
      const a0 = off[id];
      const a1 = off[id + 1];
      body.int32(a1 - a0);
      body.append(d, a0, a1);
    }
  }

  /** Flushes the last page and returns the chunk's bytes; resets for the next row group. */
  finishChunk(): ChunkResult {
    this.flushPage();
    const parts: Uint8Array[] = [];
    let byteLength = 0;
    let uncompressed = 0;
    let dataPageRelOffset = 0;
    const encodings = new Set<number>();
    const dict = this.dict;
    const hasDictionary = dict !== null && this.dictPages > 0;
    if (dict !== null && hasDictionary) {
      this.dictionaryStats(dict);
      const body = this.page.body;
      body.reset();
      const d = dict.data.buf;
      for (let id = 0; id < dict.size; id++) {
        const a0 = dict.offsets[id];
        const a1 = dict.offsets[id + 1];
        body.int32(a1 - a0);
        body.append(d, a0, a1);
      }
      const raw = body.bytes();
      const compressed = this.settings.codecId === 0 ? raw.slice() : this.settings.codec.compress(raw);
      const h = new ThriftWriter();
      h.i32(1, PageType.DICTIONARY_PAGE);
      h.i32(2, raw.length);
      h.i32(3, compressed.length);
      h.beginStruct(7);
      h.i32(1, dict.size);
      h.i32(2, Encoding.PLAIN_DICTIONARY);
      h.endStruct();
      h.endStruct();
      const header = h.out.copy();
      parts.push(header, compressed);
      byteLength += header.length + compressed.length;
      uncompressed += header.length + raw.length;
      dataPageRelOffset = byteLength;
      encodings.add(Encoding.PLAIN_DICTIONARY);
    }
    if (this.plainPages > 0) encodings.add(Encoding.PLAIN);
    if (this.leaf.maxDef > 0 || this.leaf.maxRep > 0) encodings.add(Encoding.RLE);
    for (const p of this.pages) parts.push(p);
    byteLength += this.pagesBytes;
    uncompressed += this.pagesUncompressed;
    const stats = new StatsAccumulator();
    stats.merge(this.chunkStats);
    const result: ChunkResult = {
      parts,
      byteLength,
      uncompressedLength: uncompressed,
      dataPageRelOffset,
      hasDictionary,
      encodings: [...encodings].sort((a, b) => a - b),
      numValues: this.chunkLevels,
      stats,
    };
    this.pages.length = 0;
    this.pagesBytes = 0;
    this.pagesUncompressed = 0;
    this.pagesWritten = 0;
    this.dictPages = 0;
    this.plainPages = 0;
    this.chunkLevels = 0;
    this.chunkStats.reset();
    this.resetDictionary();
    this.releaseBuffers();
    return result;
  }
}

/** PLAIN-encodes rows `[s, e)` of a bytes vector into `out`; returns the bytes written. */
function plainBytesRange(out: ByteSink, data: Uint8Array, offsets: Int32Array, s: number, e: number): number {
  const total = offsets[e] - offsets[s] + 4 * (e - s);
  out.reserve(total);
  const b = out.buf;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let o = out.length;
  for (let i = s; i < e; i++) {
    const a0 = offsets[i];
    const a1 = offsets[i + 1];
    const n = a1 - a0;
    dv.setInt32(o, n, true);
    o += 4;
    if (n < 256) {
      let x = a0;
      for (const stop = a1 - 3; x < stop; x += 4) {
        dv.setInt32(o, sv.getInt32(x, true), true);
        o += 4;
      }
      for (; x < a1; x++) b[o++] = data[x];
    } else {
      b.set(data.subarray(a0, a1), o);
      o += n;
    }
  }
  out.length = o;
  return total;
}

/** PLAIN-encodes the values at `sel[s..e)` of a bytes vector into `out`; returns the bytes written. */
function plainBytesSel(out: ByteSink, data: Uint8Array, offsets: Int32Array, sel: Int32Array, s: number, e: number): number {
  let total = 4 * (e - s);
  for (let j = s; j < e; j++) total += offsets[sel[j] + 1] - offsets[sel[j]];
  out.reserve(total);
  const b = out.buf;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let o = out.length;
  for (let j = s; j < e; j++) {
    const i = sel[j];
    const a0 = offsets[i];
    const a1 = offsets[i + 1];
    const n = a1 - a0;
    dv.setInt32(o, n, true);
    o += 4;
    if (n < 256) {
      let x = a0;
      for (const stop = a1 - 3; x < stop; x += 4) {
        dv.setInt32(o, sv.getInt32(x, true), true);
        o += 4;
      }
      for (; x < a1; x++) b[o++] = data[x];
    } else {
      b.set(data.subarray(a0, a1), o);
      o += n;
    }
  }
  out.length = o;
  return total;
}

/** True when bytes `[a0, a1)` sort before `[b0, b1)` (unsigned lexicographic), 4 bytes at a time. */
function bytesLess(data: Uint8Array, sv: DataView, a0: number, a1: number, b0: number, b1: number): boolean {
  const la = a1 - a0;
  const lb = b1 - b0;
  const n = la < lb ? la : lb;
  let p = 0;
  for (; p + 4 <= n; p += 4) {
    const x = sv.getUint32(a0 + p);
    const y = sv.getUint32(b0 + p);
    if (x !== y) return x < y;
  }
  for (; p < n; p++) {
    const x = data[a0 + p];
    const y = data[b0 + p];
    if (x !== y) return x < y;
  }
  return la < lb;
}

/**
 * Byte ranges of the smallest and largest (unsigned lexicographic) values of rows `[s, e)`, into
 * `mm` as [minStart, minEnd, maxStart, maxEnd]; false when the range is empty.
 */
function bytesMinMaxRange(data: Uint8Array, offsets: Int32Array, s: number, e: number, mm: Int32Array): boolean {
  if (e <= s) return false;
  const sv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let minA = offsets[s];
  let minB = offsets[s + 1];
  let maxA = minA;
  let maxB = minB;
  for (let i = s + 1; i < e; i++) {
    const a0 = offsets[i];
    const a1 = offsets[i + 1];
    if (bytesLess(data, sv, a0, a1, minA, minB)) {
      minA = a0;
      minB = a1;
    } else if (bytesLess(data, sv, maxA, maxB, a0, a1)) {
      maxA = a0;
      maxB = a1;
    }
  }
  mm[0] = minA;
  mm[1] = minB;
  mm[2] = maxA;
  mm[3] = maxB;
  return true;
}

/** As {@link bytesMinMaxRange} over the values at `sel[s..e)`. */
function bytesMinMaxSel(data: Uint8Array, offsets: Int32Array, sel: Int32Array, s: number, e: number, mm: Int32Array): boolean {
  if (e <= s) return false;
  const sv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let minA = offsets[sel[s]];
  let minB = offsets[sel[s] + 1];
  let maxA = minA;
  let maxB = minB;
  for (let j = s + 1; j < e; j++) {
    const a0 = offsets[sel[j]];
    const a1 = offsets[sel[j] + 1];
    if (bytesLess(data, sv, a0, a1, minA, minB)) {
      minA = a0;
      minB = a1;
    } else if (bytesLess(data, sv, maxA, maxB, a0, a1)) {
      maxA = a0;
      maxB = a1;
    }
  }
  mm[0] = minA;
  mm[1] = minB;
  mm[2] = maxA;
  mm[3] = maxB;
  return true;
}

/** The smallest and largest entries of a dictionary (copies), or null when it is empty. */
function dictionaryMinMax(dict: BytesDictionary): [Uint8Array, Uint8Array] | null {
  if (dict.size === 0) return null;
  const d = dict.data.buf;
  const off = dict.offsets;
  let minI = 0;
  let maxI = 0;
  for (let id = 1; id < dict.size; id++) {
    if (compareBytes(d, off[id], off[id + 1], d, off[minI], off[minI + 1]) < 0) minI = id;
    if (compareBytes(d, off[id], off[id + 1], d, off[maxI], off[maxI + 1]) > 0) maxI = id;
  }
  return [d.slice(off[minI], off[minI + 1]), d.slice(off[maxI], off[maxI + 1])];
}

function packBooleans(out: ByteSink, vals: Uint8Array, n: number): void {
  const bytes = (n + 7) >>> 3;
  out.reserve(bytes);
  const b = out.buf;
  const o = out.length;
  b.fill(0, o, o + bytes);
  for (let i = 0; i < n; i++) if (vals[i] !== 0) b[o + (i >>> 3)] |= 1 << (i & 7);
  out.length = o + bytes;
}

/** Encodes a chunk's statistics for the footer; null when there is nothing to say. */
export function footerStats(stats: StatsAccumulator, leaf: LeafColumn): { min: Uint8Array | null; max: Uint8Array | null; nulls: number } {
  const enc = (v: StatValue | null, isMax: boolean) => (v === null ? null : encodeStat(v, leaf.physical, leaf.typeLength, isMax));
  let min = enc(stats.min, false);
  let max = enc(stats.max, true);
  // Very long byte values would bloat the footer; readers treat absent min/max as unknown.
  if ((min !== null && min.length > 4096) || (max !== null && max.length > 4096)) {
    min = null;
    max = null;
  }
  return { min, max, nulls: stats.nullCount };
}

/**
 * The buffers of one open page: levels, values, the page body being assembled and index scratch.
 * They grow to a page's size, so they are pooled per thread and lent to whichever column writer
 * has a page open: many files open at once (a partitioned write) share a few sets, and a file
 * written after another reuses its grown buffers instead of growing new ones.
 */
class PageBuffers {
  readonly defs = new ByteSink(4096);
  readonly reps = new ByteSink(1024);
  readonly values = new ByteSink(1 << 16);
  readonly body = new ByteSink(1 << 16);
  dictIdx = new Int32Array(4096);
  scratchIdx = new Int32Array(1024);

  /** Sets for reuse, 32 MB at most. */
  private static readonly pool = new BoundedPool(32 * 1024 * 1024, () => new PageBuffers(), (pb: PageBuffers) => pb.capacity());

  static take(): PageBuffers {
    return PageBuffers.pool.take();
  }

  static give(pb: PageBuffers): void {
    pb.defs.reset();
    pb.reps.reset();
    pb.values.reset();
    pb.body.reset();
    PageBuffers.pool.give(pb);
  }

  private capacity(): number {
    return this.defs.buf.length + this.reps.buf.length + this.values.buf.length + this.body.buf.length + 4 * (this.dictIdx.length + this.scratchIdx.length);
  }
}
