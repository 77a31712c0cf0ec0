import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { DoctorReportSchema } from '../../../doctor/checklist.ts';
import { HttpError } from '../../errors.ts';
import type { AdminContext } from '../admin-deps.ts';
import { responses, SECURED } from '../schemas.ts';

/** GET /admin/doctor: the checklist of `npm run doctor`, run from the API process (read-only; --fix is the CLI's). */
export function registerDoctorRoute(app: FastifyInstance, context: AdminContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/doctor',
    {
      schema: {
        tags: ['setup'],
        security: SECURED,
        summary: 'Check the configuration against Redis, Jira and Trello; each failing line names its fix',
        response: responses({ 200: DoctorReportSchema }),
      },
    },
    async () => {
      if (!context.doctor) throw new HttpError(404, 'The doctor is not available in this process');
      return context.doctor();
    },
  );
}
