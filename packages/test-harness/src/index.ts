export {
  freePort,
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
} from './services.js';
export { waitFor } from './wait-for.js';
