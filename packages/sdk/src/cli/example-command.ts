import { EVENT_TYPES, isEventType } from '../events/event-types.js';
import { fixtures } from '../testing/fixtures.js';
import { CliError, type CliIo } from './cli-io.js';

/** An error for a type that is not documented, listing the ones that are. */
export function unknownTypeError(type: string): CliError {
  return new CliError(`Unknown event type "${type}". Valid types: ${EVENT_TYPES.join(', ')}`);
}

/** `acadle-webhooks example <type>`: the documented example of a type, as valid JSON. */
export function exampleCommand(io: CliIo, type: string | undefined, options: { list?: boolean }): void {
  if (options.list) {
    io.stdout.write(`${EVENT_TYPES.join('\n')}\n`);
    return;
  }
  if (type === undefined)
    throw new CliError(`Name an event type, or use --list. Valid types: ${EVENT_TYPES.join(', ')}`);
  if (!isEventType(type)) throw unknownTypeError(type);
  io.stdout.write(`${fixtures[type]}\n`);
}
