import closeWithGrace from 'close-with-grace';
import { createLogger } from '../src/logger.ts';
import { envFilesRead } from '../src/runtime/env-file.ts';
import type { UnreachableWarnings } from '../src/runtime/identities.ts';
import { followRulesReloads } from '../src/runtime/rules-reload.ts';
import { createRulesStore } from '../src/runtime/rules-store.ts';
import { loadConfigOrStop, stopOnSetupError } from '../src/runtime/setup-error.ts';

/** Runs the roles ROLE asks for (api, worker or all) until SIGTERM/SIGINT, then shuts down gracefully. */
export async function runService(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrStop(env);
  const log = createLogger({
    level: config.logLevel,
    name: `refinery-${config.role}`,
    format: config.logFormat,
  });
  const envFiles = envFilesRead();
  if (envFiles.length > 0)
    log.info({ envFiles }, `Read ${envFiles.join(', ')}; variables set in the environment win over it`);
  const rules = await createRulesStore(config.rulesPath, log).catch(stopOnSetupError);
  const closers: (() => Promise<void>)[] = [followRulesReloads(config, rules, log).stop];
  const warned: UnreachableWarnings = new Set();
  // Each role imports only its own code: an API process holding the job handlers, or a worker holding Fastify, the
  // console and the admin API's docs, would keep megabytes it never runs (test/runtime/role-modules.test.ts).
  if (config.role !== 'worker') {
    const { startApi } = await import('../src/server.ts');
    closers.push((await startApi(config, log, rules, warned).catch(stopOnSetupError)).close);
  }
  if (config.role !== 'api') {
    const { startWorker } = await import('../workers/worker.ts');
    closers.push((await startWorker(config, log, rules, warned)).close);
  }
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
