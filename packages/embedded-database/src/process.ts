// What the test harness drives (the database process, a free port, the connection to a running server's
// database), apart from the server's start-up code: it is compiled to CommonJS in Jest, where
// `import.meta` cannot be.
export {
  type DatabaseCommand,
  type DatabaseProcess,
  type DatabaseProcessOptions,
  forkDatabaseProcess,
} from './database-process.js';
export { freePort } from './free-port.js';
export { runningEmbeddedDatabase } from './running-embedded-database.js';
