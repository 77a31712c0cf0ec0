import { mutationConfig } from './stryker.config.mjs';

// The intake's edge and relay against the HTTP and security tests only (vitest.mutation-edge.config.ts):
//   MUTATION_NAME=intake-route npx stryker run stryker.edge.config.mjs --concurrency 1 --mutate src/http/routes/webhook-route.ts
// The command executors stay with stryker.intake.config.mjs.
export default mutationConfig(
  'edge',
  [
    'src/http/routes/webhook-route.ts',
    'src/queue/intake.ts',
    'src/queue/intake-consumer.ts',
    'src/queue/legacy-dedupe.ts',
    'workers/intake-relay.ts',
  ],
  'vitest.mutation-edge.config.ts',
);
