const read: string[] = [];

/**
 * Reads FILE into process.env under what the environment already sets (process.loadEnvFile overrides no variable),
 * and skips it without a word when it is not there: a newcomer's first `npm start` comes before any .env. A file that
 * is there but cannot be read stops the process, as a bad variable does (exit code 78, no stack trace).
 */
export function loadEnvFileIfExists(file: string): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    process.stderr.write(
      `Cannot read the env file ${file}: ${(error as Error).message}\nFix it, remove it, or name another file with REFINERY_ENV_FILE.\n`,
    );
    process.exit(78);
  }
  read.push(file);
}

/**
 * The env files this process read (src/runtime/load-env-file.ts, which the npm scripts preload), so start-up can say
 * where its variables came from; named only, as their values include secrets.
 */
export function envFilesRead(): string[] {
  return [...read];
}
