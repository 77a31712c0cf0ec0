import { defineConfig } from 'vitest/config';
import mutation from './vitest.mutation.config.ts';

// The tests that judge mutants of src/domain/scoring. Of vitest.mutation.config.ts's files, these reach it: its own
// tests, the scoring planner's (test/workers/scoring), sprint-summary's (which count and word evidence with
// scoring's reach.ts and format.ts and read their rules with with-defaults.ts) and plan-jobs' (which asks
// plan-scoring for jobs). The other files (acceptance, linking, catch-up, label-name) reach scoring only by parsing
// the default rules or through planJobs, both of which these tests check. Nearly half of the folder's mutants are
// static (the rules' schemas and defaults, keyword tables), each of which runs the whole set: with the general
// config (40 files then, 58 now) a run of the folder took about 75 minutes here; with these, 7 to 24.
export default defineConfig({
  test: {
    ...mutation.test,
    include: [
      'test/domain/scoring/**/*.test.ts',
      'test/workers/scoring/**/*.test.ts',
      'test/domain/sprint-summary/**/*.test.ts',
      'test/domain/plan-jobs.test.ts',
    ],
  },
});
