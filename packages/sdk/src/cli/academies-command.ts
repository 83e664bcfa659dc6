import { ACADEMY_NAME } from '../shared/academy.js';
import { CliError, type CliIo } from './cli-io.js';
import { openQueue, type StoreOptions, storeOf } from './open-queue.js';

/**
 * `acadle-webhooks academies pause|resume <academy>` and `academies paused`: the pause of one academy
 * in a queue on Redis or PostgreSQL, as the reference server's admin API sets it (kept in the store:
 * servers see it within a second). Returns the exit code.
 */
export async function academiesCommand(
  io: CliIo,
  action: 'pause' | 'resume' | 'paused',
  academy: string | undefined,
  options: StoreOptions & { json?: boolean },
): Promise<number> {
  if (academy !== undefined && !ACADEMY_NAME.test(academy))
    throw new CliError(`Invalid academy "${academy}": 1 to 64 characters from a-z, 0-9 and -`);
  const store = storeOf(options);
  const { queue, close } = await openQueue(store, options.queue);
  const print = (text: string) => io.stdout.write(`${text}\n`);
  try {
    if (action === 'paused') {
      // The academies this process knows of: those in the delivery log.
      const paused = await queue.pausedAcademies();
      print(
        options.json ? JSON.stringify({ paused }) : paused.length === 0 ? 'No academy is paused' : paused.join('\n'),
      );
      return 0;
    }
    if (action === 'pause') await queue.pauseAcademy(academy as string);
    else await queue.resumeAcademy(academy as string);
    print(
      options.json
        ? JSON.stringify({ academy, paused: action === 'pause' })
        : action === 'pause'
          ? `Paused ${academy}: its new deliveries are answered 503 (Acadle retries them) and its stored ones wait`
          : `Resumed ${academy}: its deliveries are taken and processed again`,
    );
    return 0;
  } finally {
    await close();
  }
}
