import { defineConfig } from 'vitest/config';
import { common } from './vitest.config.ts';

// The tests that judge mutants of the intake's edge and relay (stryker.edge.config.mjs: the webhook route,
// src/queue/intake.ts, src/queue/intake-consumer.ts, src/queue/legacy-dedupe.ts, workers/intake-relay.ts): the
// in-process HTTP tests (they post deliveries and drain the stream through the relay, test/helpers/api-harness.ts),
// the dedupe window's own tests, the moving of the previous release's dedupe records, and the security tests that
// post deliveries. It is the intake config without the command, audit and command-parsing tests: those reach the
// intake only as the way a comment gets to a worker and assert on replies, never on an answer, a log line, a stream
// entry or a job of the intake; dropping them makes each static mutant (the intake script, key builders) rerun a
// minute of tests instead of four.
export default defineConfig({
  test: {
    ...common,
    include: [
      'test/http/**/*.test.ts',
      'test/queue/intake-dedupe.test.ts',
      'test/queue/legacy-dedupe.test.ts',
      ...[
        'content-type',
        'forged-deliveries',
        'oversize',
        'prototype-pollution',
        'replay',
        'unsigned-deliveries',
      ].map((name) => `test/security/${name}.test.ts`),
    ],
  },
});
