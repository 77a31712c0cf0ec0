// Mutation testing of the command and intake paths (second half of `npm run mutation`): the webhook route, the intake
// (dedupe, enqueue) and the slash-command executors, against the HTTP, audit and command tests (they need Redis).
import { mutationConfig } from './stryker.config.mjs';

export default mutationConfig(
  'intake',
  ['src/http/routes/webhook-route.ts', 'src/queue/intake.ts', 'workers/commands/**/*.ts'],
  'vitest.mutation-intake.config.ts',
);
