import { afterAll, describe, expect, it } from 'vitest';
import type { ItemRef, TrackerName } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { ItemPermission, Tracker } from '../../src/trackers/tracker.ts';
import { commenterPermissions } from '../../workers/commands/permissions.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

/**
 * What a command may do for the person who wrote it: the items its answer may name or change. The commenter's
 * tracker answers for its own items (here a stand-in that grants `grants` and records what it was asked).
 */
const redis = testRedis();
afterAll(() => redis.disconnect());

const APP1: ItemRef = { tracker: 'jira', id: '10001', key: 'APP-1' };
const APP2: ItemRef = { tracker: 'jira', id: '10002', key: 'APP-2' };
const CARD: ItemRef = { tracker: 'trello', id: '5f00c0ffee', key: 'AbCd1234' };

function permissionsOf(
  answer: (refs: readonly ItemRef[]) => Set<string>,
  options: { crossTracker?: boolean } = {},
) {
  const asked: string[][] = [];
  const lines: string[] = [];
  const rules = defaultRules();
  rules.commands.crossTracker = options.crossTracker ?? false;
  const jira = {
    permittedItems: async (_account: string, refs: readonly ItemRef[], _permission: ItemPermission) => {
      asked.push(refs.map((ref) => ref.key));
      return answer(refs);
    },
  } as unknown as Tracker;
  const context = {
    keyPrefix: uniquePrefix('permissions'),
    redis,
    rules: () => rules,
    tracker: (name: TrackerName) => {
      if (name !== 'jira') throw new Error(`no ${name} account for this commenter`);
      return jira;
    },
    log: createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } }),
  } as unknown as JobContext;
  const permissions = commenterPermissions(context, 'jira', { id: 'ada', displayName: 'Ada' });
  return { permissions, asked, lines };
}

const sorted = (ids: Set<string>) => [...ids].sort();

describe("a commenter's permissions", () => {
  it('are what their tracker grants, asked once a minute per item and permission', async () => {
    const { permissions, asked } = permissionsOf(() => new Set([APP1.id]));

    expect(sorted(await permissions.permitted([APP1, APP2], 'edit'))).toEqual([APP1.id]);
    expect(sorted(await permissions.permitted([APP2, APP1], 'edit'))).toEqual([APP1.id]);
    expect(sorted(await permissions.permitted([APP1], 'browse'))).toEqual([APP1.id]);
    expect(asked).toEqual([['APP-1', 'APP-2'], ['APP-1']]);
  });

  it('leave out an item of the other tracker unless the rules allow cross-tracker commands', async () => {
    const strict = permissionsOf((refs) => new Set(refs.map((ref) => ref.id)));
    expect(sorted(await strict.permissions.permitted([APP1, CARD], 'browse'))).toEqual([APP1.id]);
    expect(await strict.permissions.permitted([CARD], 'browse')).toEqual(new Set());

    // Allowing the other tracker's items does not let through an own item the tracker denies.
    const open = permissionsOf(() => new Set([APP1.id]), { crossTracker: true });
    expect(sorted(await open.permissions.permitted([APP1, APP2, CARD], 'browse'))).toEqual(
      [CARD.id, APP1.id].sort(),
    );
    expect(sorted(await open.permissions.permitted([CARD], 'edit'))).toEqual([CARD.id]);
    // The other tracker's item is never asked about: the commenter has no account there.
    expect(open.asked).toEqual([['APP-1', 'APP-2']]);
  });

  it.each([
    ['forbidden', 'You do not have permission to check the permissions of other users.'],
    ['auth', 'Client must be authenticated to access this resource.'],
  ] as const)(
    'refuse the command when the tracker refuses the check (%s), and say so in the log',
    async (kind, message) => {
      const { permissions, lines } = permissionsOf(() => {
        throw new TrackerError(kind, 'jira', message, { status: kind === 'auth' ? 401 : 403 });
      });

      expect(await permissions.permitted([APP1], 'edit')).toEqual(new Set());
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          msg: 'Cannot check the commenter’s permissions; the command is refused',
          tracker: 'jira',
          permission: 'edit',
          err: expect.objectContaining({ message }),
        }),
      ]);
    },
  );

  it('let other failures of the check through, so the job is retried', async () => {
    const outage = new TrackerError('server', 'jira', 'Jira answered 503', { status: 503 });
    const { permissions, lines } = permissionsOf(() => {
      throw outage;
    });

    await expect(permissions.permitted([APP1], 'edit')).rejects.toBe(outage);
    await expect(
      permissionsOf(() => {
        throw new Error('socket hang up');
      }).permissions.permitted([APP1], 'edit'),
    ).rejects.toThrow('socket hang up');
    expect(lines).toEqual([]);
  });
});
