/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every core: Jest's default leaves one idle, which on a 2-core machine means one suite at a time.
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  // `*.slow.test.ts` (the docs-commands test, a fresh copy of the repository) is for `pnpm test:slow`.
  testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
  // The tests drive the server as a child process; they are compiled to CommonJS for Jest only.
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
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 120_000,
};
