import { defineConfig } from 'vitest/config';
import edge from './vitest.mutation-edge.config.ts';

// The tests Stryker runs against mutants of the command and intake paths (stryker.intake.config.mjs): the edge's
// tests (vitest.mutation-edge.config.ts: in-process HTTP and the security tests that post deliveries, which drain
// the intake stream through the relay), and the audit and command tests; test/commands runs the API and a worker
// in-process (test/helpers/in-process-stack.ts). End-to-end and fault tests run the code in child processes, where
// a mutant is never active.
export default defineConfig({
  test: {
    ...edge.test,
    include: [
      ...(edge.test?.include ?? []),
      'test/audit/**/*.test.ts',
      'test/domain/commands/**/*.test.ts',
      'test/commands/**/*.test.ts',
    ],
  },
});
