import { mutationConfig } from './stryker.config.mjs';

// src/domain/sprint-summary against the tests that reach it (vitest.mutation-sprint-summary.config.ts):
//   MUTATION_NAME=sprint-summary npx stryker run stryker.sprint-summary.config.mjs --concurrency 1
export default mutationConfig(
  'sprint-summary',
  ['src/domain/sprint-summary/**/*.ts'],
  'vitest.mutation-sprint-summary.config.ts',
);
