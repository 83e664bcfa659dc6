import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_QUEUE_NAME } from '../queue/bullmq/default-queue-name.js';
import { academiesCommand } from './academies-command.js';
import { CliError, type CliIo } from './cli-io.js';
import { type DeliveriesOptions, deliveriesCommand } from './deliveries-command.js';
import { exampleCommand } from './example-command.js';
import { packageVersion } from './package-version.js';
import { sendCommand } from './send-command.js';
import { validateCommand } from './validate-command.js';

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return number;
}

function ratio(value: string): number {
  const number = Number(value);
  if (!(number >= 0 && number < 1))
    throw new InvalidArgumentError('expected a ratio from 0 up to (not including) 1, e.g. 0.1');
  return number;
}

const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The options every `deliveries` and `dead-letters` command takes: where the queue is, and `--json`. */
function withStoreOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'the Redis holding the queue, e.g. redis://127.0.0.1:6379 (under Sentinel: the primary)')
    .option(
      '--redis-cluster <nodes>',
      'a Redis Cluster holding the queue: some of its nodes, e.g. 10.0.1.1:6379,10.0.1.2:6379',
    )
    .option('--postgres <url>', 'the PostgreSQL holding the queue, e.g. postgres://user:password@127.0.0.1:5432/db')
    .option('--queue <name>', `BullMQ queue name (default: "${DEFAULT_QUEUE_NAME}")`)
    .option('--json', 'machine-readable output (JSON)');
}

/** The options that pick deliveries, for `list` and `replay`; `dead-letters` has no `--status`. */
function withFilterOptions(command: Command, status = true): Command {
  command
    .option('--id <eventId>', 'only this event id (repeatable)', repeatable)
    .option('--type <type>', 'only this event type');
  if (status) command.option('--status <status>', 'only waiting, active, retrying, processed or dead deliveries');
  return command
    .option('--email <email>', "only this learner's deliveries, by email")
    .option('--user-id <id>', "only this learner's deliveries, by Acadle user id")
    .option('--course-id <id>', 'only deliveries about this course')
    .option('--academy <academy>', "only this academy's deliveries")
    .option('--since <time>', 'only those received at or after this ISO 8601 time, e.g. 2026-11-28T00:00:00Z')
    .option('--until <time>', 'only those received at or before this ISO 8601 time');
}

/** `list`, `show` and `replay` under `parent`: `deliveries`, or `dead-letters` (the same with `--status dead`). */
function deliveryCommands(parent: Command, io: CliIo, setExitCode: (code: number) => void, deadLetters: boolean): void {
  const noun = deadLetters ? 'dead letter' : 'delivery';
  const run = (action: 'list' | 'show' | 'replay', options: DeliveriesOptions) =>
    deliveriesCommand(io, action, deadLetters ? { ...options, status: 'dead' } : options, noun).then(setExitCode);
  withFilterOptions(withStoreOptions(parent.command('list')), !deadLetters)
    .description(
      `list ${noun.replace(/y$/, 'ie')}s, newest first: received at, event id, type, status, email, attempts, last error`,
    )
    .option('--limit <n>', 'the most to list (1 to 500)', positiveInteger, 50)
    .option('--cursor <cursor>', 'go on from where a list stopped (it prints the cursor)')
    .action((options: DeliveriesOptions) => run('list', options));
  withStoreOptions(parent.command('show'))
    .description(
      `print one ${noun} in full: attempts, duplicates, conflicts, replays, stored body; exit 1 when there is none`,
    )
    .argument('<eventId>', "Acadle's event id")
    .action((eventId: string, options: DeliveriesOptions) => run('show', { ...options, id: [eventId] }));
  withFilterOptions(withStoreOptions(parent.command('replay')), !deadLetters)
    .description(
      deadLetters
        ? 'put dead letters back in the queue (all, or those the options pick), attempts reset'
        : 'put processed or dead deliveries back in the queue (every one the options pick), their handlers run again',
    )
    .option('--dry-run', 'print how many would be replayed, change nothing')
    .action((options: DeliveriesOptions) => run('replay', options));
}

/**
 * Runs the `acadle-webhooks` command line with `args` (without `node` and the script) and returns
 * the exit code: 0 on success, 1 on failure.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), process);
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('acadle-webhooks')
    .description(
      'Test an Acadle webhook endpoint (example payloads, validation, test traffic) and handle its dead letters.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError();

  program
    .command('example')
    .description("print Acadle's documented example of an event type, as valid JSON")
    .argument('[type]', 'event type, e.g. user_course_completed')
    .option('--list', 'list the event types')
    .action((type: string | undefined, options: { list?: boolean }) => exampleCommand(io, type, options));

  program
    .command('validate')
    .description('parse a payload (a file, or - for standard input) as the SDK would; exit 1 when invalid')
    .argument('<file>', 'payload file, or - for standard input')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { json?: boolean }) => {
      exitCode = await validateCommand(io, file, options);
    });

  program
    .command('send')
    .description('post deliveries of an event type (realistic, unique ids) or a payload file to an endpoint')
    .argument('<type|file>', 'event type, or a payload file')
    .requiredOption('--url <endpoint>', 'endpoint URL, e.g. http://localhost:3000/webhooks/acadle/<token>')
    .option('--token <token>', 'token, appended to --url as its last path segment')
    .option('--count <n>', 'deliveries to send', positiveInteger, 1)
    .option('--concurrency <c>', 'deliveries in flight at once', positiveInteger, 1)
    .option('--duplicates <ratio>', 'share of deliveries that repeat an earlier id, as Acadle retries do', ratio, 0)
    .option('--timeout <ms>', 'per-request timeout in milliseconds', positiveInteger, 10_000)
    .option('--retry-like-acadle', "on a non-2xx answer, retry on Acadle's schedule (compressed: an hour per second)")
    .option('--real-schedule', 'with --retry-like-acadle, wait the real delays (up to three days)')
    .action(
      async (source: string, options: Omit<Parameters<typeof sendCommand>[2], 'timeoutMs'> & { timeout: number }) => {
        exitCode = await sendCommand(io, source, { ...options, timeoutMs: options.timeout });
      },
    );

  const setExitCode = (code: number) => {
    exitCode = code;
  };
  deliveryCommands(
    program
      .command('deliveries')
      .description('find, show or replay any delivery in the delivery log of a queue on Redis or PostgreSQL'),
    io,
    setExitCode,
    false,
  );
  deliveryCommands(
    program.command('dead-letters').description('list, show or replay dead letters: `deliveries` with --status dead'),
    io,
    setExitCode,
    true,
  );

  const academies = program
    .command('academies')
    .description('pause or resume one academy of a queue on Redis or PostgreSQL (kept in the store)');
  for (const action of ['pause', 'resume'] as const) {
    withStoreOptions(academies.command(action))
      .description(
        action === 'pause'
          ? "refuse the academy's new deliveries (503, Acadle retries them) and hold its stored ones"
          : "take the academy's deliveries again, and process those it held",
      )
      .argument('<academy>', 'the academy, as named in WEBHOOK_TOKENS or ACADEMIES_FILE')
      .action(async (academy: string, options: Parameters<typeof academiesCommand>[3]) => {
        exitCode = await academiesCommand(io, action, academy, options);
      });
  }
  withStoreOptions(academies.command('paused'))
    .description('list the paused academies (of those with deliveries in the log)')
    .action(async (options: Parameters<typeof academiesCommand>[3]) => {
      exitCode = await academiesCommand(io, 'paused', undefined, options);
    });

  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr.write(`Error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
