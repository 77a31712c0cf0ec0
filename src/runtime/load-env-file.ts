import { loadEnvFileIfExists } from './env-file.ts';

// Preloaded by the npm scripts that run the service or its CLIs (`node --import=./src/runtime/load-env-file.ts`)
// rather than Node's --env-file-if-exists, which prints "<file> not found. Continuing without it." on every start
// without one. An empty REFINERY_ENV_FILE means .env, as the shell's ${REFINERY_ENV_FILE:-.env} did.
loadEnvFileIfExists(process.env.REFINERY_ENV_FILE || '.env');
