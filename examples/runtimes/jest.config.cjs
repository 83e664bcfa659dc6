const base = require('../../jest.base.cjs');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test'], testTimeout: 60_000 };
