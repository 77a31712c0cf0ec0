// Mutation testing of the command and intake paths (second half of `npm run mutation`): the webhook route, both
// stages of the intake (the edge's script; the workers' relay from the stream to BullMQ jobs) and the slash-command
// executors, against the in-process HTTP, security, audit and command tests (they need Redis).
import { mutationConfig } from './stryker.config.mjs';

export default mutationConfig(
  'intake',
  [
    'src/http/routes/webhook-route.ts',
    'src/queue/intake.ts',
    'src/queue/intake-consumer.ts',
    'workers/intake-relay.ts',
    'workers/commands/**/*.ts',
  ],
  'vitest.mutation-intake.config.ts',
);
