import { defineConfig } from 'vitest/config';
import mutation from './vitest.mutation.config.ts';

// The tests that judge mutants of src/domain/acceptance: its own, and those of what plans its jobs and reads its
// rules. A third of its mutants are static (shipped defaults, schemas, module-level patterns), each of which runs
// the whole set: vitest.mutation.config.ts's 40 files made a run of the folder take over an hour here. Other tests
// reach acceptance only through parsing the default rules, which the acceptance rules tests check as well.
export default defineConfig({
  test: {
    ...mutation.test,
    include: [
      'test/domain/acceptance/**/*.test.ts',
      'test/domain/catch-up.test.ts',
      'test/domain/plan-jobs.test.ts',
      'test/domain/label-name.test.ts',
    ],
  },
});
