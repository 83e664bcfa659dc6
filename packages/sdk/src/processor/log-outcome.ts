import type { Logger } from '../shared/logger.js';
import type { ProcessOutcome, ProcessResult } from './process-outcome.js';

const MESSAGES: Record<ProcessResult, string> = {
  handled: 'Delivery handled',
  no_handler: 'No handler for this event type: completed',
  unknown: 'Unknown event type: completed',
  invalid: 'Invalid delivery: moved to dead letters',
  failed: 'Handler failed: the queue will retry or give up',
};

/** The default `onOutcome`: one line per attempt, at a level that says whether anyone should look. */
export function logOutcome(logger: Logger, outcome: ProcessOutcome): void {
  const { result, error, ...fields } = outcome;
  const line = { ...fields, result };
  if (result === 'invalid') {
    const { code, issues } = error as { code?: unknown; issues?: unknown };
    logger.warn({ ...line, code, issues }, MESSAGES[result]);
  } else if (result === 'failed') {
    logger.warn({ ...line, err: error }, MESSAGES[result]);
  } else if (result === 'unknown') {
    logger.info(line, MESSAGES[result]);
  } else {
    logger.debug(line, MESSAGES[result]);
  }
}
