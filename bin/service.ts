import closeWithGrace from 'close-with-grace';
import { createLogger } from '../src/logger.ts';
import type { UnreachableWarnings } from '../src/runtime/identities.ts';
import { followRulesReloads } from '../src/runtime/rules-reload.ts';
import { createRulesStore } from '../src/runtime/rules-store.ts';
import { loadConfigOrStop, stopOnSetupError } from '../src/runtime/setup-error.ts';
import { startApi } from '../src/server.ts';
import { startWorker } from '../workers/worker.ts';

/** Runs the roles ROLE asks for (api, worker or all) until SIGTERM/SIGINT, then shuts down gracefully. */
export async function runService(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrStop(env);
  const log = createLogger({
    level: config.logLevel,
    name: `refinery-${config.role}`,
    format: config.logFormat,
  });
  const rules = await createRulesStore(config.rulesPath, log).catch(stopOnSetupError);
  const closers: (() => Promise<void>)[] = [followRulesReloads(config, rules, log).stop];
  const warned: UnreachableWarnings = new Set();
  if (config.role !== 'worker') closers.push((await startApi(config, log, rules, warned)).close);
  if (config.role !== 'api') closers.push((await startWorker(config, log, rules, warned)).close);
  closeWithGrace(
    { delay: config.shutdownGraceMs, logger: { error: (message: unknown) => log.error(String(message)) } },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'Shutting down after an error');
      else log.info({ signal }, 'Shutting down');
      for (const close of closers.reverse()) await close();
    },
  );
}

if (import.meta.main) await runService();
