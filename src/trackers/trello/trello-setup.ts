import type { TrelloSetup } from '../../doctor/ports.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { redactUrl } from '../../logger.ts';
import { CUSTOM_FIELDS_PLUGIN } from './board-capabilities.ts';
import { getBoardFields } from './trello-api.ts';
import { createTrelloDeps } from './trello-deps.ts';
import { trelloCall } from './trello-errors.ts';
import { createNumberField } from './trello-fields.ts';
import { categorizeListName } from './trello-status.ts';
import { DEFAULT_TRELLO_API_URL, type TrelloTrackerOptions } from './trello-tracker.ts';
import { createTrelloTransport } from './trello-transport.ts';

/** The doctor's reads and repairs on Trello, through the adapter's paced transport and error boundary. */
export function createTrelloSetup(options: TrelloTrackerOptions): TrelloSetup {
  const apiUrl = (options.apiUrl ?? DEFAULT_TRELLO_API_URL).replace(/\/+$/, '');
  const client = createTrelloTransport({ ...options, apiUrl });
  const deps = createTrelloDeps(client, categorizeListName);
  const { api } = deps;
  const boardInfo = (board: { id: string; name?: string; shortLink?: string }) => ({
    id: board.id,
    name: board.name ?? board.id,
    shortLink: board.shortLink ?? '',
  });

  return {
    async serverDate() {
      const url = `${apiUrl}/members/me?fields=id&key=${encodeURIComponent(options.apiKey)}&token=${encodeURIComponent(options.apiToken)}`;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
        await response.arrayBuffer();
        return response.headers.get('date') ?? undefined;
      } catch (error) {
        const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
        throw new TrackerError(
          ErrorKind.Network,
          'trello',
          redactUrl(`${apiUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`),
          { cause: error },
        );
      }
    },
    member: () =>
      trelloCall('getMember', async () => {
        const me = await api.members.getMember({ id: 'me', fields: 'id,username' });
        return { id: me.id, username: me.username ?? '' };
      }),
    token: () =>
      trelloCall('getToken', async () => {
        const token = await api.tokens.getToken({ token: options.apiToken });
        const boards = (token.permissions ?? []).filter((p) => p.modelType === 'Board' && p.idModel === '*');
        return {
          boardsRead: boards.some((p) => p.read === true),
          boardsWrite: boards.some((p) => p.write === true),
          expires: token.dateExpires ? token.dateExpires.toISOString() : undefined,
        };
      }),
    boards: () =>
      trelloCall('getMemberBoards', async () =>
        (await api.members.getMemberBoards({ id: 'me', filter: 'open', fields: 'id,name,shortLink' })).map(
          boardInfo,
        ),
      ),
    board: (idOrShortLink) =>
      trelloCall('getBoard', async () =>
        boardInfo(await api.boards.getBoard({ id: idOrShortLink, fields: 'id,name,shortLink' })),
      ),
    customFieldsEnabled: (boardId) =>
      trelloCall('getBoardPlugins', async () => (await deps.capabilities.board(boardId)).customFieldsPowerUp),
    fields: (boardId) =>
      trelloCall('getBoardFields', async () =>
        (await getBoardFields(client, boardId)).map(({ name, type }) => ({ name, type })),
      ),
    webhooks: () =>
      trelloCall('listWebhooks', async () =>
        (await api.tokens.getTokenWebhooks({ token: options.apiToken })).map((hook) => ({
          id: hook.id,
          modelId: hook.idModel ?? '',
          callbackUrl: hook.callbackURL ?? '',
          active: hook.active ?? true,
        })),
      ),
    enableCustomFields: (boardId) =>
      trelloCall('enableBoardPlugin', async () => {
        await api.boards.enableBoardPlugin({ id: boardId, idPlugin: CUSTOM_FIELDS_PLUGIN });
      }),
    createNumberField: (boardId, name) =>
      trelloCall('createCustomField', async () => {
        await createNumberField(deps, boardId, name);
      }),
    registerWebhook: (boardId, callbackUrl) =>
      trelloCall('createWebhook', async () => {
        await api.webhooks.createWebhook({
          idModel: boardId,
          callbackURL: callbackUrl,
          description: `backlog-refinery ${boardId}`,
        });
      }),
    reactivateWebhook: (webhookId) =>
      trelloCall('updateWebhook', async () => {
        await api.webhooks.updateWebhook({ id: webhookId, active: true });
      }),
  };
}
