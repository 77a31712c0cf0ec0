// Mutation testing (`npm run mutation`; not in CI: too slow for a 2-core machine). One folder at a time:
//   MUTATION_NAME=scoring npx stryker run --mutate 'src/domain/scoring/**/*.ts'
// Stryker 10's vitest runner reads vitest 5's results correctly (9.6's reported nearly every mutant survived) and
// runs, for each mutant, only the tests that covered it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const base = {
  testRunner: 'vitest',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

/** One mutation run: what it mutates, and the vitest config whose tests judge each mutant. */
export function mutationConfig(name, mutate, vitestConfig) {
  // MUTATION_NAME keeps each folder's reports apart.
  name = process.env.MUTATION_NAME ?? name;
  return {
    ...base,
    mutate,
    vitest: { configFile: vitestConfig, related: false },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  };
}

export default mutationConfig('domain', ['src/domain/**/*.ts'], 'vitest.mutation.config.ts');
