// Replicated and clustered Redis for the high-availability tests: a replica of a `startRedis`
// primary, sentinels watching it, and a Redis Cluster of primaries. Real Debian processes on
// loopback, each on a free port in its own directory, stopped by pid.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RedisServer, startRedis, waitForPort } from './services.js';
import { waitFor } from './wait-for.js';

/** Runs one `redis-cli` command against a loopback port; its answer as text. */
export function redisCli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

/** Starts a replica of `primary` (same settings as `startRedis`) and waits until it has synchronized. */
export async function startRedisReplica(primary: { port: number }): Promise<RedisServer> {
  const replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
  await waitFor('the replica in sync', () =>
    /master_link_status:up/.test(redisCli(replica.port, 'INFO', 'replication')),
  );
  return replica;
}

export interface Sentinels {
  /** The sentinels' ports. */
  ports: number[];
  /** `REDIS_SENTINELS`: `127.0.0.1:port,…`. */
  addresses: string;
  /** The monitored primary's name (`REDIS_SENTINEL_NAME`). */
  name: string;
  /** The primary's port as the first sentinel reports it now. */
  primaryPort(): number;
  stop(): Promise<void>;
}

/**
 * Starts `count` sentinels watching `primary` under `name` (quorum: a majority), quick to act: the
 * primary is down after 1 s of silence.
 */
export async function startSentinels(primary: { port: number }, count = 3, name = 'acadle'): Promise<Sentinels> {
  const children: ChildProcess[] = [];
  const directories: string[] = [];
  const ports: number[] = [];
  const sentinels: Sentinels = {
    ports,
    addresses: '',
    name,
    primaryPort: () => Number(redisCli(ports[0] as number, 'SENTINEL', 'get-master-addr-by-name', name).split('\n')[1]),
    async stop() {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        }),
      );
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    for (let index = 0; index < count; index++) {
      const port = await freePort();
      const directory = mkdtempSync(join(tmpdir(), 'acadle-sentinel-'));
      chmodSync(directory, 0o755);
      directories.push(directory);
      const config = join(directory, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${directory}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} ${Math.floor(count / 2) + 1}`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      children.push(spawn('redis-sentinel', [config], { stdio: 'ignore' }));
      ports.push(port);
      await waitForPort(port, 10_000);
    }
    sentinels.addresses = ports.map((port) => `127.0.0.1:${port}`).join(',');
    // Each sentinel has found the replica and the other sentinels.
    await waitFor(
      'sentinels that know each other and the replica',
      () =>
        ports.every((port) => {
          // redis-cli prints the reply's fields and values on alternate lines.
          const lines = redisCli(port, 'SENTINEL', 'master', name).split('\n');
          const field = (key: string) => Number(lines[lines.indexOf(key) + 1]);
          return field('num-slaves') >= 1 && field('num-other-sentinels') >= count - 1;
        }),
      30_000,
    );
  } catch (error) {
    await sentinels.stop();
    throw error;
  }
  return sentinels;
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** `REDIS_CLUSTER_NODES`: `127.0.0.1:port,…`. */
  addresses: string;
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster of `primaries` primaries, each with `replicasPerPrimary` replicas, slots
 * spread evenly; resolves when the cluster state is ok and every replica is in sync.
 */
export async function startRedisCluster(primaries = 3, replicasPerPrimary = 0): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const cluster: RedisCluster = {
    nodes,
    addresses: '',
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
  try {
    for (let index = 0; index < primaries * (1 + replicasPerPrimary); index++) {
      const args = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '3000',
      ];
      nodes.push(await startRedis(args));
    }
    cluster.addresses = nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...cluster.addresses.split(','),
        '--cluster-replicas',
        String(replicasPerPrimary),
        '--cluster-yes',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      'cluster_state:ok on every node',
      () =>
        nodes.every((node) => {
          if (!/cluster_state:ok/.test(redisCli(node.port, 'CLUSTER', 'INFO'))) return false;
          const replication = redisCli(node.port, 'INFO', 'replication');
          return /role:master/.test(replication) || /master_link_status:up/.test(replication);
        }),
      30_000,
    );
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
