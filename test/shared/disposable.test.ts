import { describe, expect, it, vi } from 'vitest';
import { DisposableStore, toDisposable } from '../../shared/disposable';
import { Emitter } from '../../shared/emitter';

describe('DisposableStore', () => {
  it('disposes everything it owns, newest first, once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('db')));
    store.add(toDisposable(() => order.push('sweeper')));
    store.dispose();
    store.dispose();
    expect(order).toEqual(['sweeper', 'db']);
    expect(store.isDisposed).toBe(true);
  });

  it('keeps disposing after one throws, then rethrows the first error', () => {
    const store = new DisposableStore();
    const last = vi.fn();
    store.add(toDisposable(last));
    store.add(toDisposable(() => {
      throw new Error('port close failed');
    }));
    expect(() => store.dispose()).toThrow('port close failed');
    expect(last).toHaveBeenCalledOnce();
  });

  it('disposes at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    const late = vi.fn();
    store.add(toDisposable(late));
    expect(late).toHaveBeenCalledOnce();
  });
});

describe('Emitter', () => {
  it('delivers to listeners until they unsubscribe', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const subscription = emitter.event((n) => seen.push(n));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount).toBe(0);
  });

  it('a throwing listener is reported and does not stop the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((e) => errors.push(e));
    const after = vi.fn();
    emitter.event(() => {
      throw new Error('bug');
    });
    emitter.event(after);
    emitter.fire(7);
    expect(after).toHaveBeenCalledWith(7);
    expect(errors).toHaveLength(1);
  });
});
