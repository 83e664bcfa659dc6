/** @type {import('jest').Config} */
const base = require('./jest.config.cjs');
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testRegex: '\\.slow\\.test\\.ts$',
  testTimeout: 300_000,
};
