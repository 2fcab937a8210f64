import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-fast-check.ts', 'test/setup-survkit-backend.ts'],
    testTimeout: 60_000,
    // long beforeAll hooks (training, data sets) must hold on a loaded 2-core machine, not only when run alone
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
