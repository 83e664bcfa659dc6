// One server under test (ack-server.mjs) in its own process, answering on a free loopback port.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from 'acadle-webhooks-test-harness';
import type { AckServerKind } from './ack-server-kinds.js';
import { BENCH_TOKEN } from './deliveries.js';

export interface AckServer {
  kind: AckServerKind;
  port: number;
  child: ChildProcess;
  /** Resident memory, handlers run (PIPELINE_WORKER=1) and spans exported (TRACING), over IPC. */
  stats(): Promise<{ rss: number; processed: number; spans?: number }>;
}

/** Forks `script` (ack-server.mjs, or another build's) as `kind` on `connection` and resolves once it listens. */
export async function startAckServer(
  kind: AckServerKind,
  connection: object,
  env: Record<string, string> = {},
  execArgv: string[] = [],
  script = join(__dirname, 'ack-server.mjs'),
): Promise<AckServer> {
  const port = await freePort();
  const child = fork(script, [kind, String(port), BENCH_TOKEN, JSON.stringify(connection)], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    kind,
    port,
    child,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', resolve as (message: unknown) => void);
        child.send('stats');
      }),
  };
}
