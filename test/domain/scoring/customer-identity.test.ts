import { describe, expect, it } from 'vitest';
import { docToPlainText } from '../../../src/domain/doc.ts';
import { ticketEvidence } from '../../../src/domain/scoring/evidence.ts';
import { renderScorecard } from '../../../src/domain/scoring/render.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import { customerImpact } from '../../../src/domain/sprint-summary/delivered.ts';
import { distinctCustomers } from '../../../src/read-model/records.ts';
import { indexFields } from '../../../src/trackers/jira/jira-fields.ts';
import { type RawIssue, toTrackerItem } from '../../../src/trackers/jira/jira-item.ts';
import { fixture } from '../../fixtures/index.ts';
import { makeItem } from './make-item.ts';

/**
 * Support tickets as Jira's REST API answers them (the real issue of test/fixtures/jira/issue_created.json), each with
 * its reporter as Jira shows it: a deleted account keeps its account id and shows as "Former user" (inactive, no
 * avatar of its own); a renamed one keeps its id under its new name.
 */
const { issue } = fixture<{ issue: RawIssue & { fields: Record<string, unknown> } }>('jira/issue_created');
const site = 'https://shettypritesh16.atlassian.net';

function reportedBy(n: number, accountId: string, displayName: string, active = true) {
  const raw: RawIssue = {
    ...issue,
    id: String(10_100 + n),
    key: `HELP-${n}`,
    fields: {
      ...issue.fields,
      summary: `Export fails (${n})`,
      reporter: {
        self: `${site}/rest/api/2/user?accountId=${encodeURIComponent(accountId)}`,
        accountId,
        avatarUrls: { '48x48': `${site}/secure/useravatar?size=48&avatarId=10123` },
        displayName,
        active,
        timeZone: 'Etc/UTC',
        accountType: 'atlassian',
      },
    },
  };
  return ticketEvidence(toTrackerItem(raw, indexFields([]), site), resolveScoringRules());
}

/** Every place that counts customers: reach, the scorecard's numbers, the console's count, a summary's impact. */
function counted(evidence: ReturnType<typeof reportedBy>[]) {
  const item = makeItem({ key: 'APP-1', estimate: { storyPoints: 2 } });
  const result = scoreItem({ item, evidence }, resolveScoringRules());
  const done = [{ ref: item.ref, title: item.title, url: item.url }];
  return {
    reach: result.model === 'rice' ? result.inputs.reach.value : undefined,
    scorecard: docToPlainText(renderScorecard(result))
      .split('\n')
      .filter((line) => line.startsWith('- HELP-')),
    console: distinctCustomers(result),
    summary: customerImpact(done, { [item.ref.id]: evidence }).customers?.value,
  };
}

describe('customers are told apart by account, not by the name Jira shows', () => {
  it('two deleted accounts, both shown as "Former user", are two customers', () => {
    const evidence = [
      reportedBy(1, '5b10ac8d82e05b22cc7d4ef5', 'Former user', false),
      reportedBy(2, '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', 'Former user', false),
    ];
    expect(counted(evidence)).toEqual({
      reach: 2,
      scorecard: ['- HELP-1 (customer 1)', '- HELP-2 (customer 2)'],
      console: 2,
      summary: 2,
    });
  });

  it('one account renamed between the reads of its tickets is one customer', () => {
    const evidence = [
      reportedBy(1, '712020:28d10afc-d4b0-47f2-b86f-74d9a5f29c81', 'Pritesh Shetty'),
      reportedBy(2, '712020:28d10afc-d4b0-47f2-b86f-74d9a5f29c81', 'Pritesh S. Kamath'),
    ];
    expect(counted(evidence)).toEqual({
      reach: 1,
      scorecard: ['- HELP-1 (customer 1)', '- HELP-2 (customer 1)'],
      console: 1,
      summary: 1,
    });
  });

  it('accounts Jira cannot name (a corrupted record of a deleted user: accountId "unknown") are not one customer', () => {
    const evidence = [
      reportedBy(1, 'unknown', 'Former user', false),
      reportedBy(2, 'unknown', 'Former user', false),
    ];
    expect(counted(evidence)).toEqual({
      reach: 2,
      scorecard: ['- HELP-1', '- HELP-2'],
      console: 2,
      summary: undefined,
    });
  });

  it('an organization named like an account id is not that account', () => {
    const account = '5b10ac8d82e05b22cc7d4ef5';
    const rules = resolveScoringRules();
    const org = ticketEvidence(makeItem({ key: 'HELP-3', fields: { Organization: account } }), rules);
    const named = ticketEvidence(
      makeItem({ key: 'HELP-4', fields: { Organization: `account:${account}` } }),
      rules,
    );
    expect(counted([reportedBy(1, account, 'Former user', false), org, named])).toMatchObject({
      reach: 3,
      console: 3,
      summary: 3,
    });
  });
});
