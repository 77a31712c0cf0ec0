import type { TrackerItem } from '../../../src/trackers/tracker.ts';

type ItemPatch = Omit<Partial<TrackerItem>, 'ref'> & { key?: string; id?: string };

/** A minimal Jira-like item; tests state only what they are about. */
export function makeItem(patch: ItemPatch = {}): TrackerItem {
  const { key = 'ABC-1', id = key.replace(/\D/g, '') || key, ...rest } = patch;
  return {
    ref: { tracker: 'jira', id, key },
    url: `https://example.atlassian.net/browse/${key}`,
    title: `Item ${key}`,
    description: '',
    status: { name: 'To Do', category: 'todo' },
    container: { id: '10000', key: 'ABC' },
    labels: [],
    fields: {},
    estimate: {},
    links: [],
    checklists: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...rest,
  };
}
