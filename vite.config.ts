import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  // Rolldown's per-plugin timing report is for plugin authors; keep `npm start` quiet.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  test: {
    include: ['{ingest,mining,store,web,datasets,cli,notebooks,bench}/**/*.test.ts'],
    environment: 'node',
    // The demo database, built once and copied by the tests that start from it.
    globalSetup: ['test-support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // DuckDB and Chromium do their own threading; two cores are enough for one file at a time plus them.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
