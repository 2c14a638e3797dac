/**
 * Objects kept for reuse up to a total size, per thread (module state): for buffers that grow to
 * their work's size and cost as much again to grow the next time. What `give` returns beyond the
 * limit is left to the GC.
 */
export class BoundedPool<T> {
  private readonly items: T[] = [];
  private bytes = 0;

  /** `sizeOf` must not change while an object is in the pool (its holder cleared it before `give`). */
  constructor(
    private readonly limit: number,
    private readonly create: () => T,
    private readonly sizeOf: (t: T) => number,
  ) {}

  /** A pooled object, or a new one when the pool is empty; the caller is its only user until `give`. */
  take(): T {
    const t = this.items.pop();
    if (t === undefined) return this.create();
    this.bytes -= this.sizeOf(t);
    return t;
  }

  /** Keeps `t` (cleared by the caller, and not used by it after) when it fits under the limit. */
  give(t: T): void {
    const b = this.sizeOf(t);
    if (this.bytes + b > this.limit) return;
    this.items.push(t);
    this.bytes += b;
  }
}
