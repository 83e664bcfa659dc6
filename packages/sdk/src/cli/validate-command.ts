import { readFile } from 'node:fs/promises';
import { formatPath } from '../events/acadle-parse-error.js';
import { parseEvent } from '../events/parse-event.js';
import { CliError, type CliIo } from './cli-io.js';

/** Reads a file, or standard input for `-`. */
export async function readInput(io: CliIo, source: string): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `No such file: ${source}` : `Cannot read ${source}: ${(error as Error).message}`,
    );
  }
}

/**
 * `acadle-webhooks validate <file|->`: parses a payload with `parseEvent`; prints the normalized
 * event (dates as ISO 8601) and returns 0, or prints each problem with its JSON path and returns 1.
 */
export async function validateCommand(io: CliIo, source: string, options: { json?: boolean }): Promise<number> {
  const result = parseEvent(await readInput(io, source));
  if (options.json) {
    const output = result.ok
      ? { ok: true, event: { ...result.event, raw: undefined } }
      : { ok: false, error: { code: result.error.code, message: result.error.message, issues: result.error.issues } };
    io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  if (result.ok) {
    const { raw: _raw, ...event } = result.event;
    io.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
    if (!event.known) io.stderr.write(`Note: "${event.type}" is not a documented event type; data is shown as sent.\n`);
    return 0;
  }
  io.stderr.write(`Invalid (${result.error.code}):\n`);
  for (const issue of result.error.issues) {
    io.stderr.write(`  ${issue.path.length > 0 ? formatPath(issue.path) : '(body)'}: ${issue.message}\n`);
  }
  return 1;
}
