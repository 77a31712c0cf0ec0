import { defineConfig } from 'vitest/config';
import { common } from './vitest.config.ts';

// The tests Stryker runs against mutants of the command and intake paths (stryker.intake.config.mjs): the
// in-process HTTP, audit and command tests. End-to-end and fault tests run the code in child processes.
export default defineConfig({
  test: {
    ...common,
    include: ['test/http/**/*.test.ts', 'test/audit/**/*.test.ts', 'test/domain/commands/**/*.test.ts'],
  },
});
