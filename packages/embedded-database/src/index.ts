export { CannotStartError, DataDirInUseError, orExitWhenCannotStart } from './cannot-start-error.js';
export { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database.js';
export * from './process.js';
