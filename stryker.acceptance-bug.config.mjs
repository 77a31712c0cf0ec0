import { mutationConfig } from './stryker.config.mjs';

// src/domain/acceptance/bug-content.ts against the tests that read bug reports (vitest.mutation-acceptance-bug.config.ts):
//   MUTATION_NAME=acceptance-bug npx stryker run stryker.acceptance-bug.config.mjs --concurrency 1
export default mutationConfig(
  'acceptance-bug',
  ['src/domain/acceptance/bug-content.ts'],
  'vitest.mutation-acceptance-bug.config.ts',
);
