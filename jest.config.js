/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // kysely and puppeteer ship ESM only; jest runs CommonJS, so they are transformed too.
  transformIgnorePatterns: ['/node_modules/(?!(kysely|puppeteer|puppeteer-core|@puppeteer|chromium-bidi)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 30000,
};
