// The Redis variables, read into what BullMQQueue and the worker take (from the built server:
// config.ts is an ES module these CommonJS tests cannot import).
import { loadConfig } from './load-built-config.js';

const TOKENS = { WEBHOOK_TOKENS: 'config_token_0123456789' };

describe('Redis configuration', () => {
  it('reads REDIS_SENTINELS with the data password from REDIS_URL', () => {
    const config = loadConfig({
      ...TOKENS,
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379',
      REDIS_SENTINEL_NAME: 'acadle',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_URL: 'redis://app:data%20secret@ignored:6379/2',
    });
    expect(config.queueBackend).toBe('redis');
    expect(config.redis).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'acadle',
      sentinelPassword: 'sentinel-secret',
      password: 'data secret',
      username: 'app',
      db: 2,
    });
  });

  it('reads REDIS_CLUSTER_NODES with REDIS_PASSWORD', () => {
    const config = loadConfig({ ...TOKENS, REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', REDIS_PASSWORD: 'p' });
    expect(config.redis).toEqual({
      clusterNodes: ['127.0.0.1:7000', '127.0.0.1:7001'],
      redisOptions: { password: 'p' },
    });
  });

  it('adds REDIS_PASSWORD to a REDIS_URL without one; REDIS_MIN_REPLICAS defaults to 0', () => {
    const config = loadConfig({ ...TOKENS, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 's/cret' });
    expect(config.redis).toBe('redis://:s%2Fcret@127.0.0.1:6379');
    expect(config.redisMinReplicas).toBe(0);
  });

  it.each([
    [{ REDIS_SENTINELS: '10.0.0.1:26379' }, 'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: '10.0.0.1' }, 'REDIS_SENTINELS: host:port, comma-separated'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'n' }, 'REDIS_CLUSTER_NODES: not with'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_MIN_REPLICAS: '-1' }, 'REDIS_MIN_REPLICAS: at least 0'],
    [{ QUEUE_BACKEND: 'redis' }, 'REDIS_URL: required with QUEUE_BACKEND=redis'],
    [{ DATABASE_URL: 'postgres://u@127.0.0.1/d', REDIS_MIN_REPLICAS: '1' }, 'REDIS_MIN_REPLICAS: Redis only'],
  ])('refuses %j with one line', (env, message) => {
    const { error } = loadConfig({ ...TOKENS, ...env }) as { error: { name: string; message: string } };
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(message);
  });
});
