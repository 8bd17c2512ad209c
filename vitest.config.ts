import { defineConfig } from 'vitest/config';

// Server, shared and end-to-end tests run in Node; the widget's browser tests run under
// @web/test-runner (widget/web-test-runner.config.mjs).
export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'demo/**/*.test.ts', 'console/src/**/*.test.ts', 'widget/src/budget.test.ts', 'widget/src/manifest.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
