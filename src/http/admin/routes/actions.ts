import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AdminAction, AdminActionContext } from '../actions/admin-action.ts';
import type { AdminContext } from '../admin-deps.ts';
import { responses, SECURED } from '../schemas.ts';

const tags = ['actions'];

/** `POST /admin/actions/<name>` for each action, and the rules reload (which answers 400 with every problem). */
export function registerActionRoutes(
  app: FastifyInstance,
  context: AdminContext,
  actions: readonly AdminAction[],
  actionContext: (request: FastifyRequest) => AdminActionContext,
): void {
  for (const action of actions) {
    app.post(
      `/actions/${action.name}`,
      {
        schema: {
          tags,
          security: SECURED,
          summary: action.summary,
          body: action.body,
          response: responses({ [action.status]: action.response }),
        },
      },
      async (request, reply) => {
        const result = await action.run(request.body, actionContext(request));
        return reply.status(action.status).send(result);
      },
    );
  }

  app.post(
    '/actions/reload-rules',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Re-read and validate the rules file; invalid rules are refused and the old ones kept',
        response: responses({
          200: Type.Object({
            reloaded: Type.Literal(true),
            /** Processes told of the reload: every API and worker, this one included (it reloaded already). */
            processesTold: Type.Integer({ minimum: 0 }),
          }),
          400: Type.Object({
            error: Type.String(),
            message: Type.String(),
            // Absent when the request itself was refused (bad JSON) rather than the rules file.
            problems: Type.Optional(Type.Array(Type.String())),
          }),
        }),
      },
    },
    async (request, reply) => {
      const result = await context.reloadRules();
      if (result.ok) return { reloaded: true as const, processesTold: result.told ?? 0 };
      request.log.info({ problems: result.problems.length }, 'Rules reload refused');
      return reply.status(400).send({
        error: 'Bad Request',
        message: `The rules file is invalid (${result.problems.length} problem(s)); the previous rules stay in force`,
        problems: result.problems,
      });
    },
  );
}
