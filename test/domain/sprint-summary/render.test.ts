import { describe, expect, it } from 'vitest';
import { type Block, docToPlainText } from '../../../src/domain/doc.ts';
import { listedItems, renderSprintSummary, summaryTitle } from '../../../src/domain/sprint-summary/render.ts';
import { snapshotScope } from '../../../src/domain/sprint-summary/snapshot.ts';
import { summarizeSprint } from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import { atStart, common, estimateOf, estimates, history, sprint } from './sprint-fixture.ts';

const title = summaryTitle(sprint.name);
const exact = renderSprintSummary(
  summarizeSprint({ ...common, snapshot: snapshotScope(sprint, atStart, estimateOf) }),
  {
    title,
  },
);
const approximate = renderSprintSummary(summarizeSprint({ ...common, history, estimates }), { title });

describe('renderSprintSummary', () => {
  it('titles the summary after the sprint', () => {
    expect(title).toBe('Sprint 12 summary');
    expect(exact.blocks[0]).toMatchObject({ type: 'heading', level: 2 });
  });

  it('shows the figures a team reads in a sprint report', () => {
    expect(docToPlainText(exact)).toContain(
      [
        'Figure | Value',
        'Committed | 5 items, 14 points',
        'Completed | 4 items, 8 points',
        'Completion rate | 43% of committed points',
        'Carried over | 2 items',
        'Added after start | 2 items',
        'Removed after start | 1 item',
        'Re-estimated | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 2 (2 customers)',
      ].join('\n'),
    );
  });

  it('lists the items with links, best-scored first', () => {
    const text = docToPlainText(exact);
    expect(text).toContain('2025-03-03 – 2025-03-17\nGoal: Ship exports');
    expect(text).toContain(
      'Top delivered by priority score\n1. ABC-6 Story 6 (2 points) — score 20\n2. ABC-1 Story 1 (3 points) — score 12.5',
    );
    expect(text).toContain('Re-estimated\n- ABC-2 Story 2: 5 → 8');
    expect(text).toContain('Bugs fixed\n- ABC-4 Export crashes (1 point)');
    expect(text).toContain(
      'Customer impact\n- ABC-1 Story 1 (3 points): SUP-1, SUP-2\n- ABC-3 Story 3 (2 points): SUP-2',
    );
    const lists = exact.blocks.filter(
      (b): b is Extract<Block, { type: 'bulletList' }> => b.type === 'bulletList',
    );
    expect(lists[0]?.items[0]?.[0]).toEqual({
      text: 'ABC-1',
      href: 'https://example.atlassian.net/browse/ABC-1',
    });
  });

  it('leaves the lines of items a reader may not see out of every list, and keeps the figures whole', () => {
    const stats = summarizeSprint({ ...common, snapshot: snapshotScope(sprint, atStart, estimateOf) });
    const keys = listedItems(stats).map((ref) => ref.key);
    expect(keys).toContain('ABC-1');
    expect(new Set(keys).size).toBe(keys.length);

    const text = docToPlainText(
      renderSprintSummary(stats, { title, shows: (item) => item.ref.key !== 'ABC-1' }),
    );
    expect(text).not.toContain('Story 1');
    expect(text).toContain('ABC-6 Story 6');
    expect(text).toContain('Customer impact\n- ABC-3 Story 3 (2 points): SUP-2');
    expect(text).toContain('Completed | 4 items, 8 points');
  });

  it('marks reconstructed figures with ≈ and says why', () => {
    const text = docToPlainText(approximate);
    expect(text).toContain('Committed | ≈ 5 items, 14 points');
    expect(text).toContain('Completion rate | ≈ 43% of committed points');
    expect(text).toContain('Added after start | ≈ 2 items');
    expect(text).toContain('Completed | 4 items, 8 points');
    expect(text).toContain('Re-estimated | 1 item');
    expect(text).toContain('Added after start ≈\n- ABC-6');
    expect(text).toMatch(/≈ No scope snapshot was taken when the sprint started/);
  });

  it('leaves out what a Trello window does not have', () => {
    const stats = summarizeSprint({ ...common, snapshot: snapshotScope(sprint, atStart, estimateOf) });
    const { committed: _c, completionRate: _r, removed: _x, reEstimated: _e, ...windowStats } = stats;
    const text = docToPlainText(renderSprintSummary(windowStats, { title: 'Weeks 10–11 summary' }));
    expect(text).not.toMatch(/Committed|Completion rate|Removed|Re-estimated/);
    expect(text).toContain('Created in window | 2 items');
  });
});
