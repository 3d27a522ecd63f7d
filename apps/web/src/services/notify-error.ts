import { ChatError } from '@chat/contracts';
import { notify } from './notifier';

/** Tells the user of a failed request through the app's notices, never silently. */
export function notifyError(err: unknown): void {
  const error = err instanceof ChatError ? err : new ChatError('INTERNAL', String(err));
  notify({ kind: 'error', code: error.code, message: error.message });
}
