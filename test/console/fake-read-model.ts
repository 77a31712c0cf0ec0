import { UnknownTarget } from '../../src/read-model/index.ts';
import type {
  ActivityEntry,
  BacklogQuery,
  BacklogRow,
  ConsoleActions,
  ConsolePerson,
  ContainerView,
  ItemDetail,
  ItemInput,
  OperationsView,
  ReadModel,
  SprintsView,
  TriageTicket,
} from '../../src/read-model/read-model.ts';

/** Titles written by someone hostile: each must come out as text. */
export const HOSTILE = {
  script: '<script>window.__pwned = 1</script>Export fails',
  img: '"><img src=x onerror="window.__pwned = 2">Login slow',
  jsUrl: 'javascript:window.__pwned=3',
} as const;

export interface ActionCall {
  action: keyof ConsoleActions;
  args: unknown[];
  by?: string;
}

const TITLES = [
  'Export reports as CSV',
  'Single sign-on with Okta',
  'Invoice PDF shows wrong VAT rate',
  'Bulk edit of user roles',
  'Dark mode for the dashboard',
  'Search results pagination is slow',
  'Calendar sync with Outlook',
  'Password reset email never arrives',
  'Audit log export for admins',
  'Mobile app crashes on photo upload',
  'Slack notifications for mentions',
  'Two-factor authentication via SMS',
];

function row(index: number): BacklogRow {
  const key = `KAN-${index + 1}`;
  const title =
    index === 0
      ? HOSTILE.script
      : index === 1
        ? HOSTILE.img
        : `${TITLES[index % TITLES.length]}${index >= TITLES.length ? ` (part ${Math.floor(index / TITLES.length) + 1})` : ''}`;
  return {
    tracker: 'jira',
    id: String(10_000 + index),
    key,
    title,
    url: index === 2 ? HOSTILE.jsUrl : `https://acme.atlassian.net/browse/${key}`,
    container: 'jira:10000',
    containerKey: 'KAN',
    containerName: 'KAN',
    type: index % 3 === 0 ? 'Bug' : 'Story',
    score: Math.round((200 - index * 1.5) * 10) / 10,
    model: 'rice',
    inputs: {
      reach: { value: 100 + index, source: 'evidence', detail: `${index} customers` },
      impact: { value: (index % 4) + 1, source: 'priority', detail: 'priority High → 4' },
      confidence: { value: 0.8, source: 'default', detail: 'default' },
      effort: { value: (index % 5) + 1, source: 'field', detail: 'Story points' },
    },
    customers: index % 4,
    acceptance:
      index % 5 === 0
        ? { status: 'fails', findings: ['missing-criteria'] }
        : { status: 'passes', findings: [] },
    scoredAt: new Date(Date.UTC(2026, 11, 1, 10, index % 60)).toISOString(),
  };
}

const compare = (sort: string) => (a: BacklogRow, b: BacklogRow) => {
  const value = (r: BacklogRow): string | number => {
    switch (sort) {
      case 'key':
        return Number(r.key.split('-')[1]);
      case 'customers':
        return r.customers;
      case 'reach':
      case 'impact':
      case 'confidence':
      case 'effort':
        return r.inputs[sort]?.value ?? 0;
      case 'scoredAt':
        return r.scoredAt;
      default:
        return r.score;
    }
  };
  const [x, y] = [value(a), value(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** An in-memory read model with the shapes of the real one: pages and their rules tested apart from the workers. */
export function createFakeReadModel(size = 120) {
  const rows = Array.from({ length: size }, (_, i) => row(i));
  const calls: ActionCall[] = [];
  const tickets: TriageTicket[] = [0, 1, 2].map((i) => ({
    tracker: 'jira',
    id: String(20_000 + i),
    key: `HELP-${i + 1}`,
    title: i === 0 ? HOSTILE.img : `Customer cannot export report ${i + 1}`,
    url: `https://acme.atlassian.net/browse/HELP-${i + 1}`,
    container: 'jira:10001',
    containerKey: 'HELP',
    containerName: 'HELP',
    customer: i === 1 ? HOSTILE.script : 'Globex',
    createdAt: new Date(Date.UTC(2026, 11, 5, 12 - i)).toISOString(),
    suggestions: [3, 4].map((k) => ({
      item: {
        tracker: 'jira',
        id: String(10_000 + k),
        key: `KAN-${k + 1}`,
        title: rows[k]!.title,
        url: rows[k]!.url,
      },
      confidence: 0.7 - k * 0.1,
      sharedTerms: ['export', 'report'],
      // HELP-3 has had KAN-5 rejected: it must not be offered again.
      state: i === 2 && k === 4 ? ('rejected' as const) : ('pending' as const),
    })),
  }));
  const containers: ContainerView[] = [
    {
      id: 'jira:10000',
      tracker: 'jira',
      key: 'KAN',
      name: 'KAN',
      role: 'backlog',
      items: size,
      failing: rows.filter((r) => r.acceptance.status === 'fails').length,
    },
    { id: 'jira:10001', tracker: 'jira', key: 'HELP', name: 'HELP', role: 'support', items: 3, failing: 0 },
  ];
  const history: ActivityEntry[] = [
    {
      change: 'job-1',
      undoable: true,
      entry: {
        id: '7',
        at: '2026-12-05T09:00:00.000Z',
        item: { tracker: 'jira', id: '10000', key: 'KAN-1' },
        operation: 'setNumberFields',
        mode: 'applied',
        context: {
          capability: 'scoring',
          jobId: 'job-1',
          deliveryId: 'd-1',
          actor: { id: 'x', displayName: HOSTILE.img },
          command: '/score impact=4',
        },
        target: {},
        before: { impact: 2 },
        after: { impact: 4 },
      },
    },
  ];

  const filtered = (query: BacklogQuery) => {
    const q = query.q?.toLowerCase();
    const found = rows.filter(
      (r) =>
        (!query.container || r.container === query.container) &&
        (!query.type || r.type === query.type) &&
        (!query.failing || r.acceptance.status === 'fails') &&
        (!query.customers || r.customers > 0) &&
        (!q || r.title.toLowerCase().includes(q)),
    );
    const sort = query.sort ?? 'score';
    const dir = query.dir ?? (sort === 'key' ? 'asc' : 'desc');
    found.sort(compare(sort));
    if (dir === 'desc') found.reverse();
    return found;
  };

  const readModel: ReadModel = {
    containers: async () => containers,
    async backlog(query) {
      const all = filtered(query);
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 50;
      const next = offset + limit;
      return {
        rows: all.slice(offset, next),
        total: all.length,
        offset,
        limit,
        nextOffset: next < all.length ? next : undefined,
      };
    },
    async *backlogRows(query) {
      yield* filtered(query);
    },
    async item({ idOrKey }): Promise<ItemDetail | undefined> {
      const found = rows.find((r) => r.key === idOrKey || r.id === idOrKey);
      if (!found) return undefined;
      return {
        row: found,
        scorecard: {
          blocks: [
            { type: 'heading', level: 3, content: [{ text: 'Priority score' }] },
            {
              type: 'paragraph',
              content: [{ text: found.title }, { text: 'evil link', href: HOSTILE.jsUrl }],
            },
          ],
        },
        acceptance: {
          status: 'fails',
          template: 'story',
          findings: [
            {
              name: 'missing-criteria',
              severity: 'error',
              message: 'No acceptance criteria',
              fix: 'Add them',
              excerpt: HOSTILE.script,
            },
          ],
        },
        tickets: [{ ...tickets[0]!, how: 'auto', confidence: 0.93 }],
        history,
      };
    },
    async triage(query) {
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 25;
      return { tickets: tickets.slice(offset, offset + limit), total: tickets.length, offset, limit };
    },
    triageTicket: async (ticket) => tickets.find((t) => t.tracker === ticket.tracker && t.id === ticket.id),
    triageCount: async () => tickets.length,
    async acceptanceHealth(container) {
      const view = containers.find((c) => c.id === container);
      if (!view) return undefined;
      return {
        container: view,
        checked: 100,
        failing: 20,
        byFinding: [{ finding: 'missing-criteria', count: 2, items: rows.slice(0, 2) }],
        weekly: Array.from({ length: 12 }, (_, w) => ({
          week: new Date(Date.UTC(2026, 8, 14 + w * 7)).toISOString().slice(0, 10),
          checked: 10,
          failing: 12 - w,
          share: (12 - w) / 20,
        })),
      };
    },
    boards: async () => [{ id: 'jira:1', tracker: 'jira', name: 'KAN board' }],
    async sprints(board): Promise<SprintsView | undefined> {
      if (board !== 'jira:1') return undefined;
      return {
        board: { id: 'jira:1', tracker: 'jira', name: 'KAN board' },
        sprints: Array.from({ length: 10 }, (_, s) => ({
          id: String(s + 1),
          name: `Sprint ${s + 1}`,
          start: new Date(Date.UTC(2026, 6, 1 + s * 14)).toISOString(),
          end: new Date(Date.UTC(2026, 6, 14 + s * 14)).toISOString(),
          figures: { committed: 10 + (s % 3), completed: 8 + (s % 4), carriedOver: 2, added: s % 3 },
          summaryText: s === 9 ? HOSTILE.script : `Sprint ${s + 1}: delivered 8 items.`,
          summaryUrl: s === 9 ? HOSTILE.jsUrl : 'https://acme.atlassian.net/browse/KAN-1',
          postedAt: new Date(Date.UTC(2026, 6, 14 + s * 14)).toISOString(),
        })),
        active: {
          sprintId: '11',
          name: 'Sprint 11',
          unit: 'items',
          points: Array.from({ length: 8 }, (_, d) => ({
            at: new Date(Date.UTC(2026, 11, 1 + d)).toISOString(),
            scope: 10 + (d > 4 ? 2 : 0),
            done: d,
          })),
        },
      };
    },
    async activity() {
      return { entries: history };
    },
    async operations(): Promise<OperationsView> {
      return {
        queue: { waiting: 1, active: 0, delayed: 2, prioritized: 0, failed: 1, completed: 40, paused: false },
        scheduled: [{ name: 'reconcile-remote-links', at: '2026-12-05T18:00:00.000Z' }],
        failedJobs: [
          { id: 'job-9', name: 'score-item', item: 'KAN-3', failedReason: HOSTILE.script, attemptsMade: 6 },
        ],
        deliveries: Array.from({ length: 24 }, (_, h) => ({
          hour: new Date(Date.UTC(2026, 11, 5, h)).toISOString(),
          outcomes: { accepted: 5 + (h % 7), duplicate: h % 3, own_event: 2 },
        })),
        rateLimits: [{ tracker: 'trello', pauses: 3, waitedMs: 4200 }],
        recentPauses: [{ tracker: 'trello', at: '2026-12-05T08:00:00.000Z', pauseMs: 1400 }],
        commandsDeclined: [
          { reason: 'app_account', counts: { jira: 2, trello: 0 } },
          { reason: 'not_board_member', counts: { jira: 0, trello: 1 } },
          { reason: 'no_edit_right', counts: { jira: 3, trello: 0 } },
          { reason: 'old_comment_edit', counts: { jira: 0, trello: 0 } },
          { reason: 'not_allowed', counts: { jira: 0, trello: 0 } },
        ],
      };
    },
  };

  const record =
    (action: keyof ConsoleActions) =>
    async (...args: unknown[]) => {
      const by = args.find((a): a is ConsolePerson => typeof a === 'object' && a !== null && 'name' in a);
      calls.push({ action, args, by: by?.name });
      return { deliveryId: 'console.test', jobIds: ['job'] };
    };
  const actions: ConsoleActions = {
    async confirmLink(ticket: ItemInput, item: ItemInput, by: ConsolePerson) {
      const index = tickets.findIndex((t) => t.id === ticket.id);
      if (index < 0)
        throw new UnknownTarget(`No support ticket ${ticket.tracker}:${ticket.id} in the read model`);
      tickets.splice(index, 1);
      return record('confirmLink')(ticket, item, by);
    },
    rejectLink: record('rejectLink'),
    noMatch: record('noMatch'),
    undo: record('undo'),
    async retryJob(id) {
      await record('retryJob')(id);
      return id === 'job-9';
    },
    async retryAllFailed() {
      await record('retryAllFailed')();
      return 1;
    },
  };
  return { readModel, actions, calls, rows, tickets };
}
