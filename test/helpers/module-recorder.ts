import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

/**
 * Preloaded into a service process (`--import`): appends the URL of every module it loads to the file
 * MODULE_RECORD_FILE names, so a test can tell what a role loads.
 */
const file = process.env.MODULE_RECORD_FILE;
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
