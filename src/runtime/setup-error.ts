import { type Config, loadConfig } from '../config.ts';
import { ConfigError, ListenError, RulesFileError } from '../errors.ts';

/**
 * A bad environment or rules file, or an address the API cannot take, stops the process (the service or a CLI)
 * with what to change, exit code 78 (EX_CONFIG) and no stack trace; anything else is a bug and keeps its stack.
 */
export function stopOnSetupError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof RulesFileError || error instanceof ListenError) {
    process.stderr.write(`${error.message}\nRun \`npm run doctor\` for the whole checklist.\n`);
    process.exit(78);
  }
  throw error;
}

/** The configuration, or the process stops with what is wrong in it. */
export function loadConfigOrStop(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    stopOnSetupError(error);
  }
}
