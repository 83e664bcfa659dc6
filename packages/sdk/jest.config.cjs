const base = require('../../jest.base.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/src', '<rootDir>/test'],
  moduleNameMapper: {
    '^acadle-webhooks$': '<rootDir>/src/index.ts',
    '^acadle-webhooks/testing$': '<rootDir>/src/testing/index.ts',
    ...base.moduleNameMapper,
  },
};
