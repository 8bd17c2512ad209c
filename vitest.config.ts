import { defineConfig } from 'vitest/config';

// Server, shared and end-to-end tests run in Node; the widget's browser tests run under
// @web/test-runner (widget/web-test-runner.config.mjs). The server's tests run twice: on
// SQLite, and on PostgreSQL (a fresh database per test app). Apart: those about SQLite's file,
// and those about several processes on one PostgreSQL database (`*.pg.test.ts`).
const sqliteOnly = ['server/src/store/**', 'server/src/durability.test.ts'];
const postgresOnly = ['**/*.pg.test.ts', '**/node_modules/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    globalSetup: ['server/src/testing/postgres-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'demo/**/*.test.ts', 'console/src/**/*.test.ts', 'widget/src/budget.test.ts', 'widget/src/manifest.test.ts'],
          exclude: postgresOnly,
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          // The console's browser tests too: every feature of the agents' page on PostgreSQL.
          include: ['server/src/**/*.test.ts', 'demo/**/*.pg.test.ts', 'console/src/**/*.e2e.test.ts'],
          exclude: sqliteOnly,
          env: { CHAT_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
