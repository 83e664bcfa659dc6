const base = require('../../jest.base.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The tests drive the server as a child process, as `pnpm start` runs it.
  roots: ['<rootDir>/test'],
  testTimeout: 120_000,
};
