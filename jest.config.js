/**
 * Two projects: every test on the embedded SQLite database, and the integration tests again on
 * PostgreSQL (a private server started by `test/support/global-setup.ts`). Tests that are about
 * SQLite itself (its driver, its WAL checkpoints) run only in the first.
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // kysely and puppeteer ship ESM only; jest runs CommonJS, so they are transformed too.
  transformIgnorePatterns: ['/node_modules/(?!(kysely|puppeteer|puppeteer-core|@puppeteer|chromium-bidi)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'sqlite', roots: ['<rootDir>/test'], testMatch: ['**/*.test.ts'] },
    {
      ...shared,
      displayName: 'postgres',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/sqlite3-driver\\.test\\.ts$', '/checkpoints\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/support/use-postgres.ts'],
    },
  ],
};
