import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { TSchema } from 'typebox';
import type { TrackerName } from '../../domain/events.ts';
import type { Intake, Receipt } from '../../queue/intake.ts';
import { compileValidator } from '../../schema/validate.ts';
import { bodyHash, type DeliveryFormat } from '../../trackers/deliveries.ts';
import type { OwnLinkMemo } from '../../trackers/own-links.ts';
import { HttpError } from '../errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan, TOO_DEEP } from '../plugins/bounded-json.ts';
import { useRawJsonBody } from '../plugins/raw-json-body.ts';

/** A tracker's webhook route: where it listens, how it verifies, and the format of what it receives. */
export interface WebhookSource<S extends TSchema> {
  path: string;
  /** Why the route answers 404, when the tracker is not configured. */
  unconfigured?: string;
  /** `url`: the request's path and query (an unsigned delivery's proof is a token in it). */
  verify(rawBody: Buffer, headers: IncomingHttpHeaders, url: string): boolean;
  format: DeliveryFormat<S>;
  /**
   * The verified signature's digest, when there is one: an HMAC of the raw body identifies the bytes as well as
   * a hash of them, and costs nothing more (a replay carries the same signature; another needs the secret).
   */
  signedDigest?(headers: IncomingHttpHeaders): string | undefined;
}

export interface WebhookDeps {
  intake: Intake;
  /** The service's own account on each tracker, once learned: its events are dropped. */
  selfId: (tracker: TrackerName) => string | undefined;
  /** Links the service made lately: Jira's link events name no actor, so their echoes are known by the pair. */
  ownLinks?: OwnLinkMemo;
  onOutcome?: (tracker: TrackerName, outcome: string) => void;
  /**
   * Deliveries the body dates older than this are answered 200 and ignored: past the dedupe record's lifetime a
   * captured delivery could otherwise be replayed into a second effect. Off when absent.
   */
  maxDeliveryAgeMs?: number;
  now?: () => number;
}

const UNAUTHORIZED = 'Signature missing or invalid';

function parseJson(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new HttpError(400, TOO_DEEP);
  try {
    return secureJson.parse(text, undefined, {
      protoAction: 'error',
      constructorAction: 'error',
    });
  } catch (error) {
    // secure-json-parse throws a SyntaxError for forbidden property names too.
    throw new HttpError(400, `Body is not acceptable JSON: ${(error as Error).message}`);
  }
}

/** The age of a delivery older than allowed (undefined: fresh, undated, or no limit set). */
function staleness(sentAt: number | undefined, deps: WebhookDeps): number | undefined {
  if (deps.maxDeliveryAgeMs === undefined || sentAt === undefined) return undefined;
  const ageMs = (deps.now ?? Date.now)() - sentAt;
  return ageMs > deps.maxDeliveryAgeMs ? ageMs : undefined;
}

/**
 * The edge stage of intake: verify → parse → validate the envelope → drop stale, ignored and own events →
 * append the raw delivery with its dedupe records (one round trip) → 202. 503 if Redis cannot take it.
 * Normalizing the text, planning and adding jobs happen in the workers (workers/intake-relay.ts).
 */
export function registerWebhookRoute<S extends TSchema>(
  app: FastifyInstance,
  source: WebhookSource<S>,
  deps: WebhookDeps,
) {
  const { format } = source;
  const { tracker } = format;
  const check = compileValidator(format.schema, { label: (path) => `body${path}` });
  const count = (outcome: string) => deps.onOutcome?.(tracker, outcome);

  app.register(async (scope) => {
    useRawJsonBody(scope);
    // Fastify's child logger per request (with redaction) cost more than the rest of intake; lines carry the
    // delivery id instead.
    scope.setChildLoggerFactory((logger) => logger);
    scope.post(source.path, async (request: FastifyRequest, reply: FastifyReply) => {
      if (source.unconfigured) {
        count('unconfigured');
        throw new HttpError(404, source.unconfigured);
      }
      const raw = request.rawBody ?? Buffer.alloc(0);
      if (!source.verify(raw, request.headers, request.url)) {
        count('bad_signature');
        throw new HttpError(401, UNAUTHORIZED);
      }
      const text = raw.toString('utf8');
      const validated = check(parseJson(text));
      if (!validated.ok) {
        count('invalid');
        throw new HttpError(400, `Invalid ${tracker} delivery: ${validated.problems.join('; ')}`);
      }
      const body = validated.value;
      const deliveryKey = format.deliveryKey(body, request.headers, raw);
      const log = request.log;
      const staleMs = staleness(format.sentAt?.(body), deps);
      if (staleMs !== undefined) {
        count('ignored');
        log.warn(
          { deliveryId: deliveryKey, ageMs: staleMs },
          'Stale delivery ignored (older than the dedupe window)',
        );
        return reply.status(200).send({ ignored: 'stale delivery, older than the dedupe window' });
      }
      const preview = format.normalize(body, deliveryKey, { readText: false });
      if (preview.kind === 'ignored') {
        count('ignored');
        log.debug({ deliveryId: deliveryKey, reason: preview.reason }, 'Delivery ignored');
        return reply.status(200).send({ ignored: preview.reason });
      }
      const { event } = preview;
      // Both Redis reads of the request path: one Redis cannot answer gets the tracker's retry, not a 500.
      const unavailable = (error: unknown) => {
        count('unavailable');
        log.warn(
          { err: { message: (error as Error).message } },
          'Queue unavailable, asking the tracker to retry',
        );
        return new HttpError(503, 'Queue unavailable, retry later', { 'retry-after': '5' });
      };
      const ownLink =
        (event.kind === 'link.created' || event.kind === 'link.deleted') &&
        (await deps.ownLinks
          ?.takeEcho(tracker, event.item.id, event.target.id, event.kind)
          .catch((error: unknown) => {
            throw unavailable(error);
          }));
      if (event.actor.id === deps.selfId(tracker) || ownLink) {
        count('own_event');
        return reply.status(200).send({ ignored: 'caused by the service itself' });
      }
      const hash = source.signedDigest?.(request.headers) ?? bodyHash(format, body, raw);
      let receipt: Receipt;
      try {
        receipt = await deps.intake.accept({
          tracker,
          deliveryKey,
          bodyHash: hash,
          body: format.stored?.(body) ?? text,
        });
      } catch (error) {
        throw unavailable(error);
      }
      if (receipt.outcome === 'accepted') {
        count('accepted');
        log.info(
          { deliveryId: deliveryKey, kind: event.kind, item: 'item' in event ? event.item.key : undefined },
          'Delivery accepted',
        );
        return reply.status(202).send({ eventId: deliveryKey });
      }
      count('duplicate');
      if (receipt.outcome === 'replay')
        log.warn(
          { deliveryId: deliveryKey, originalDeliveryId: receipt.originalKey, bodyHash: hash },
          'Delivery body already accepted under another id',
        );
      else if (receipt.storedHash !== undefined && receipt.storedHash !== hash)
        log.warn(
          { deliveryId: deliveryKey, bodyHash: hash, storedHash: receipt.storedHash },
          'Delivery id reused with a different body',
        );
      return reply.status(200).send({ duplicate: true, eventId: deliveryKey });
    });
  });
}
