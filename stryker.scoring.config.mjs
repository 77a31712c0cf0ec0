import { mutationConfig } from './stryker.config.mjs';

// src/domain/scoring against the tests that reach it (vitest.mutation-scoring.config.ts):
//   MUTATION_NAME=scoring npx stryker run stryker.scoring.config.mjs --concurrency 1
export default mutationConfig('scoring', ['src/domain/scoring/**/*.ts'], 'vitest.mutation-scoring.config.ts');
