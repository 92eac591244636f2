import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'config/**/*.test.ts',
      'gateway/**/*.test.ts',
      'services/**/*.test.ts',
      'dashboards/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Integration tests share the local stack's servers, isolated per file (own database, own key prefix).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
