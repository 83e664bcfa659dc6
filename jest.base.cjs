// What every package's Jest configuration shares.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every core: Jest's default leaves one idle, which on a 2-core machine means one suite at a time.
  maxWorkers: '100%',
  // `*.slow.test.ts` (benchmark smoke run, docs' commands) is for `pnpm test:slow` (jest.slow.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
  // TypeScript compiled to CommonJS without type-checking (each package's `tsc --noEmit` does that): the
  // example server is an ES module package, and the test harness runs its embedded-PostgreSQL protocol
  // from every package (ts-jest keeps one configuration per Jest project, so one setting must fit all).
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
    // The harness's embedded-PostgreSQL protocol, from its sources (its build is an ES module).
    '^acadle-webhooks-embedded-database/process$': `${__dirname}/packages/embedded-database/src/process.ts`,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
