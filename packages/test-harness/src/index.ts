export { runningEmbeddedDatabase } from 'acadle-webhooks-embedded-database/process';
export {
  type RedisCluster,
  redisCli,
  type Sentinels,
  startRedisCluster,
  startRedisReplica,
  startSentinels,
} from './redis-topologies.js';
export {
  freePort,
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
} from './services.js';
export { postgresSettled, postgresSizes, redisSizes, type StoreSizes } from './store-sizes.js';
export { waitFor } from './wait-for.js';
