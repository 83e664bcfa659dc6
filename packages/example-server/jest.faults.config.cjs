/** @type {import('jest').Config} */
const base = require('./jest.config.cjs');
module.exports = { ...base, roots: ['<rootDir>/faults'], testTimeout: 300_000 };
