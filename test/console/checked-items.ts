import { finding, type Verdict } from '../../src/domain/acceptance/findings.ts';
import { resolveScoringRules } from '../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../src/domain/scoring/score-item.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';

/** A story's verdicts as the acceptance check gives them: passing, and failing for want of criteria. */
export const PASSES: Verdict = { ok: true, template: 'story', findings: [], missingSections: [] };
export const FAILS: Verdict = {
  ok: false,
  template: 'story',
  findings: [finding('missing-acceptance-criteria', 'error', {}, 'No criteria.', 'Write them.')],
  missingSections: ['acceptance-criteria'],
};

/** Writes backlog items to the read model as the scoring and acceptance jobs do: scored, then checked. */
export function checkedItems(redis: RedisClient, prefix: string) {
  const writer = createReadModelWriter(redis, prefix);
  const rules = resolveScoringRules({});
  return async (item: TrackerItem, verdict: Verdict) => {
    await writer.scored(item, scoreItem({ item }, rules));
    await writer.checked(item, verdict);
  };
}
