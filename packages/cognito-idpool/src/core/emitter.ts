import { errorMessage } from "../errors.js";
import type { Logger } from "../platform/types.js";

/** Listeners of one event. A throwing listener is logged and does not stop the others or the core. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  add(listener: (value: T) => void): () => void {
    // Wrapped so one function subscribed twice gets two independent subscriptions.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.logger.warn(`a ${this.name} listener threw`, { error: errorMessage(error) });
      }
    }
  }
}
