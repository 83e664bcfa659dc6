const base = require('../../jest.base.cjs');

module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  // ../recipe-contract.ts sits outside this package, where no node_modules holds the SDK.
  modulePaths: ['<rootDir>/node_modules'],
  testTimeout: 60_000,
};
