import { type Config, JIRA_WEBHOOK_PATH } from '../config.ts';
import { TrackerError } from '../errors.ts';
import type { RulesResult } from '../rules/load-rules.ts';
import type { Rules } from '../rules/rules-schema.ts';
import { JIRA_EVENTS } from '../trackers/jira/jira-webhook.ts';
import { checkClock } from './check-clock.ts';
import { checkEnvironment } from './check-environment.ts';
import { evaluateJira, gatherJira, type JiraExpectations } from './check-jira.ts';
import { checkPort, type PortFacts } from './check-port.ts';
import { checkRedis, type RedisFacts } from './check-redis.ts';
import { evaluateTrello, gatherTrello, type TrelloExpectations } from './check-trello.ts';
import { type Check, type DoctorReport, fail, toReport } from './checklist.ts';
import type { JiraSetup, TrelloSetup } from './ports.ts';

export interface DoctorSetups {
  jira?: JiraSetup;
  trello?: TrelloSetup;
}

export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  rules: RulesResult;
  /** What listening on the API's HOST:PORT meets; the probe must not keep the address. */
  probePort(config: Config): Promise<PortFacts>;
  readRedis(config: Config): Promise<RedisFacts>;
  /** The setup ports of the configured trackers. */
  setups(config: Config): DoctorSetups;
  now(): Date;
}

/** A running process's validated environment, back in the string form `loadConfig` reads, for the checks. */
export function environmentOf(config: Config): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(config.env).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, String(value)]],
    ),
  );
}

/** The Number fields scoring writes under the rules' model. */
export function scoreFieldNames(rules: Rules): string[] {
  const { fields, model } = rules.scoring;
  return model === 'wsjf'
    ? [fields.score, fields.effort]
    : [fields.score, fields.reach, fields.impact, fields.confidence, fields.effort];
}

export function jiraExpectations(config: Config, rules: Rules): JiraExpectations {
  return {
    siteUrl: config.jira?.baseUrl ?? '',
    scope: rules.scope,
    numberFields: scoreFieldNames(rules),
    webhookUrl: config.publicUrl ? `${config.publicUrl}${JIRA_WEBHOOK_PATH}` : undefined,
    ...(config.jira?.unsignedUrlToken ? { urlToken: config.jira.unsignedUrlToken } : {}),
    events: JIRA_EVENTS,
  };
}

export function trelloExpectations(config: Config, rules: Rules): TrelloExpectations {
  return {
    scope: rules.scope,
    numberFields: scoreFieldNames(rules),
    createsFields: rules.scoring.createMissingTrelloFields,
    callbackUrl: config.trello?.callbackUrl ?? '',
  };
}

/** A tracker read that failed half-way (a 5xx, a timeout) ends that tracker's checks with one failing line. */
function stopped(area: 'jira' | 'trello') {
  return (error: unknown): { check: Check } => {
    if (!(error instanceof TrackerError)) throw error;
    return {
      check: fail(
        area,
        `Checking stopped: ${error.message}`,
        'Run `npm run doctor` again; if it persists, the message names what the tracker refused',
      ),
    };
  };
}

/** Runs every check it can: a broken environment stops before the trackers, a broken tracker not the others. */
export async function runDoctor(deps: DoctorDeps): Promise<{ report: DoctorReport; config?: Config }> {
  const environment = checkEnvironment(deps.env, deps.rules);
  const checks: Check[] = [...environment.checks];
  const { config } = environment;
  if (!config) return { report: toReport(checks) };
  // A worker listens on no port: what holds PORT on its host is none of its business.
  if (config.role !== 'worker')
    checks.push(checkPort(await deps.probePort(config), config.host, config.port));
  const redis = await deps.readRedis(config).catch((error: Error) => ({ error: error.message }));
  checks.push(...checkRedis(redis, config.redisUrl, config.redisCluster));
  const rules = deps.rules.ok ? deps.rules.rules : undefined;
  if (!rules) return { report: toReport(checks), config };
  const setups = deps.setups(config);
  const clock: Check[] = [];
  if (setups.jira) {
    const expect = jiraExpectations(config, rules);
    const facts = await gatherJira(setups.jira, expect).catch(stopped('jira'));
    if ('check' in facts) checks.push(facts.check);
    else {
      checks.push(...evaluateJira(facts, expect));
      if (facts.reached) clock.push(checkClock('Jira', facts.serverDate, deps.now()));
    }
  }
  if (setups.trello) {
    const expect = trelloExpectations(config, rules);
    const facts = await gatherTrello(setups.trello, expect).catch(stopped('trello'));
    if ('check' in facts) checks.push(facts.check);
    else {
      checks.push(...evaluateTrello(facts, expect));
      if (facts.reached) clock.push(checkClock('Trello', facts.serverDate, deps.now()));
    }
  }
  return { report: toReport([...checks, ...clock]), config };
}
