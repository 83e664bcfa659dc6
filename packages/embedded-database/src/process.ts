// What the test harness drives (the database process and a free port), apart from the server's start-up
// code: it is compiled to CommonJS in Jest, where `import.meta` cannot be.
export {
  type DatabaseCommand,
  type DatabaseProcess,
  type DatabaseProcessOptions,
  forkDatabaseProcess,
} from './database-process.js';
export { freePort } from './free-port.js';
