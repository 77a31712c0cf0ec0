import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { isValidJiraSignature } from '../../src/trackers/jira/jira-signature.ts';

/**
 * Reference points for the intake benchmark, in their own process like the API: a bare Fastify route that
 * verifies the same HMAC and does one Redis LPUSH per request (`lpush`: of the delivery id, which keeps nothing a
 * worker could act on; `lpush-delivery`: of the raw body, the cheapest route that holds the delivery before its
 * 202), and one doing one plain BullMQ `add`.
 */
const [mode = 'lpush', port = '0', redisUrl = '', secret = ''] = process.argv.slice(2);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('baseline', { connection: redis, prefix: '{baseline}' });
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);
let counter = 0;
app.post('/webhooks/jira', async (request, reply) => {
  const raw = request.body as Buffer;
  if (!isValidJiraSignature(raw, request.headers['x-hub-signature'] as string, [secret]))
    return reply.status(401).send();
  const id = String(request.headers['x-atlassian-webhook-identifier'] ?? ++counter);
  if (mode === 'lpush') await redis.lpush('baseline:deliveries', id);
  else if (mode === 'lpush-delivery') await redis.lpush('baseline:deliveries', raw);
  else await queue.add('delivery', { id }, { jobId: `d-${id}` });
  return reply.status(202).send({ eventId: id });
});
const url = await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
