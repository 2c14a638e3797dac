/**
 * Moving batches between threads. A batch is plain objects and typed arrays, so it structured-
 * clones as is. To move it without copying, every typed array must own its whole ArrayBuffer
 * (structured clone copies a view's entire buffer, and transferring a shared buffer would detach
 * data the sender still uses): {@link prepareTransfer} copies the few views that don't, and returns
 * the buffers to transfer.
 */
import type { Batch } from "../../columnar/batch.js";
import type { Vector } from "../../columnar/vector.js";

type View = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** A batch whose typed arrays each own their buffer, and the list of those buffers. */
export function prepareTransfer(batch: Batch): { batch: Batch; transfer: ArrayBuffer[] } {
  const seen = new Set<ArrayBuffer>();
  const own = <T extends View>(a: T): T => {
    const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer && !seen.has(a.buffer);
    const out = whole ? a : (a.slice() as T);
    seen.add(out.buffer as ArrayBuffer);
    return out;
  };
  const ownMask = (m: Uint8Array | null) => (m === null ? null : own(m));
  const fix = (v: Vector): Vector => {
    switch (v.kind) {
      case "i64":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "i32":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "i16":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "i8":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "f64":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "f32":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "bool":
        return { ...v, valid: ownMask(v.valid), values: own(v.values) };
      case "bytes":
        return { ...v, valid: ownMask(v.valid), offsets: own(v.offsets), data: own(v.data) };
      case "decimal":
        return { ...v, valid: ownMask(v.valid) };
      case "null":
        return v;
      case "struct":
        return { ...v, valid: ownMask(v.valid), children: v.children.map(fix) };
      case "list":
        return { ...v, valid: ownMask(v.valid), offsets: own(v.offsets), child: fix(v.child) };
      case "map":
        return { ...v, valid: ownMask(v.valid), offsets: own(v.offsets), keys: fix(v.keys), items: fix(v.items) };
    }
  };
  const columns = batch.columns.map(fix);
  const transfer = [...seen].filter((b) => b.byteLength > 0);
  return { batch: { schema: batch.schema, columns, numRows: batch.numRows }, transfer };
}
