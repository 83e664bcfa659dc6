/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every core: Jest's default leaves one idle, which on a 2-core machine means one suite at a time.
  maxWorkers: '100%',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // `*.slow.test.ts` (the benchmark smoke run) is for `pnpm test:slow` (jest.slow.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
  // Compiled to CommonJS without type-checking (`tsc --noEmit` does that first): the same settings for
  // the SDK and for the reference server's embedded-PostgreSQL protocol, which the test harness runs
  // (ts-jest keeps one configuration per Jest project, whatever each transform entry says).
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'ES2022',
          esModuleInterop: true,
          isolatedModules: true,
        },
      },
    ],
  },
  moduleNameMapper: {
    '^acadle-webhooks$': '<rootDir>/src/index.ts',
    '^acadle-webhooks/testing$': '<rootDir>/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
