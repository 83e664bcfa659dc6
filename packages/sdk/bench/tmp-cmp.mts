import { fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, startPostgres } from 'acadle-webhooks-test-harness';
import { createEvent } from '../src/testing/index.js';
import { startReferenceServer } from './reference-server.js';
const token = 'bench_token_0123456789abcdef';
const pg = await startPostgres();
const { user, password, port: pgPort, database } = pg.connection;
const url = `postgres://${user}:${password}@127.0.0.1:${pgPort}/${database}`;
const variants = JSON.parse((process.env.VARIANTS ?? '[{}]').replaceAll('$PG', url));
const port = await freePort();
const express = fork(join(import.meta.dirname, 'ack-server.mjs'), ['express', String(port), token, '{}'], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
await new Promise((r) => express.once('message', r));
const servers = [];
for (const env of variants) servers.push(await startReferenceServer(JSON.stringify(env), { token, env }));
const port2 = await freePort();
const sdkpg = fork(join(import.meta.dirname, 'ack-server.mjs'), ['sdk-node-postgres', String(port2), token, JSON.stringify({ postgres: { ...pg.connection, migrate: true } })], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
await new Promise((r) => sdkpg.once('message', r));
const all = [{ kind: 'express', port }, { kind: 'sdk-node-postgres', port: port2 }, ...servers];
const tpl = JSON.stringify(createEvent('user_course_completed', { id: '__ID__' }));
let n = 0;
const load = async (s, seconds) => { const r = await autocannon({ url: `http://127.0.0.1:${s.port}/webhooks/acadle/${token}`, connections: 50, duration: seconds, requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (q) => ({ ...q, body: tpl.replace('__ID__', `c-${process.pid}-${n++}`) }) }] }); return [Math.round(r.requests.average), r.latency.p99, r.non2xx]; };
try {
  for (const s of all) await load(s, 2);
  for (let round = 0; round < 3; round++) for (const s of all) console.log(round, s.kind, ...(await load(s, 5)));
} finally { express.kill(); sdkpg.kill(); for (const s of servers) await s.stop(); await pg.stop(); }
