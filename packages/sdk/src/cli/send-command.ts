import { existsSync, readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { isEventType } from '../events/event-types.js';
import { createEvent } from '../testing/create-event.js';
import { acadleRetryDelaysMs, COMPRESSED_TIME_SCALE, formatDuration } from './acadle-retry-schedule.js';
import { CliError, type CliIo } from './cli-io.js';
import { unknownTypeError } from './example-command.js';

/** Options of `acadle-webhooks send`. */
export interface SendOptions {
  url: string;
  token?: string;
  count: number;
  concurrency: number;
  duplicates: number;
  retryLikeAcadle?: boolean;
  realSchedule?: boolean;
  timeoutMs: number;
}

interface Answer {
  status: number | 'error';
  latencyMs: number;
  duplicate: boolean;
  error?: string;
}

/** The endpoint to post to: `--url`, with `--token` appended as its last path segment. */
export function endpointOf(url: string, token: string | undefined): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new CliError(
      `Invalid --url "${url}": expected an absolute http(s) URL such as http://localhost:3000/webhooks/acadle/<token>`,
    );
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new CliError(`Invalid --url "${url}": only http and https are supported`);
  }
  if (token) endpoint.pathname = `${endpoint.pathname.replace(/\/$/, '')}/${encodeURIComponent(token)}`;
  return endpoint;
}

/** The bodies to send: new deliveries of a type, or a file's payload (with a fresh id per copy). */
function planBodies(source: string, count: number, duplicateRatio: number): string[] {
  const uniqueCount = Math.max(1, count - Math.round(count * duplicateRatio));
  let unique: string[];
  if (isEventType(source)) {
    unique = Array.from({ length: uniqueCount }, () => JSON.stringify(createEvent(source)));
  } else if (existsSync(source)) {
    const text = readFileSync(source, 'utf8');
    if (count === 1) return [text];
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new CliError(`${source} is not JSON: --count above 1 needs a payload whose id can be varied`);
    }
    unique = Array.from({ length: uniqueCount }, (_, index) =>
      JSON.stringify({ ...payload, id: `${payload.id}-${index + 1}` }),
    );
  } else if (/[/\\.]/.test(source)) {
    throw new CliError(`No such file: ${source}`);
  } else {
    throw unknownTypeError(source);
  }
  // Repeats of earlier ids, as Acadle's retries would send them, each after its original.
  const bodies = [...unique];
  for (let index = unique.length; index < count; index += 1) {
    const position = 1 + Math.floor(Math.random() * bodies.length);
    const original = bodies[Math.floor(Math.random() * position)] as string;
    bodies.splice(position, 0, original);
  }
  return bodies;
}

function describeNetworkError(error: unknown, endpoint: URL): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return `Could not connect to ${endpoint.origin}: connection refused. Is the server running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not resolve ${endpoint.hostname}: check the host in --url`;
    case 'ECONNRESET':
      return `${endpoint.origin} closed the connection`;
    default:
      return (error as Error).name === 'TimeoutError'
        ? `${endpoint.origin} did not answer in time`
        : String((error as Error).message);
  }
}

async function postOnce(endpoint: URL, body: string, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'acadle-webhooks-cli' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let duplicate = false;
    try {
      duplicate = JSON.parse(text)?.duplicate === true;
    } catch {
      // not a JSON answer
    }
    return { status: response.status, latencyMs: performance.now() - started, duplicate };
  } catch (error) {
    return {
      status: 'error',
      latencyMs: performance.now() - started,
      duplicate: false,
      error: describeNetworkError(error, endpoint),
    };
  }
}

const isSuccess = (answer: Answer) => typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300;

async function postLikeAcadle(io: CliIo, endpoint: URL, body: string, options: SendOptions): Promise<Answer> {
  const scale = options.realSchedule ? 1 : COMPRESSED_TIME_SCALE;
  const id = (() => {
    try {
      return String(JSON.parse(body).id);
    } catch {
      return '(no id)';
    }
  })();
  let answer = await postOnce(endpoint, body, options.timeoutMs);
  const delays = acadleRetryDelaysMs();
  for (let retry = 0; !isSuccess(answer) && retry < delays.length; retry += 1) {
    const realDelay = delays[retry] as number;
    io.stderr.write(
      `${id}: ${answer.status === 'error' ? answer.error : answer.status}; retry ${retry + 1} of ${delays.length} in ${formatDuration(realDelay / scale)}${scale === 1 ? '' : ` (Acadle: ${formatDuration(realDelay)})`}\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, realDelay / scale));
    answer = await postOnce(endpoint, body, options.timeoutMs);
  }
  if (!isSuccess(answer)) io.stderr.write(`${id}: gave up, as Acadle would after three days\n`);
  return answer;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

function printSummary(io: CliIo, answers: Answer[]): void {
  const byStatus = new Map<string, number>();
  for (const answer of answers) byStatus.set(String(answer.status), (byStatus.get(String(answer.status)) ?? 0) + 1);
  const latencies = answers.map((answer) => answer.latencyMs).sort((a, b) => a - b);
  const rows: [string, string][] = [
    ...[...byStatus.entries()].sort().map(([status, count]): [string, string] => [`answered ${status}`, String(count)]),
    ['latency p50', formatDuration(percentile(latencies, 0.5))],
    ['latency p95', formatDuration(percentile(latencies, 0.95))],
    ['latency p99', formatDuration(percentile(latencies, 0.99))],
    ['duplicates reported', String(answers.filter((answer) => answer.duplicate).length)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  io.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
}

/** `acadle-webhooks send <type|file> --url <endpoint>`: posts deliveries and summarizes the answers; returns the exit code. */
export async function sendCommand(io: CliIo, source: string, options: SendOptions): Promise<number> {
  const endpoint = endpointOf(options.url, options.token);
  const bodies = planBodies(source, options.count, options.duplicates);
  const answers: Answer[] = new Array(bodies.length);
  const bar =
    io.stderr.isTTY && bodies.length > 1
      ? new SingleBar({ stream: io.stderr as NodeJS.WritableStream, hideCursor: true })
      : undefined;
  bar?.start(bodies.length, 0);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, bodies.length) }, async () => {
      while (next < bodies.length) {
        const index = next++;
        const body = bodies[index] as string;
        answers[index] = options.retryLikeAcadle
          ? await postLikeAcadle(io, endpoint, body, options)
          : await postOnce(endpoint, body, options.timeoutMs);
        bar?.increment();
      }
    }),
  );
  bar?.stop();

  const errors = answers.filter((answer) => answer.status === 'error');
  if (errors.length === answers.length) throw new CliError(errors[0]?.error ?? 'No delivery could be sent');
  printSummary(io, answers);
  for (const message of new Set(errors.map((answer) => answer.error))) io.stderr.write(`${message}\n`);
  if (answers.some((answer) => answer.status === 401)) {
    io.stderr.write(
      '401 Unauthorized: the token is wrong or missing. Use the full endpoint URL the server printed, or --token.\n',
    );
  }
  if (answers.some((answer) => answer.status === 404)) {
    io.stderr.write(
      `404 Not Found: nothing answers at ${endpoint.pathname.replace(/[^/]+$/, '…')}; check the path in --url.\n`,
    );
  }
  return answers.every(isSuccess) && answers.every((answer) => answer.status === 200) ? 0 : 1;
}
