import { defineConfig, type TestUserConfig } from 'vitest/config';

/** What every test run shares, the mutation runs' configs included. */
export const common: TestUserConfig = {
  globalSetup: ['test/setup/temp-dir.ts', 'test/setup/global-redis.ts'],
  setupFiles: ['test/setup/strict-http.ts'],
  testTimeout: 20_000,
  // Set-ups start whole stacks (API, worker, sandboxes); each process may take up to 40 s on a loaded machine.
  hookTimeout: 60_000,
  pool: 'forks',
};

export default defineConfig({
  test: {
    ...common,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/faults/**'],
          // Not 0: vitest puts one-at-a-time files of the default group 0 in a group of their own, run last.
          sequence: { groupOrder: 1 },
          // One process per worker serves file after file: each file's own fork spent more CPU importing Fastify,
          // BullMQ and the tracker clients than most files spend testing (test/http + test/trackers: 68 s -> 22 s).
          // Safe because no test mocks modules or changes process.env; nock is reset per file (strict-http.ts).
          isolate: false,
          // Two files at a time: most of a file's time is waiting on Redis, HTTP and timers, so on two cores the
          // project takes about 55 % of its time one at a time (313 s against 570 s). Every file keeps to its own
          // Redis prefix and ports, and tests that change a Redis server's settings start their own.
          maxWorkers: 2,
        },
      },
      // The fault tests spend most of their time waiting out timed outages: two at a time, after the rest, nearly
      // halve their share of the run on two cores (one file at a time otherwise, vitest's default there).
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
