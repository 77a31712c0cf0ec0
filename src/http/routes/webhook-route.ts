import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { Static, TSchema } from 'typebox';
import type { TrackerName } from '../../domain/events.ts';
import { planJobs } from '../../domain/plan-jobs.ts';
import type { Intake } from '../../queue/intake.ts';
import type { Rules } from '../../rules/rules-schema.ts';
import { compileValidator } from '../../schema/validate.ts';
import type { Normalized } from '../../trackers/normalized.ts';
import type { OwnLinkMemo } from '../../trackers/own-links.ts';
import { HttpError } from '../errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan, TOO_DEEP } from '../plugins/bounded-json.ts';
import { useRawJsonBody } from '../plugins/raw-json-body.ts';

/** What differs between trackers on the intake path; everything else is this one pipeline. */
export interface WebhookSource<S extends TSchema> {
  tracker: TrackerName;
  path: string;
  /** Why the route answers 404, when the tracker is not configured. */
  unconfigured?: string;
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): boolean;
  schema: S;
  /** Stable across the sender's retries of one delivery. */
  deliveryKey(body: Static<S>, headers: IncomingHttpHeaders, rawBody: Buffer): string;
  /** What must be equal for two deliveries with one key to be copies (default: the raw bytes). */
  content?(body: Static<S>): string;
  /** When the sender says it sent the delivery (ms since epoch), if the body says. */
  sentAt?(body: Static<S>): number | undefined;
  normalize(body: Static<S>, deliveryKey: string): Normalized;
}

export interface WebhookDeps {
  intake: Intake;
  rules: () => Rules;
  /** The service's own account on each tracker, once learned: its events are dropped. */
  selfId: (tracker: TrackerName) => string | undefined;
  /** Links the service made lately: Jira's link events name no actor, so their echoes are known by the pair. */
  ownLinks?: OwnLinkMemo;
  /** How comments mention the service account, so commands addressed to it are planned. */
  selfMentions?: (tracker: TrackerName) => readonly string[];
  onOutcome?: (tracker: TrackerName, outcome: string) => void;
  /**
   * Deliveries the body dates older than this are answered 200 and ignored: past the dedupe record's lifetime a
   * captured delivery could otherwise be replayed into a second effect. Off when absent.
   */
  maxDeliveryAgeMs?: number;
  now?: () => number;
}

const UNAUTHORIZED = 'Signature missing or invalid';

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new HttpError(400, TOO_DEEP);
  try {
    return secureJson.parse(text, undefined, {
      protoAction: 'error',
      constructorAction: 'error',
    });
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? error.message : 'forbidden property name (__proto__ or constructor)';
    throw new HttpError(400, `Body is not acceptable JSON: ${reason}`);
  }
}

/** The age of a delivery older than allowed (undefined: fresh, undated, or no limit set). */
function staleness(sentAt: number | undefined, deps: WebhookDeps): number | undefined {
  if (deps.maxDeliveryAgeMs === undefined || sentAt === undefined) return undefined;
  const ageMs = (deps.now ?? Date.now)() - sentAt;
  return ageMs > deps.maxDeliveryAgeMs ? ageMs : undefined;
}

/** verify → parse → validate → normalize → drop own events → plan → enqueue → 202 (503 if Redis cannot take it). */
export function registerWebhookRoute<S extends TSchema>(
  app: FastifyInstance,
  source: WebhookSource<S>,
  deps: WebhookDeps,
) {
  const check = compileValidator(source.schema, { label: (path) => `body${path}` });
  const count = (outcome: string) => deps.onOutcome?.(source.tracker, outcome);

  app.register(async (scope) => {
    useRawJsonBody(scope);
    scope.post(source.path, async (request: FastifyRequest, reply: FastifyReply) => {
      if (source.unconfigured) {
        count('unconfigured');
        throw new HttpError(404, source.unconfigured);
      }
      const raw = request.rawBody ?? Buffer.alloc(0);
      if (!source.verify(raw, request.headers)) {
        count('bad_signature');
        throw new HttpError(401, UNAUTHORIZED);
      }
      const validated = check(parseJson(raw));
      if (!validated.ok) {
        count('invalid');
        throw new HttpError(400, `Invalid ${source.tracker} delivery: ${validated.problems.join('; ')}`);
      }
      const deliveryKey = source.deliveryKey(validated.value, request.headers, raw);
      // No child logger per request: creating one (with redaction) costs more than the rest of the intake.
      const log = request.log;
      const staleMs = staleness(source.sentAt?.(validated.value), deps);
      if (staleMs !== undefined) {
        count('ignored');
        log.warn(
          { deliveryId: deliveryKey, ageMs: staleMs },
          'Stale delivery ignored (older than the dedupe window)',
        );
        return reply.status(200).send({ ignored: 'stale delivery, older than the dedupe window' });
      }
      const result = source.normalize(validated.value, deliveryKey);
      if (result.kind === 'ignored') {
        count('ignored');
        log.debug({ deliveryId: deliveryKey, reason: result.reason }, 'Delivery ignored');
        return reply.status(200).send({ ignored: result.reason });
      }
      const { event } = result;
      const ownLink =
        (event.kind === 'link.created' || event.kind === 'link.deleted') &&
        (await deps.ownLinks?.recent(source.tracker, event.item.id, event.target.id));
      if (event.actor.id === deps.selfId(source.tracker) || ownLink) {
        count('own_event');
        return reply.status(200).send({ ignored: 'caused by the service itself' });
      }
      const jobs = planJobs(event, deps.rules(), undefined, deps.selfMentions?.(source.tracker));
      const bodyHash = createHash('sha256')
        .update(source.content?.(validated.value) ?? raw)
        .digest('hex');
      let outcome: Awaited<ReturnType<Intake['accept']>>;
      try {
        outcome = await deps.intake.accept(deliveryKey, jobs, {
          bodyHash,
          onReuse: (storedHash) =>
            log.warn(
              { deliveryId: deliveryKey, bodyHash, storedHash },
              'Delivery id reused with a different body',
            ),
        });
      } catch (error) {
        count('unavailable');
        log.warn(
          { err: { message: (error as Error).message } },
          'Queue unavailable, asking the tracker to retry',
        );
        throw new HttpError(503, 'Queue unavailable, retry later', { 'retry-after': '5' });
      }
      count(outcome);
      if (outcome === 'duplicate') return reply.status(200).send({ duplicate: true, eventId: deliveryKey });
      log.info(
        { kind: event.kind, item: 'item' in event ? event.item.key : undefined, jobs: jobs.length },
        'Delivery accepted',
      );
      return reply.status(202).send({ eventId: deliveryKey, jobs: jobs.map((job) => job.name) });
    });
  });
}
