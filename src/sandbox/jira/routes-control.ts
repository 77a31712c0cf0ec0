import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Effect, type LedgerQuery, ledgerView } from '../ledger.ts';
import type { SandboxFault } from '../sandbox-part.ts';
import { guarded } from './http.ts';
import type { PersonActions } from './person-actions.ts';
import type { JiraSeed, SeedResult } from './seed.ts';

export interface ControlDeps {
  actions: PersonActions;
  seed(seed: JiraSeed): SeedResult;
  reset(): void;
  injectFault(fault: SandboxFault): void;
  dump(): unknown;
  writes(): unknown;
  ledger(): readonly Effect[];
  deliveries(): Promise<unknown>;
}

type Act<K extends keyof PersonActions> = Parameters<PersonActions[K]>[0];

/** /_sandbox/jira/*: seed, act as a person (each act sends the webhooks Jira would), faults, state and logs. */
export function controlRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const { actions } = deps;
  const act = <T>(reply: FastifyReply, run: () => T) =>
    guarded(reply, () => reply.code(200).send(run() ?? { ok: true }));

  app.post<{ Body: JiraSeed }>('/seed', (request, reply) =>
    guarded(reply, () => deps.seed(request.body ?? {})),
  );
  app.post('/reset', () => {
    deps.reset();
    return { ok: true };
  });
  app.get('/state', () => deps.dump());
  app.get('/writes', () => deps.writes());
  app.get<{ Querystring: LedgerQuery }>('/ledger', (request) => ledgerView(deps.ledger(), request.query));
  app.get('/deliveries', () => deps.deliveries());
  app.post<{ Body: SandboxFault }>('/faults', (request) => {
    deps.injectFault(request.body);
    return { ok: true };
  });

  app.post<{ Body: Act<'createIssue'> }>('/act/issues', (request, reply) =>
    act(reply, () => actions.createIssue(request.body)),
  );
  app.post<{ Params: { key: string }; Body: Omit<Act<'editIssue'>, 'issue'> }>(
    '/act/issues/:key/edit',
    (request, reply) => act(reply, () => actions.editIssue({ ...request.body, issue: request.params.key })),
  );
  app.post<{ Params: { key: string }; Body: Omit<Act<'comment'>, 'issue'> }>(
    '/act/issues/:key/comments',
    (request, reply) => act(reply, () => actions.comment({ ...request.body, issue: request.params.key })),
  );
  app.put<{ Params: { key: string; id: string }; Body: Omit<Act<'editComment'>, 'issue' | 'commentId'> }>(
    '/act/issues/:key/comments/:id',
    (request, reply) =>
      act(reply, () =>
        actions.editComment({ ...request.body, issue: request.params.key, commentId: request.params.id }),
      ),
  );
  app.post<{ Params: { key: string }; Body: Omit<Act<'transition'>, 'issue'> }>(
    '/act/issues/:key/transition',
    (request, reply) => act(reply, () => actions.transition({ ...request.body, issue: request.params.key })),
  );
  app.post<{ Params: { key: string }; Body: Omit<Act<'move'>, 'issue'> }>(
    '/act/issues/:key/move',
    (request, reply) => act(reply, () => actions.move({ ...request.body, issue: request.params.key })),
  );
  app.post<{ Params: { key: string }; Body: Omit<Act<'deleteIssue'>, 'issue'> }>(
    '/act/issues/:key/delete',
    (request, reply) => act(reply, () => actions.deleteIssue({ ...request.body, issue: request.params.key })),
  );
  app.post<{ Body: Act<'link'> }>('/act/links', (request, reply) =>
    act(reply, () => actions.link(request.body)),
  );
  app.post<{ Params: { id: string }; Body: { endDate?: string } }>(
    '/act/sprints/:id/start',
    (request, reply) =>
      act(reply, () => actions.startSprint({ ...request.body, sprintId: Number(request.params.id) })),
  );
  app.post<{ Params: { id: string }; Body: Omit<Act<'closeSprint'>, 'sprintId'> }>(
    '/act/sprints/:id/close',
    (request, reply) =>
      act(reply, () => actions.closeSprint({ ...request.body, sprintId: Number(request.params.id) })),
  );
  app.post<{ Params: { id: string }; Body: Omit<Act<'addToSprint'>, 'sprintId'> }>(
    '/act/sprints/:id/issues',
    (request, reply) =>
      act(reply, () => actions.addToSprint({ ...request.body, sprintId: Number(request.params.id) })),
  );
}
