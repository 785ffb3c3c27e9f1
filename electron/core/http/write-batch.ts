import type { Outcome } from '../commit-group';

/**
 * Gathers the writes that arrive in one event-loop turn (all the requests
 * whose bodies came in one poll of the sockets) and runs them together, on
 * the next turn, through `runGrouped`: one transaction for all their commits.
 * Each caller's promise settles only after that transaction is committed, so
 * a reply still means its write is on disk, as before; a busy port commits
 * once for many writes instead of once for each.
 */
export class WriteBatch {
  private queue: { task: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly runGrouped: (tasks: readonly (() => unknown)[]) => Outcome<unknown>[]) {}

  /**
   * Whether no write waits for the next turn. Only then may a request be
   * answered at once, outside the batch: one that came behind a queued write
   * (a hook after an agent's idle, say) must be judged after it, in arrival order.
   */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  run<T>(task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    let outcomes: Outcome<unknown>[];
    try {
      outcomes = this.runGrouped(items.map((item) => item.task));
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    items.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
