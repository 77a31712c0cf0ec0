import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createRedisAuditStore } from '../audit/audit-store.ts';
import { type Check, type DoctorReport, type Repair, renderReport } from '../doctor/checklist.ts';
import { probeListenAddress } from '../doctor/probe-port.ts';
import {
  applyRepairs,
  describeRepair,
  manualFixes,
  planRepairs,
  type RepairOutcome,
} from '../doctor/repair.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import { createDoctorSetups } from '../doctor/setups.ts';
import { createLogger } from '../logger.ts';
import { connectProbeRedis, type RedisClient } from '../queue/connection.ts';
import { readRedisFacts } from '../queue/redis-facts.ts';
import { loadRulesFile } from '../rules/load-rules.ts';
import { envFilesRead } from '../runtime/env-file.ts';

/**
 * `npm run doctor [-- --json] [-- --fix [--yes]]`: checks the configuration against Redis and the real trackers
 * and prints a checklist with the fix for each failing line; exits 1 when anything blocks the service.
 */
export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  /** The env files `env` was read from besides the environment (`npm run doctor` reads .env). */
  envFiles?: readonly string[];
  write(text: string): void;
  /** Asks a yes/no question; without it, --fix changes nothing unless --yes is given. */
  confirm?(question: string): Promise<boolean>;
}

// The doctor makes a few dozen requests once; the shared rate-limit windows need Redis, which may be what is broken.
const unpaced = { acquire: async () => {} };

interface DoctorOutput {
  envFiles: readonly string[];
  report: DoctorReport;
  /** Why the planned repairs were not applied. */
  notApplied?: string;
  repairs?: RepairOutcome[];
  /** The checklist again, after the repairs. */
  after?: DoctorReport;
}

function describePlan(repairs: readonly Repair[], manual: readonly Check[]): string {
  const lines = [repairs.length === 0 ? '\nNothing here --fix can repair.' : '\n--fix would:'];
  for (const repair of repairs) lines.push(`  - ${describeRepair(repair)}`);
  if (manual.length > 0) {
    lines.push('', '--fix cannot repair these (they need a person, or rights the account does not have):');
    for (const check of manual) lines.push(`  - ${check.title}`, `      fix: ${check.fix}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function doctor(argv: string[], io: DoctorIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, fix: { type: 'boolean' }, yes: { type: 'boolean' } },
  });
  const log = createLogger({ level: 'silent' });
  let redis: RedisClient | undefined;
  const rules = await loadRulesFile(io.env.REFINERY_CONFIG || undefined);
  const run = () =>
    runDoctor({
      env: io.env,
      rules,
      probePort: (config) => probeListenAddress(config.host, config.port),
      async readRedis(config) {
        redis ??= await connectProbeRedis(config.redisUrl, { cluster: config.redisCluster });
        return readRedisFacts(redis);
      },
      setups: (config) => createDoctorSetups(config, log, unpaced),
      now: () => new Date(),
    });
  try {
    const first = await run();
    const envFiles = io.envFiles ?? [];
    const out: DoctorOutput = { envFiles, report: first.report };
    const say = (text: string) => {
      if (!values.json) io.write(text);
    };
    if (envFiles.length > 0)
      say(`Read ${envFiles.join(', ')}; variables set in the environment win over it.\n`);
    say(`${renderReport(first.report)}\n`);
    const repairs = values.fix ? planRepairs(first.report.checks) : [];
    if (values.fix) say(describePlan(repairs, manualFixes(first.report.checks)));
    if (repairs.length > 0 && first.config) {
      const question = `Apply ${repairs.length === 1 ? 'this repair' : `these ${repairs.length} repairs`}? [y/N] `;
      // --json output is for scripts: it never asks, so it repairs only with --yes.
      const go = values.yes || (!values.json && io.confirm ? await io.confirm(question) : false);
      const auditRedis = redis?.status === 'ready' ? redis : undefined;
      if (!go) out.notApplied = 'not confirmed (answer y, or pass --yes)';
      else if (!auditRedis)
        out.notApplied = 'every repair is written to the audit trail in Redis, and Redis is not reachable';
      else {
        const { config } = first;
        const user = userInfo().username;
        out.repairs = await applyRepairs(repairs, {
          setups: createDoctorSetups(config, log, unpaced),
          audit: createRedisAuditStore({
            redis: auditRedis,
            keyPrefix: config.queuePrefix,
            retentionDays: config.auditRetentionDays,
          }),
          actor: { id: `os:${user}`, displayName: `${user} (npm run doctor -- --fix)` },
          runId: `doctor-${randomUUID()}`,
          jiraWebhookSecret: config.jira?.webhookSecrets[0],
          jiraWebhookUrlToken: config.jira?.unsignedUrlToken,
        });
        say('\nRepairs (each written to the audit trail, capability "doctor"):\n');
        for (const outcome of out.repairs) say(`  ${outcome.ok ? '✓' : '✗'} ${outcome.message}\n`);
        out.after = (await run()).report;
        say(`\nAfter the repairs:\n${renderReport(out.after)}\n`);
      }
      if (out.notApplied) say(`Nothing changed: ${out.notApplied}.\n`);
    }
    if (values.json) io.write(`${JSON.stringify(out, null, 2)}\n`);
    return (out.after ?? out.report).ok ? 0 : 1;
  } finally {
    redis?.disconnect();
  }
}

/** The answer typed at the terminal, or the first line piped in (`echo y | npm run doctor -- --fix`); no line is no. */
async function askStdin(question: string): Promise<boolean> {
  const terminal = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: terminal ? process.stdout : undefined });
  if (!terminal) process.stdout.write(question);
  try {
    const answer = terminal
      ? await lines.question(question)
      : ((await lines[Symbol.asyncIterator]().next()).value ?? '');
    if (!terminal) process.stdout.write(`${answer}\n`);
    return /^y(es)?$/i.test(String(answer).trim());
  } finally {
    lines.close();
  }
}

if (import.meta.main) {
  process.exitCode = await doctor(process.argv.slice(2), {
    env: process.env,
    envFiles: envFilesRead(),
    write: (text) => process.stdout.write(text),
    confirm: askStdin,
  });
}
