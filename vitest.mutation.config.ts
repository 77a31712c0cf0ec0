import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests that judge mutants of src/domain (stryker.config.mjs): the domain's own unit tests, which need no
// Redis. The CLI tests spawn child processes and take seconds each.
export default defineConfig({
  test: {
    ...base.test,
    globalSetup: [],
    include: ['test/domain/**/*.test.ts', 'test/workers/**/*.test.ts'],
    exclude: ['test/domain/linking/cli-e2e.test.ts', 'test/domain/acceptance/cli.test.ts'],
  },
});
