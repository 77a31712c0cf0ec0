import { type Config, JIRA_WEBHOOK_PATH, loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { RulesResult } from '../rules/load-rules.ts';
import { type Check, fail, pass, warn } from './checklist.ts';

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Trackers on this machine: the sandbox (or a tunnel test), where an http loopback PUBLIC_URL is expected. */
export function isSandboxMode(config: Config): boolean {
  const urls = [config.jira?.baseUrl, config.trello ? config.trello.apiUrl : undefined].filter(Boolean);
  return urls.length > 0 && urls.every((url) => isLoopback(url));
}

function publicUrlChecks(config: Config): Check[] {
  const url = config.publicUrl;
  if (!url)
    return [
      fail(
        'environment',
        'PUBLIC_URL is not set: Jira and Trello cannot deliver webhooks',
        'Set PUBLIC_URL to the https address the trackers reach this service at, e.g. https://refinery.example.com',
      ),
    ];
  const problems: string[] = [];
  if (!url.startsWith('https://')) problems.push('is not https');
  if (isLoopback(url)) problems.push('points at this machine (loopback)');
  if (problems.length === 0) return [pass('environment', `PUBLIC_URL ${url} is https and public`)];
  const title = `PUBLIC_URL ${url} ${problems.join(' and ')}: Jira and Trello cannot deliver to it`;
  const fix =
    'Set PUBLIC_URL to the https address of this service as the internet sees it (a reverse proxy or tunnel with a valid certificate)';
  return isSandboxMode(config)
    ? [warn('environment', `${title} (fine against the sandbox trackers)`, fix)]
    : [fail('environment', title, fix)];
}

/** Every variable valid, a tracker configured, the public URL reachable in principle, the rules file valid. */
export function checkEnvironment(
  env: NodeJS.ProcessEnv,
  rules: RulesResult,
): { checks: Check[]; config?: Config } {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const fix =
      'Correct the variable in .env or in the environment of the service (where both set it, the environment wins); docs/configuration.md lists them';
    return { checks: error.problems.map((problem) => fail('environment', problem, fix)) };
  }
  checks.push(pass('environment', 'Every environment variable is valid'));
  if (!config.jira && !config.trello)
    checks.push(
      fail(
        'environment',
        'Neither Jira nor Trello is configured',
        'Set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN (docs/connect-jira.md) or TRELLO_API_KEY, TRELLO_API_TOKEN and TRELLO_API_SECRET (docs/connect-trello.md)',
      ),
    );
  checks.push(...publicUrlChecks(config));
  if (config.jira && config.jira.webhookSecrets.length === 0) {
    const fix = `Generate a secret (\`openssl rand -hex 32\`), set JIRA_WEBHOOK_SECRET to it and enter the same secret in the Jira webhook of ${JIRA_WEBHOOK_PATH} (docs/security.md)`;
    // Without a secret the receiver refuses every Jira delivery unless the operator opted into URL tokens.
    checks.push(
      config.jira.unsignedUrlToken
        ? warn(
            'environment',
            'JIRA_WEBHOOK_SECRET is not set: Jira deliveries are accepted unsigned, on the token in their URL; anyone who sees the URL can post Jira events',
            fix,
          )
        : fail(
            'environment',
            'JIRA_WEBHOOK_SECRET is not set: the service refuses every Jira delivery (401)',
            fix,
          ),
    );
  }
  if (!config.adminToken)
    checks.push(
      warn(
        'environment',
        'ADMIN_TOKEN is not set: the admin API (/admin) is off',
        'Set ADMIN_TOKEN to a random string of 16 characters or more, e.g. `openssl rand -hex 24`',
      ),
    );
  if (rules.ok)
    checks.push(
      pass('environment', `Rules ${config.rulesPath ?? '(defaults, no REFINERY_CONFIG)'} are valid`),
    );
  else
    checks.push(
      ...rules.problems.map((problem) =>
        fail('environment', `Rules file: ${problem}`, `Correct ${config.rulesPath} (docs/configuration.md)`),
      ),
    );
  return { checks, config };
}
