import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../src/domain/linking/prng.ts';
import { rescoreScopeRequest } from '../../src/domain/scoring/plan-scoring.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { createIntake } from '../../src/queue/intake.ts';
import { type Stack, stackQueue, waitFor, waitUntilIdle } from './stack.ts';

/**
 * A backlog a new user can look at in the console, processed by the real service: real bug reports from the
 * public Apache Jira (the linking dev set, when it is on this machine) plus written stories, a service desk whose
 * customers file tickets that duplicate some of them, and sprints run start to close on a board. Items are
 * seeded silently and then scored, checked and indexed by the admin API's own re-score and backfill jobs (the
 * rebuild path); tickets and sprints happen as people's actions, so every webhook, job and write is real.
 */

const SERVICE = { id: 'demo', displayName: 'backlog-refinery demo' };
const DESCRIPTION_CHARS = 700;
const BUGS = 220;
const TICKETS = 36;
const SPRINTS = 5;

interface DevDoc {
  id: string;
  title: string;
  description: string;
  relevant?: string[];
}

const STORIES: [string, string, string[]][] = [
  [
    'Export invoices as PDF',
    'an accountant',
    ['Given an invoice, when I export it, then a PDF with every line item is downloaded'],
  ],
  [
    'Saved filters on the issue list',
    'a product manager',
    ['Given a filter I saved, when I open the list, then the filter is applied'],
  ],
  ['Dark mode for the dashboard', 'a night-shift operator', ['The dashboard should look nice in the dark']],
  [
    'Bulk edit of user roles',
    'an administrator',
    ['Given 50 selected users, when I change their role, then all 50 have the new role'],
  ],
  [
    'Single sign-on with Okta',
    'an IT admin',
    ['Given an Okta account, when I sign in, then no password is asked'],
  ],
  [
    'Slack notifications for failed builds',
    'a developer',
    ['Given a failed build, when it fails, then the channel gets one message with the log link'],
  ],
  [
    'Audit log export as CSV',
    'a compliance officer',
    ['Given a date range, when I export, then every event in the range is in the file'],
  ],
  [
    'Two-factor authentication by app',
    'a security-minded user',
    ['Given 2FA is on, when I sign in, then a code from my app is required'],
  ],
  ['Onboarding tour for new admins', 'a new administrator', ['The tour should be quick and easy']],
  [
    'Usage report per team',
    'a team lead',
    ['Given a month, when I open the report, then each team shows its active users'],
  ],
  [
    'Webhook retries with backoff',
    'an integrator',
    ['Given my endpoint fails, when an event is sent, then it is retried five times with growing delays'],
  ],
  [
    'Localise emails into German',
    'a customer in Germany',
    ['Given my language is German, when an email is sent, then it is in German'],
  ],
];

function readDocs(file: string): DevDoc[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DevDoc);
}

/** First paragraphs of a bug report, without the logs and stack traces that follow. */
function shorten(text: string): string {
  const kept = text
    .split(/\n\s*\n/)
    .filter((part) => !/^\s*(at |\{code|\{noformat|java\.|Caused by)/m.test(part));
  const joined = kept.join('\n\n').trim() || text;
  return joined.length > DESCRIPTION_CHARS ? `${joined.slice(0, DESCRIPTION_CHARS).trimEnd()}…` : joined;
}

function devSet(): { bugs: DevDoc[]; tickets: DevDoc[] } {
  // The data sets live in `shared/` beside the checkout (a worktree sits one level deeper).
  const base = [
    process.env.LINKING_DATA_DIR,
    path.resolve(import.meta.dirname, '../../../shared/data/linking-dev'),
    path.resolve(import.meta.dirname, '../../../../shared/data/linking-dev'),
  ].find((dir) => dir !== undefined && existsSync(path.join(dir, 'backlog.jsonl')));
  if (!base) return { bugs: [], tickets: [] };
  const backlog = readDocs(path.join(base, 'backlog.jsonl'));
  const queries = readDocs(path.join(base, 'queries.jsonl'));
  const byId = new Map(backlog.map((doc) => [doc.id, doc]));
  const random = seededRandom(18);
  // Items that support tickets duplicate first, so the triage inbox and the links have real matches.
  const matched = queries.filter((q) => q.relevant?.some((id) => byId.has(id))).slice(0, TICKETS);
  const wanted = new Map<string, DevDoc>();
  for (const query of matched)
    for (const id of query.relevant ?? []) if (byId.has(id)) wanted.set(id, byId.get(id)!);
  while (wanted.size < BUGS) {
    const doc = backlog[Math.floor(random() * backlog.length)]!;
    wanted.set(doc.id, doc);
  }
  return { bugs: [...wanted.values()], tickets: matched };
}

const CUSTOMERS = [
  ['maria', 'Maria Rossi (Acme Corp)'],
  ['kenji', 'Kenji Sato (Globex)'],
  ['olu', 'Olu Adeyemi (Initech)'],
  ['sofia', 'Sofia Lind (Umbrella Health)'],
  ['dev', 'Dev Patel (Hooli)'],
] as const;

export interface DemoBacklog {
  items: number;
  tickets: number;
  sprints: number;
}

export async function seedDemoBacklog(stack: Stack, log: (line: string) => void): Promise<DemoBacklog> {
  const { bugs, tickets } = devSet();
  const random = seededRandom(5);
  const points = () => [1, 2, 3, 5, 8][Math.floor(random() * 5)]!;
  stack.jira.seed({
    people: [
      { accountId: 'pm', displayName: 'Priya (PM)', email: 'pm@example.test' },
      ...CUSTOMERS.map(([id, name]) => ({ accountId: id, displayName: name, email: `${id}@example.test` })),
    ],
    projects: [
      { key: 'APP', name: 'Platform' },
      ...(hasProject(stack, 'HELP')
        ? []
        : [{ key: 'HELP', name: 'Customer support', projectTypeKey: 'service_desk' as const }]),
    ],
    boards: [{ name: 'Platform board', projectKey: 'APP', estimationField: 'Story Points' }],
    sprints: Array.from({ length: SPRINTS }, (_, i) => ({
      name: `Platform Sprint ${i + 1}`,
      board: 'Platform board',
    })),
    issues: [
      ...STORIES.map(([summary, who, criteria]) => ({
        projectKey: 'APP',
        summary,
        issuetype: 'Story',
        description: `As ${who} I want ${summary.toLowerCase()} so that my work gets easier.\n\nAcceptance criteria\n${criteria.map((c) => `- ${c}`).join('\n')}`,
        fields: { 'Story Points': points() },
      })),
      ...bugs.map((bug) => ({
        projectKey: 'APP',
        summary: bug.title,
        issuetype: random() < 0.8 ? 'Bug' : 'Improvement',
        priority: ['Highest', 'High', 'Medium', 'Low'][Math.floor(random() * 4)]!,
        description: shorten(bug.description),
        fields: { 'Story Points': points() },
      })),
    ],
  });
  const board = stack.trello.seedBoard({
    name: 'Mobile app',
    lists: ['Backlog', 'Doing', 'Done'],
    cards: STORIES.map(([name, who]) => ({
      list: 'Backlog',
      name: `Mobile: ${name}`,
      desc: `As ${who} I want ${name.toLowerCase()} on my phone.`,
    })),
  });
  const items = STORIES.length + bugs.length;
  log(
    `Seeded ${items} backlog items in Jira project APP and ${STORIES.length} cards on the Trello board "Mobile app".`,
  );

  const queue = stackQueue(stack);
  try {
    const intake = createIntake({
      queue,
      redis: stack.redis,
      keyPrefix: stack.queuePrefix,
      dedupeTtlSeconds: 86_400,
      retry: { attempts: 3, backoffMs: 500 },
    });
    log('Scoring, checking and indexing them (the admin API re-score and backfill jobs)...');
    const requests = [
      {
        name: 'backfill-index' as const,
        data: {
          targets: [
            { tracker: 'jira' as const, containerId: 'APP' },
            { tracker: 'trello' as const, containerId: board.id },
          ],
          requestedBy: SERVICE,
        },
      },
      rescoreScopeRequest({
        tracker: 'jira',
        scope: { kind: 'container', containerId: 'APP' },
        requestedBy: SERVICE,
        force: false,
      }),
      rescoreScopeRequest({
        tracker: 'trello',
        scope: { kind: 'container', containerId: board.id },
        requestedBy: SERVICE,
        force: false,
      }),
    ];
    // One delivery per job: job ids derive from the delivery and the job name.
    for (const [i, request] of requests.entries()) await intake.enqueue(`demo.seed.${i}`, [request]);
    await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) >= items, 600_000);
    await waitForIdle(stack);

    log(`Customers file ${tickets.length} support tickets (each matched against the backlog)...`);
    tickets.forEach((ticket, i) => {
      const [customer] = CUSTOMERS[i % CUSTOMERS.length]!;
      stack.jira.act.createIssue({
        as: customer,
        project: 'HELP',
        summary: ticket.title,
        description: shorten(ticket.description),
        issuetype: 'Task',
      });
    });

    log(`The team runs ${SPRINTS - 1} sprints and starts the next one...`);
    const backlogKeys = [...stack.jira.state.issues.values()]
      .filter((issue) => issue.key.startsWith('APP-'))
      .map((issue) => issue.key);
    const sprintIds = [...stack.jira.state.sprints.values()].map((sprint) => sprint.id);
    let next = 0;
    for (let s = 0; s < SPRINTS; s++) {
      const sprintId = sprintIds[s]!;
      const scope = backlogKeys.slice(next, next + 8);
      next += 8;
      stack.jira.act.addToSprint({ as: 'pm', sprintId, issues: scope });
      stack.jira.act.startSprint({ sprintId });
      await waitForIdle(stack);
      const finished = scope.filter(() => random() < (s === SPRINTS - 1 ? 0.3 : 0.75));
      for (const key of finished) {
        stack.jira.act.transition({ as: 'pm', issue: key, to: 'In Progress' });
        stack.jira.act.transition({ as: 'pm', issue: key, to: 'Done' });
      }
      if (s < SPRINTS - 1) {
        const added = backlogKeys.slice(next, next + 2);
        next += 2;
        stack.jira.act.addToSprint({ as: 'pm', sprintId, issues: added });
        stack.jira.act.closeSprint({ as: 'pm', sprintId, moveOpenTo: sprintIds[s + 1] });
      }
      await waitForIdle(stack);
    }
    return { items: items + STORIES.length, tickets: tickets.length, sprints: SPRINTS };
  } finally {
    await queue.close();
  }
}

function hasProject(stack: Stack, key: string): boolean {
  return [...stack.jira.state.projects.values()].some((project) => project.key === key);
}

/** Every webhook of what people did relayed and every job it caused run, retries included. */
function waitForIdle(stack: Stack): Promise<void> {
  return waitUntilIdle(stack, { delayed: true, timeoutMs: 600_000 });
}
