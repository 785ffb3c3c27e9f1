import { toDisposable, type Disposable } from './disposable';

/** A function that subscribes a listener and returns how to unsubscribe it. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A typed event source. The owner keeps the emitter and fires; everyone else
 * gets only {@link Emitter.event}, so they can listen but never fire.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  /**
   * @param onListenerError where a throwing listener's error goes; a listener's
   *   bug must never stop the change from reaching the others, nor crash the app.
   */
  constructor(private readonly onListenerError: (error: unknown) => void = (error) => console.error(error)) {}

  readonly event: Event<T> = (listener) => {
    // Wrap so the same function can subscribe twice and unsubscribe independently.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  /** Delivers `value` to every listener subscribed at the time of the call. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
