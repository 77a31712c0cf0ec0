// Mutation testing (`npm run mutation`; not in CI: too slow for a 2-core machine). One folder at a time:
//   MUTATION_TESTS=test/domain/scoring npx stryker run --mutate 'src/domain/scoring/**/*.ts'
// Stryker's vitest runner (9.6) misreads vitest 5's results (every mutant "survives", though its tests fail),
// so the command runner runs vitest once per mutant and reads its exit code: slower, but the verdicts hold.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const base = {
  testRunner: 'command',
  coverageAnalysis: 'off',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

/** One mutation run: what it mutates, and the vitest config and test paths that judge each mutant. */
export function mutationConfig(name, mutate, vitestConfig, tests) {
  // MUTATION_NAME keeps each folder's reports apart.
  name = process.env.MUTATION_NAME ?? name;
  return {
    ...base,
    mutate,
    commandRunner: {
      command: `vitest run --config ${vitestConfig} --pool=threads --no-isolate --bail=1 ${process.env.MUTATION_TESTS ?? tests}`,
    },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  };
}

export default mutationConfig('domain', ['src/domain/**/*.ts'], 'vitest.mutation.config.ts', 'test/domain');
