import { defineConfig } from 'vitest/config';
import mutation from './vitest.mutation.config.ts';

// The tests that judge mutants of src/domain/sprint-summary. Of vitest.mutation.config.ts's files, these reach it:
// its own tests, and plan-jobs' and catch-up's (which ask plan-summaries for jobs). The other files (scoring,
// acceptance, linking, label-name) reach it only by parsing the default rules, which its rules tests check (and
// label-name.test.ts, for the label the summaries write). Most of the folder's mutants are static (the rules'
// schemas and defaults), each of which runs the whole set: with the 53 files of the general config a run of the
// folder did not fit in a session.
export default defineConfig({
  test: {
    ...mutation.test,
    include: [
      'test/domain/sprint-summary/**/*.test.ts',
      'test/domain/plan-jobs.test.ts',
      'test/domain/catch-up.test.ts',
      'test/domain/label-name.test.ts',
    ],
  },
});
