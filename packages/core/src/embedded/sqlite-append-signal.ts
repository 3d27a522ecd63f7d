import { EventEmitter } from 'node:events';

/**
 * Wakes the blocked consumer-group readers of a database file in this process when an entry
 * is appended to its log (readers in other processes poll).
 */
const appended = new EventEmitter();
appended.setMaxListeners(0);

export const signalAppend = (file: string): void => {
  appended.emit(file);
};

/** Resolves on an append to `file` in this process, after `ms`, or on `abort`, whichever first. */
export function waitForAppend(file: string, ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      appended.off(file, done);
      abort.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    appended.on(file, done);
    abort.addEventListener('abort', done);
  });
}
