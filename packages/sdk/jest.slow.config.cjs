/** @type {import('jest').Config} */
const base = require('./jest.config.cjs');
module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/'],
  testRegex: '\\.slow\\.test\\.ts$',
};
