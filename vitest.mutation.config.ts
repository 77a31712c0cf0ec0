import { defineConfig } from 'vitest/config';
import { common } from './vitest.config.ts';

// The tests that judge mutants of src/domain (stryker.config.mjs): the domain's own unit tests and the unit tests
// of what renders its documents, none of which needs Redis. The CLI tests spawn child processes.
export default defineConfig({
  test: {
    ...common,
    globalSetup: [],
    include: [
      'test/domain/**/*.test.ts',
      'test/workers/**/*.test.ts',
      'test/linking/plan-linking.test.ts',
      'test/trackers/jira/adf-render.test.ts',
      'test/trackers/markdown-doc.test.ts',
      'test/trackers/trello/markdown-render.test.ts',
    ],
    exclude: [
      'test/domain/linking/cli-e2e.test.ts',
      'test/domain/linking/cli-tuning.test.ts',
      'test/domain/acceptance/cli.test.ts',
    ],
  },
});
