import { mutationConfig } from './stryker.config.mjs';

// src/domain/acceptance against the tests that import it (vitest.mutation-acceptance.config.ts):
//   MUTATION_NAME=acceptance npx stryker run stryker.acceptance.config.mjs --concurrency 1
export default mutationConfig(
  'acceptance',
  ['src/domain/acceptance/**/*.ts'],
  'vitest.mutation-acceptance.config.ts',
);
