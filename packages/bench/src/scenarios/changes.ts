import {
  nextStepNumber,
  runRamps,
  type RampOptions,
  type RampResult,
  type RampSystem,
} from './ramp.js';

/**
 * Issue 12's bench: what a message's life beyond its send costs, on the scaled cluster.
 * - `content`: new messages with plain text against the same with markdown and an `@mention`
 *   (the server derives `mentions` from it), interleaved rate by rate;
 * - `changes`: edits of each member's own newest message against reactions toggled on the
 *   room's newest message, interleaved the same way. Each change takes a seq and reaches every
 *   member as `message_changed`, measured like a new message.
 */
export interface ChangesResult {
  content: RampResult[];
  changes: RampResult[];
}

/** Runs both pairs of ramps against our system; a ramp stops at its first unsustained step. */
export async function measureChanges(
  ours: RampSystem,
  options: RampOptions & { rooms: number },
  log: (line: string) => void,
): Promise<ChangesResult> {
  // Every member sends one message first, so each has a message of its own to edit and every
  // room a newest message to react to.
  const members = options.rooms * options.members;
  const primeRate = 250;
  await ours.generator.call('step', {
    step: nextStepNumber(),
    rate: primeRate,
    durationMs: Math.ceil((members / primeRate) * 1000),
    drainMs: options.drainMs,
  });
  const variant = (name: string, stepArgs: RampSystem['stepArgs']): RampSystem => ({
    ...ours,
    name,
    ...(stepArgs && { stepArgs }),
  });
  log('message content: plain against markdown with a mention, interleaved');
  const content = await runRamps(
    [variant('plain text', undefined), variant('markdown + @mention', { richContent: true })],
    options,
    log,
  );
  log('message changes: edits against reactions, interleaved');
  const changes = await runRamps(
    [variant('edits', { action: 'edit' }), variant('reactions', { action: 'react' })],
    options,
    log,
  );
  return { content, changes };
}
