import type { TimeoutHost } from '../../electron/core/push-batcher';

/** One-shot timers that fire only when the test calls {@link FakeTimeouts.runAll}. */
export class FakeTimeouts implements TimeoutHost {
  private readonly pending = new Map<number, () => void>();
  private next = 1;

  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  runAll(): void {
    for (const [id, fn] of [...this.pending]) {
      this.pending.delete(id);
      fn();
    }
  }
}
