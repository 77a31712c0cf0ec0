import { defineConfig } from 'vitest/config';
import { common } from './vitest.config.ts';

// The tests Stryker runs against mutants of the command and intake paths (stryker.intake.config.mjs): the
// in-process HTTP, audit and command tests, and the security tests that post deliveries. The HTTP and security
// tests drain the intake stream through the relay (test/helpers/api-harness.ts); test/commands runs the API
// and a worker in-process (test/helpers/in-process-stack.ts). End-to-end and fault tests run the code in child
// processes, where a mutant is never active.
export default defineConfig({
  test: {
    ...common,
    include: [
      'test/http/**/*.test.ts',
      ...[
        'content-type',
        'forged-deliveries',
        'oversize',
        'prototype-pollution',
        'replay',
        'unsigned-deliveries',
      ].map((name) => `test/security/${name}.test.ts`),
      'test/audit/**/*.test.ts',
      'test/domain/commands/**/*.test.ts',
      'test/commands/**/*.test.ts',
    ],
  },
});
