import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AuditEntrySchema } from '../../../audit/audit-entry.ts';
import {
  AUDIT_CURSOR_PATTERN,
  cursorAfter,
  formatAuditCursor,
  parseAuditCursor,
} from '../../../audit/audit-store.ts';
import { notUndoable, UndoInterrupted, undoEntries } from '../../../audit/undo.ts';
import { TrackerNameSchema } from '../../../domain/events.ts';
import { TrackerError } from '../../../errors.ts';
import { HttpError } from '../../errors.ts';
import type { AdminActionContext } from '../actions/admin-action.ts';
import { IdParams, responses, SECURED } from '../schemas.ts';

const UndoResultSchema = Type.Object({
  undone: Type.String({ description: 'Id of the entry whose before-values were restored' }),
  dryRun: Type.Boolean(),
  restored: Type.Array(Type.Object({ id: Type.String(), operation: Type.String() })),
  failed: Type.Array(Type.Object({ id: Type.String(), operation: Type.String(), reason: Type.String() })),
});

export function registerAuditRoutes(
  app: FastifyInstance,
  context: (request: FastifyRequest) => AdminActionContext,
): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];

  admin.get(
    '/audit',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Writes to trackers (and dry-run plans), newest first',
        querystring: Type.Object({
          tracker: Type.Optional(TrackerNameSchema),
          item: Type.Optional(Type.String({ minLength: 1, description: 'Item id or key; needs tracker' })),
          capability: Type.Optional(Type.String({ minLength: 1 })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          until: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          cursor: Type.Optional(
            Type.String({
              pattern: AUDIT_CURSOR_PATTERN,
              description: 'The `next` of the page before: the entries after it, none skipped or repeated',
            }),
          ),
        }),
        response: responses({
          200: Type.Object({
            entries: Type.Array(AuditEntrySchema),
            next: Type.Optional(
              Type.String({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const { tracker, item, capability, since, until, limit, cursor } = request.query;
      if (item && !tracker) throw new HttpError(400, 'querystring/item needs querystring/tracker');
      const entries = await context(request).audit.list({
        item: item && tracker ? { tracker, idOrKey: item } : undefined,
        capability,
        since: since ? new Date(since) : undefined,
        until: until ? new Date(until) : undefined,
        after: cursor ? parseAuditCursor(cursor) : undefined,
        limit: limit + 1,
      });
      const page = entries.slice(0, limit);
      const last = page.at(-1);
      return {
        entries: page,
        next: entries.length > limit && last ? formatAuditCursor(cursorAfter(last)) : undefined,
      };
    },
  );

  admin.get(
    '/audit/:id',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'One audit entry',
        params: IdParams,
        response: responses({ 200: AuditEntrySchema }),
      },
    },
    async (request) => {
      const entry = await context(request).audit.get(request.params.id);
      if (!entry) throw new HttpError(404, `No audit entry ${request.params.id}`);
      return entry;
    },
  );

  admin.post(
    '/audit/:id/undo',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Restore the before-values of one recorded write (itself audited)',
        params: IdParams,
        body: Type.Optional(
          Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        ),
        response: responses({ 200: UndoResultSchema }),
      },
    },
    async (request) => {
      const ctx = context(request);
      const { id } = request.params;
      const entry = await ctx.audit.get(id);
      if (!entry) throw new HttpError(404, `No audit entry ${id}`);
      const refused = notUndoable(entry);
      if (refused) throw new HttpError(409, refused);
      const dryRun = request.body?.dryRun === true || ctx.config.dryRun;
      const tracker = ctx.auditedTracker(entry.item.tracker, { dryRun, command: `undo ${id}` });
      try {
        const result = await undoEntries([entry], {
          tracker,
          audit: ctx.audit,
          dryRun,
          undoneBy: ctx.requestId,
        });
        return { undone: id, dryRun, ...result };
      } catch (error) {
        if (!(error instanceof UndoInterrupted)) throw error;
        // One write, not restored: asking again is safe (a value already back is left as it is, and counts).
        const cause = error.cause as Error;
        const waitMs = cause instanceof TrackerError ? cause.retryAfterMs : undefined;
        const seconds = waitMs === undefined ? 5 : Math.max(1, Math.ceil(waitMs / 1000));
        throw new HttpError(
          503,
          `The tracker cannot take the write now, nothing was restored: retry in ${seconds} s (${cause.message})`,
          { 'retry-after': String(seconds) },
        );
      }
    },
  );
}
