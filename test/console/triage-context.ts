import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../../workers/job-context.ts';
import type { ApiHarness } from '../helpers/api-harness.ts';
import { testConfig } from '../helpers/test-config.ts';

/**
 * The workers' context for the console's triage tests, on the harness's Redis: nothing links by itself (an
 * auto-link threshold no match reaches), so a support ticket waits in the inbox with its suggestions.
 */
export function triageContext(harness: ApiHarness, tracker: Tracker): JobContext {
  const rules = defaultRules();
  return {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: () => ({ ...rules, linking: { ...rules.linking, autoLinkThreshold: 0.99 } }),
    tracker: () => tracker,
    selfId: () => 'bot',
    redis: harness.redis,
    keyPrefix: harness.prefix,
    now: () => new Date('2025-06-01T00:00:00Z'),
    progress: async () => {},
  };
}
