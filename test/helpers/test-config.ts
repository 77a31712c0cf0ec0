import { type Config, loadConfig } from '../../src/config.ts';

export const JIRA_SECRET = "It's a Secret to Everybody";
export const TRELLO_SECRET = 'trello-app-secret-for-tests';
export const PUBLIC_URL = 'https://refinery.example.test';
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** A configuration with both trackers set up, as an operator would write it. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    REDIS_URL: 'redis://127.0.0.1:1',
    PUBLIC_URL,
    ADMIN_TOKEN,
    JIRA_BASE_URL: 'https://acme.atlassian.net',
    JIRA_EMAIL: 'bot@acme.test',
    JIRA_API_TOKEN: 'jira-api-token-for-tests',
    JIRA_WEBHOOK_SECRET: JIRA_SECRET,
    TRELLO_API_KEY: 'trello-key-for-tests',
    TRELLO_API_TOKEN: 'trello-token-for-tests',
    TRELLO_API_SECRET: TRELLO_SECRET,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
