import { defineConfig } from 'vitest/config';
import mutation from './vitest.mutation.config.ts';

// The tests that judge mutants of src/domain/sprint-summary. Of vitest.mutation.config.ts's files, these reach it:
// its own tests, plan-jobs' and catch-up's (which ask plan-summaries for jobs) and label-name's (the label the
// summaries write). The other files (the scoring planner's, acceptance, linking) reach it only by parsing the
// default rules or through planJobs, which its rules and plan-summaries tests check. Most of the folder's mutants
// are static (the rules' schemas and defaults), each of which runs the whole set: with the general config (58 files)
// a run of the folder did not fit in a session; with these it takes 6 to 18 minutes here.
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
