import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * One error handler: 4xx answers say what was wrong; 5xx answers say nothing about internals (no stack traces).
 * 410 is never sent: Trello deletes a webhook that answers it. A failure while Redis does not answer is that
 * outage, and says so (503), so the operator calling the admin API or a scraper knows what to wait for.
 */
export function useErrorHandler(app: FastifyInstance, isRedisReady: () => Promise<boolean>): void {
  app.setErrorHandler(async (error: FastifyError & { headers?: Record<string, string> }, request, reply) => {
    let status = error.statusCode ?? 500;
    if (status === 410 || status < 400 || status > 599) status = 500;
    if (status === 500 && !(await isRedisReady())) {
      request.log.warn({ err: { message: error.message } }, 'Redis unavailable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ error: STATUS_CODES[503], message: 'Redis unavailable, retry later' });
    }
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'Request failed');
    else request.log.info({ status, reason: error.message }, 'Request rejected');
    if (error.headers) reply.headers(error.headers);
    const message = status >= 500 && status !== 503 ? 'Internal error' : error.message;
    return reply.status(status).send({ error: STATUS_CODES[status] ?? 'Error', message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: 'Not Found', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
