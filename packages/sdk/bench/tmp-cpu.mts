import { fork } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, startPostgres } from 'acadle-webhooks-test-harness';
import { createEvent } from '../src/testing/index.js';
import { startReferenceServer } from './reference-server.js';
function cpuMs(filter: (pid: string, stat: string, uid: number) => boolean) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try { const uid = statSync(`/proc/${pid}`).uid; const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); if (!filter(pid, stat, uid)) continue; const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); ticks += Number(f[11]) + Number(f[12]); } catch {}
  }
  return ticks * 10;
}
const token = 'bench_token_0123456789abcdef';
const pg = await startPostgres();
const { user, password, port: pgPort, database } = pg.connection;
const url = `postgres://${user}:${password}@127.0.0.1:${pgPort}/${database}`;
const port = await freePort();
const express = fork(join(import.meta.dirname, 'ack-server.mjs'), ['express', String(port), token, '{}'], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
await new Promise((r) => express.once('message', r));
const ref = await startReferenceServer('pg-web', { token, env: { QUEUE_BACKEND: 'postgres', DATABASE_URL: url, ROLE: process.env.ROLE ?? 'web' } });
const tpl = JSON.stringify(createEvent('user_course_completed', { id: '__ID__' }));
let n = 0;
const N = 6000;
for (const [name, p, pid] of [['express', port, express.pid], ['reference pg ' + (process.env.ROLE ?? 'web'), ref.port, ref.child.pid], ['express', port, express.pid], ['reference pg', ref.port, ref.child.pid]] as const) {
  const s0 = cpuMs((q) => q === String(pid)); const pg0 = cpuMs((_, st, uid) => uid !== 0 && st.includes('(postgres)')); const me0 = process.cpuUsage(); const t0 = performance.now();
  const r = await autocannon({ url: `http://127.0.0.1:${p}/webhooks/acadle/${token}`, connections: 50, amount: N, requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (q) => ({ ...q, body: tpl.replace('__ID__', `u-${process.pid}-${n++}`) }) }] });
  const wall = performance.now() - t0; const me = process.cpuUsage(me0);
  const server = cpuMs((q) => q === String(pid)) - s0; const pgc = cpuMs((_, st, uid) => uid !== 0 && st.includes('(postgres)')) - pg0;
  console.log(`${name}: ${Math.round(N / (wall / 1000))}/s; CPU µs per request: server ${Math.round(server * 1000 / N)}, postgres ${Math.round(pgc * 1000 / N)}, load generator ${Math.round((me.user + me.system) / N)}; non2xx ${r.non2xx}`);
}
express.kill(); await ref.stop(); await pg.stop();
