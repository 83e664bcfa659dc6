const base = require('../../jest.base.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The test compiles the app with tsc and runs it as its own process (see test/nestjs.test.ts).
  roots: ['<rootDir>/test'],
  // ../recipe-contract.ts sits outside this package, where no node_modules holds the SDK.
  modulePaths: ['<rootDir>/node_modules'],
  testTimeout: 180_000,
};
