import { TrackerError } from '../errors.ts';
import type { ScopeRules } from '../rules/scope-rules.ts';
import { type Check, fail, pass, warn } from './checklist.ts';
import type { TrelloBoardInfo, TrelloSetup, TrelloTokenInfo, TrelloWebhookInfo } from './ports.ts';

export interface TrelloBoardFacts {
  /** As the rules name it (id or shortLink), or the board's id when the scope is every board. */
  ref: string;
  role: 'backlog' | 'support';
  board?: TrelloBoardInfo;
  error?: string;
  customFields: boolean;
  fields: { name: string; type: string }[];
}

export type TrelloFacts =
  | { reached: false; error: string }
  | { reached: true; serverDate?: string; member: { error: string } }
  | {
      reached: true;
      serverDate?: string;
      member: { id: string; username: string };
      token: TrelloTokenInfo;
      boards: TrelloBoardFacts[];
      webhooks: TrelloWebhookInfo[];
    };

export interface TrelloExpectations {
  scope: ScopeRules;
  numberFields: string[];
  /** Scoring creates missing fields itself (rules: scoring.createMissingTrelloFields). */
  createsFields: boolean;
  callbackUrl: string;
}

function boardRefs(scope: ScopeRules, all: () => Promise<TrelloBoardInfo[]>) {
  const { backlogBoards, supportBoards, ignoredBoards } = scope.trello;
  const named = [
    ...backlogBoards.map((ref) => ({ ref, role: 'backlog' as const })),
    ...supportBoards.map((ref) => ({ ref, role: 'support' as const })),
  ];
  if (backlogBoards.length > 0) return Promise.resolve(named);
  const ignored = new Set([...ignoredBoards, ...supportBoards]);
  return all().then((boards) => [
    ...named,
    ...boards
      .filter((board) => !ignored.has(board.id) && !ignored.has(board.shortLink))
      .map((board) => ({ ref: board.id, role: 'backlog' as const })),
  ]);
}

/** Reads what the checks need, through the adapter's setup port only. */
export async function gatherTrello(setup: TrelloSetup, expect: TrelloExpectations): Promise<TrelloFacts> {
  let serverDate: string | undefined;
  try {
    serverDate = await setup.serverDate();
  } catch (error) {
    return { reached: false, error: (error as Error).message };
  }
  let member: { id: string; username: string };
  try {
    member = await setup.member();
  } catch (error) {
    if (error instanceof TrackerError) return { reached: true, serverDate, member: { error: error.message } };
    throw error;
  }
  const [token, refs, webhooks] = await Promise.all([
    setup.token(),
    boardRefs(expect.scope, () => setup.boards()),
    setup.webhooks(),
  ]);
  const boards: TrelloBoardFacts[] = [];
  for (const { ref, role } of refs) {
    try {
      const board = await setup.board(ref);
      const customFields = await setup.customFieldsEnabled(board.id);
      boards.push({
        ref,
        role,
        board,
        customFields,
        fields: await setup.fields(board.id),
      });
    } catch (error) {
      if (!(error instanceof TrackerError)) throw error;
      boards.push({ ref, role, error: error.message, customFields: false, fields: [] });
    }
  }
  return { reached: true, serverDate, member, token, boards, webhooks };
}

function boardChecks(
  facts: TrelloBoardFacts,
  expect: TrelloExpectations,
  webhooks: TrelloWebhookInfo[],
): Check[] {
  const { board } = facts;
  if (!board)
    return [
      fail(
        'trello',
        `Board ${facts.ref} (${facts.role}) cannot be read: ${facts.error}`,
        `Check the board id in the rules (scope.trello), and add the token's member (Share > invite) to the board`,
      ),
    ];
  const name = `Board "${board.name}" (${board.shortLink || board.id})`;
  const checks: Check[] = [pass('trello', `${name} is reachable`)];
  if (facts.role === 'backlog' && expect.numberFields.length > 0) {
    if (!facts.customFields)
      checks.push(
        fail(
          'trello',
          `${name}: the Custom Fields power-up is off, so scores cannot be written`,
          `Open the board > Power-Ups > Custom Fields > Add (https://trello.com/b/${board.shortLink}/power-ups)`,
          { kind: 'trello.enableCustomFields', boardId: board.id, board: board.name },
        ),
      );
    const have = new Map(facts.fields.map((field) => [field.name.trim().toLowerCase(), field]));
    // Field definitions stay on the board while the power-up is off; --fix turns it on before creating any.
    for (const fieldName of expect.numberFields) {
      const field = have.get(fieldName.toLowerCase());
      if (field && field.type !== 'number')
        checks.push(
          fail(
            'trello',
            `${name}: custom field "${fieldName}" is of type ${field.type}, not Number`,
            `Rename or delete that field on the board (Custom Fields), or name another field in the rules (scoring.fields)`,
          ),
        );
      else if (!field && !expect.createsFields)
        checks.push(
          fail(
            'trello',
            `${name}: no Number custom field "${fieldName}"`,
            `Board > Custom Fields > New field: Number, named "${fieldName}" (or set scoring.createMissingTrelloFields: true in the rules)`,
            { kind: 'trello.createField', boardId: board.id, board: board.name, name: fieldName },
          ),
        );
    }
    if (facts.customFields && !checks.some((check) => check.status === 'fail'))
      checks.push(
        pass(
          'trello',
          `${name}: the score fields are there${expect.createsFields ? ' (or are created when needed)' : ''}`,
        ),
      );
  }
  const hook = webhooks.find((h) => h.modelId === board.id && h.callbackUrl === expect.callbackUrl);
  if (!hook)
    checks.push(
      fail(
        'trello',
        `${name}: no webhook calls ${expect.callbackUrl}, so the service hears nothing from it`,
        // Trello has no page for webhooks; the doctor reads .env itself, and needs no ADMIN_TOKEN to print.
        `Run \`npm run doctor -- --fix\` while the service answers at ${expect.callbackUrl}: it registers this board's webhook (Trello checks that address with a HEAD request first)`,
        {
          kind: 'trello.registerWebhook',
          boardId: board.id,
          board: board.name,
          callbackUrl: expect.callbackUrl,
        },
      ),
    );
  else
    checks.push(
      hook.active
        ? pass('trello', `${name}: webhook to ${expect.callbackUrl}`)
        : fail(
            'trello',
            `${name}: the webhook to ${expect.callbackUrl} is inactive (Trello gave up after failed deliveries)`,
            `Run \`npm run doctor -- --fix\` while the service answers at ${expect.callbackUrl}: it reactivates this webhook (Trello does not check that address then: if nothing answers, it gives up again)`,
            {
              kind: 'trello.reactivateWebhook',
              webhookId: hook.id,
              boardId: board.id,
              board: board.name,
              callbackUrl: expect.callbackUrl,
            },
          ),
    );
  return checks;
}

/** The Trello checklist from gathered facts: pure. */
export function evaluateTrello(facts: TrelloFacts, expect: TrelloExpectations): Check[] {
  if (!facts.reached)
    return [
      fail(
        'trello',
        `Trello does not answer: ${facts.error}`,
        'Check TRELLO_API_URL (https://api.trello.com/1) and that this machine reaches it (proxy, firewall)',
      ),
    ];
  if ('error' in facts.member)
    return [
      fail(
        'trello',
        `Trello refuses the key and token: ${facts.member.error}`,
        'Get the key at https://trello.com/power-ups/admin (your Power-Up > API key), then a token with the "Token" link next to it; set TRELLO_API_KEY and TRELLO_API_TOKEN',
      ),
    ];
  if (!('token' in facts)) return [];
  const checks: Check[] = [pass('trello', `Key and token work: member @${facts.member.username}`)];
  const { token } = facts;
  const authorize =
    'Make a new token with read and write scope: https://trello.com/1/authorize?expiration=never&scope=read,write&response_type=token&key=<TRELLO_API_KEY>, and set TRELLO_API_TOKEN to it';
  checks.push(
    token.boardsRead && token.boardsWrite
      ? pass('trello', 'The token may read and write boards')
      : fail(
          'trello',
          `The token lacks the ${token.boardsRead ? 'write' : 'read'} scope on boards`,
          authorize,
        ),
  );
  if (token.expires)
    checks.push(
      warn('trello', `The token expires on ${token.expires}: its webhooks are deleted with it`, authorize),
    );
  if (facts.boards.length === 0)
    checks.push(
      fail(
        'trello',
        'No board is in scope: the member sees none, or the rules ignore them all',
        'Add the member to the boards, or name them in the rules (scope.trello.backlogBoards)',
      ),
    );
  for (const board of facts.boards) checks.push(...boardChecks(board, expect, facts.webhooks));
  return checks;
}
