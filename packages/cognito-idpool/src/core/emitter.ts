import { errorMessage } from "../errors.js";
import type { Logger } from "../platform/types.js";

/** Listeners of one event. A throwing listener is logged and does not stop the others or the core. */
export interface Emitter<T> {
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
}

export function createEmitter<T>(logger: Logger, name: string): Emitter<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      // Wrapped so one function subscribed twice gets two independent subscriptions.
      const entry = (value: T) => listener(value);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(value) {
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          logger.warn(`a ${name} listener threw`, { error: errorMessage(error) });
        }
      }
    },
  };
}
