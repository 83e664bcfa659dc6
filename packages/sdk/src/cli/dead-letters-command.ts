import type { DeadLetterFilter } from '../queue/bullmq/index.js';
import { CliError, type CliIo } from './cli-io.js';
import { deadLetterInFull, deadLetterSummary, formatDeadLetter, formatDeadLetterTable } from './format-dead-letters.js';
import { type DeadLetterStoreOptions, openDeadLetterQueue, storeOf } from './open-dead-letter-queue.js';

/** Options of `acadle-webhooks dead-letters list|show|replay`. */
export interface DeadLettersOptions extends DeadLetterStoreOptions {
  type?: string;
  id?: string[];
  since?: string;
  dryRun?: boolean;
  json?: boolean;
}

const plural = (count: number) => `${count} dead letter${count === 1 ? '' : 's'}`;

/** The filter the options describe, `--since` checked before anything connects. */
function filterOf(options: DeadLettersOptions): DeadLetterFilter {
  if (options.since !== undefined && Number.isNaN(Date.parse(options.since)))
    throw new CliError(`Invalid --since "${options.since}": expected an ISO 8601 time such as 2026-11-28T00:00:00Z`);
  return { type: options.type, ids: options.id, since: options.since };
}

/**
 * `acadle-webhooks dead-letters list|show <eventId>|replay`: reads BullMQ's failed set with the
 * SDK's `listDeadLetters`, or puts dead letters back with `replayFailed` (as the reference server's
 * replay script does); returns the exit code.
 */
export async function deadLettersCommand(
  io: CliIo,
  action: 'list' | 'show' | 'replay',
  options: DeadLettersOptions,
): Promise<number> {
  const store = storeOf(options);
  const filter = filterOf(options);
  const { bullmq, queue, close } = await openDeadLetterQueue(store, options.queue);
  try {
    const print = (text: string) => io.stdout.write(`${text}\n`);
    if (action === 'replay') {
      const replayed = await bullmq.replayFailed({ queue, filter, dryRun: options.dryRun });
      if (options.json) {
        print(JSON.stringify(replayed.map(deadLetterSummary), null, 2));
      } else {
        if (replayed.length > 0) print(formatDeadLetterTable(replayed));
        print(`${options.dryRun ? 'Would replay' : 'Replayed'} ${plural(replayed.length)}.`);
      }
      return 0;
    }
    const deadLetters = await bullmq.listDeadLetters({ queue, filter });
    if (action === 'show') {
      const eventId = options.id?.[0];
      if (deadLetters.length === 0)
        throw new CliError(`No dead letter with event id "${eventId}" in queue "${queue.queue.name}"`);
      if (options.json) print(JSON.stringify(deadLetters.map(deadLetterInFull), null, 2));
      else print(deadLetters.map(formatDeadLetter).join('\n\n'));
      return 0;
    }
    if (options.json) print(JSON.stringify(deadLetters.map(deadLetterSummary), null, 2));
    else if (deadLetters.length === 0) print('No dead letters.');
    else print(`${formatDeadLetterTable(deadLetters)}\n${plural(deadLetters.length)}.`);
    return 0;
  } finally {
    await close();
  }
}
