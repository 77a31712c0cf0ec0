import { existsSync } from 'node:fs';

/**
 * The env files Node loaded into this process (`--env-file-if-exists=FILE`, as the npm scripts pass it), so start-up
 * can say where its variables came from; named only, as their values include secrets.
 */
export function envFilesRead(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.flatMap((arg) => {
    const file = /^--env-file(?:-if-exists)?=(.+)$/.exec(arg)?.[1];
    return file !== undefined && existsSync(file) ? [file] : [];
  });
}
