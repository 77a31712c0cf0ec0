import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { type TrackerName, TrackerNameSchema } from '../../../domain/events.ts';
import { oneLine } from '../../../domain/one-line.ts';
import {
  type ItemBrief,
  type SuggestionView,
  TRIAGE_PAGE_SIZE,
  type TriagePage,
  type TriageQuery,
  TriageQuerySchema,
  type TriageTicket,
} from '../../../read-model/read-model.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { externalLink, type Html, html, isolate } from '../html.ts';
import { actionForm, CONSOLE_PREFIX, type PageFrame } from '../layout.ts';
import {
  consolePath,
  itemPath,
  lastPageOffset,
  notice,
  pager,
  returnTo,
  trackerLink,
  when,
  withQuery,
} from './common.ts';

const PATH = `${CONSOLE_PREFIX}/triage`;
/** Suggestions shown per ticket: the rest are rarely right. */
const TOP = 3;

/**
 * The notice after an answer names the ticket and the item it was about, looked up in the read model by the ids
 * the redirect carries, so no text a person typed (or a link someone crafted) is reflected.
 */
const DONE = {
  confirmed: {
    did: 'Link confirmed',
    next: 'The job is queued and the ticket leaves the inbox once it ran.',
  },
  rejected: { did: 'Suggestion rejected', next: "It won't be suggested again." },
  'no-match': { did: 'Marked as no match', next: 'The ticket leaves the inbox.' },
} as const;
type Done = keyof typeof DONE;
/** Titles in the notice: tracker text of any length, cut to what one line beside the key shows. */
const NOTICE_TITLE = 60;
/** `tracker:id` of a ticket or item in the redirect's query. */
const RefParam = Type.String({ pattern: '^(jira|trello):.+$', maxLength: 300 });
const parseRef = (param: string) => {
  const at = param.indexOf(':');
  return { tracker: param.slice(0, at) as TrackerName, id: param.slice(at + 1) };
};
const refParam = (ref: Pick<ItemBrief, 'tracker' | 'id'>) => `${ref.tracker}:${ref.id}`;

const named = (brief: ItemBrief) => html`${brief.key} ${isolate(oneLine(brief.title, NOTICE_TITLE))}`;

function doneNotice(done: Done, ticket: TriageTicket | undefined, item: string | undefined): Html {
  const { did, next } = DONE[done];
  if (!ticket) return html`${did}. ${next}`;
  const answered = ticket.suggestions.find((s) => refParam(s.item) === item)?.item;
  return html`${did}: ${answered ? html`${named(answered)} for ` : ''}${named(ticket)}. ${next}`;
}

/**
 * Single-key shortcuts fire on a key pressed by mistake or a word of speech input (WCAG 2.1.4): a person may turn
 * them off. The setting is kept in this cookie, per browser, and the page renders it for the script to read. It is
 * changed by a form's POST, with its CSRF token: a link (in a chat, an image's address) cannot change it.
 */
const KEYS_COOKIE = 'refinery_triage_keys';
const KEYS_COOKIE_SECONDS = 365 * 24 * 3600;
const KeysSettingSchema = Type.Union([Type.Literal('on'), Type.Literal('off')]);
type KeysSetting = Static<typeof KeysSettingSchema>;
const KEYS_PATH = `${PATH}/keys`;

/** A suggested item may live in the other tracker (a Trello card for a Jira ticket): its form names both. */
const itemFields = (item: SuggestionView['item']) => ({ item: item.id, itemTracker: item.tracker });

/** The id of a ticket's heading: the fragment an answer returns to. */
const anchor = (ticket: TriageTicket) => `t-${ticket.tracker}-${ticket.id}`;

/**
 * `page`: the inbox page the ticket is shown on; `following`: the ticket after it there. An answer brings the
 * person back to that page, at the ticket they go on with: the same one while it keeps suggestions to answer,
 * else the following one (a confirmed ticket still shows until its job ran).
 */
function ticketHtml(frame: PageFrame, ticket: TriageTicket, page: string, following?: TriageTicket): Html {
  const editor = frame.user.role === 'editor';
  const ticketFields = { tracker: ticket.tracker, ticket: ticket.id };
  // Rejected suggestions are never offered again; confirmed ones take the ticket out of the inbox.
  const pending = ticket.suggestions.filter((s) => s.state === 'pending');
  const here = `${page}#${anchor(ticket)}`;
  const onwards = `${page}#${anchor(following ?? ticket)}`;
  const suggestions = pending.slice(0, TOP).map(
    (s, index) => html`<li class="suggestion"${index === 0 ? html` data-top="true"` : ''}>
<div class="what"><a href="${itemPath(s.item)}">${s.item.key}</a> ${isolate(s.item.title)}
<span class="confidence">${Math.round(s.confidence * 100)} %</span>
${s.sharedTerms.length > 0 ? html`<span class="terms">matched: ${s.sharedTerms.map((term, i) => html`${i > 0 ? ', ' : ''}<mark>${term}</mark>`)}</span>` : ''}
${s.via ? html`<span class="via">worded like ${externalLink(s.via.url, s.via.key)}, already linked to it</span>` : ''}</div>
${
  editor
    ? html`<div class="buttons">${actionForm(
        frame,
        `${PATH}/confirm`,
        { ...ticketFields, ...itemFields(s.item), back: onwards },
        html`<button type="submit" class="primary" data-action="confirm-link">Confirm<span class="sr-only"> ${s.item.key} for ${ticket.key}</span></button>`,
      )}${actionForm(
        frame,
        `${PATH}/reject`,
        { ...ticketFields, ...itemFields(s.item), back: pending.length > 1 ? here : onwards },
        html`<button type="submit" data-action="reject-link">Not this one<span class="sr-only">: ${s.item.key} for ${ticket.key}</span></button>`,
      )}</div>`
    : ''
}
</li>`,
  );
  return html`<article class="ticket" data-ticket-key="${ticket.key}" aria-labelledby="${anchor(ticket)}">
<h2 id="${anchor(ticket)}">${trackerLink(ticket)}</h2>
<p class="meta">${isolate(ticket.containerName)}${ticket.customer ? html` · customer ${isolate(ticket.customer)}` : ''} · filed ${when(ticket.createdAt)}</p>
${pending.length > 0 ? html`<ol class="suggestions">${suggestions}</ol>` : html`<p class="empty">Every suggestion was rejected.</p>`}
${
  editor
    ? actionForm(
        frame,
        `${PATH}/no-match`,
        { ...ticketFields, back: onwards },
        html`<button type="submit" data-action="no-match">No match<span class="sr-only"> for ${ticket.key}</span></button>`,
      )
    : ''
}
</article>`;
}

function triageView(
  frame: PageFrame,
  page: TriagePage,
  limit: number | undefined,
  done: Html | undefined,
  keysOn: boolean,
): Html {
  const at = (offset: number) => withQuery(PATH, { offset: offset || undefined, limit });
  const setKeys = (keys: KeysSetting, label: string) =>
    actionForm(
      frame,
      KEYS_PATH,
      { keys, back: at(page.offset) },
      html`<button type="submit">${label}</button>`,
    );
  const previous = page.offset > 0 ? at(Math.max(0, page.offset - page.limit)) : undefined;
  const next = page.nextOffset !== undefined ? at(page.nextOffset) : undefined;
  const shown =
    page.tickets.length < page.total
      ? `; ${page.offset + 1}–${page.offset + page.tickets.length} on this page`
      : '';
  const editor = frame.user.role === 'editor';
  const keys = keysOn
    ? html`Keyboard: <kbd>j</kbd>/<kbd>k</kbd> move between tickets${editor ? html`, <kbd>y</kbd> confirms the top suggestion, <kbd>n</kbd> rejects it` : ''}. ${setKeys('off', 'Turn these keys off')}`
    : html`Single-key shortcuts are off. ${setKeys('on', 'Turn them on')}`;
  const hint = html`<div class="hint">${editor ? '' : 'You can read the inbox; confirming links needs the editor role. '}${keys}</div>`;
  return html`${notice(done, true)}
<p class="summary">${page.total} support ticket${page.total === 1 ? '' : 's'} with suggestions and no confirmed link, newest first${shown}.</p>
${hint}
${page.tickets.length === 0 ? html`<p class="empty">The inbox is empty.</p>` : html`<div class="inbox" data-keys="${keysOn ? 'on' : 'off'}">${page.tickets.map((t, i) => ticketHtml(frame, t, at(page.offset), page.tickets[i + 1]))}</div>`}
${pager(previous, next)}`;
}

const LinkBody = Type.Object({
  tracker: TrackerNameSchema,
  ticket: Type.String({ minLength: 1, maxLength: 200 }),
  item: Type.String({ minLength: 1, maxLength: 200 }),
  /** The item's tracker; a form rendered before it was sent names an item of the ticket's tracker. */
  itemTracker: Type.Optional(TrackerNameSchema),
  /** The inbox page and ticket to return to; a form rendered before it was sent names none (the first page). */
  back: Type.Optional(Type.String({ maxLength: 2000 })),
});
const TicketBody = Type.Object({
  tracker: TrackerNameSchema,
  ticket: Type.String({ minLength: 1, maxLength: 200 }),
  back: Type.Optional(Type.String({ maxLength: 2000 })),
});

export function registerTriage(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/triage',
    {
      schema: {
        querystring: Type.Object(
          {
            ...TriageQuerySchema.properties,
            done: Type.Optional(Type.Union(Object.keys(DONE).map((k) => Type.Literal(k)))),
            ticket: Type.Optional(RefParam),
            item: Type.Optional(RefParam),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { done, ticket, item, ...query } = request.query as TriageQuery & {
        done?: Done;
        ticket?: string;
        item?: string;
      };
      const keysOn = request.cookies[KEYS_COOKIE] !== 'off';
      const page = await context.readModel.triage(query);
      // The page's own links name a page size only when the person chose one (the schema fills in the default).
      const limit = query.limit === TRIAGE_PAGE_SIZE ? undefined : query.limit;
      // Past the end (its tickets handled meanwhile, or an old link): the last page, not "The inbox is empty".
      if (page.tickets.length === 0 && page.offset > 0 && page.total > 0) {
        const offset = lastPageOffset(page.total, page.limit) || undefined;
        return reply.redirect(withQuery(PATH, { offset, limit, done, ticket, item }), 303);
      }
      const about = done && ticket ? await context.readModel.triageTicket(parseRef(ticket)) : undefined;
      return context.page(request, reply, '/triage', 'Triage', (frame) =>
        triageView(frame, page, limit, done && doneNotice(done, about, item), keysOn),
      );
    },
  );

  const linkActions = [
    { path: '/triage/confirm', act: context.actions.confirmLink, done: 'confirmed' },
    { path: '/triage/reject', act: context.actions.rejectLink, done: 'rejected' },
  ] as const;
  for (const { path, act, done } of linkActions) {
    scope.post(path, { schema: { body: LinkBody } }, async (request, reply) => {
      context.requireEditor(request);
      const body = request.body as Static<typeof LinkBody>;
      const ticket = { tracker: body.tracker, id: body.ticket };
      const item = { tracker: body.itemTracker ?? body.tracker, id: body.item };
      await act(ticket, item, context.person(request));
      return reply.redirect(
        returnTo(body.back, PATH, { done, ticket: refParam(ticket), item: refParam(item) }),
        303,
      );
    });
  }

  // Viewers too: j and k move through the inbox they read.
  scope.post(
    KEYS_PATH.slice(CONSOLE_PREFIX.length),
    { schema: { body: Type.Object({ keys: KeysSettingSchema, back: TicketBody.properties.back }) } },
    async (request, reply) => {
      const { keys, back } = request.body as { keys: KeysSetting; back?: string };
      reply.setCookie(KEYS_COOKIE, keys, {
        ...context.cookieOptions,
        signed: false,
        maxAge: KEYS_COOKIE_SECONDS,
      });
      return reply.redirect(consolePath(back, PATH), 303);
    },
  );

  scope.post('/triage/no-match', { schema: { body: TicketBody } }, async (request, reply) => {
    context.requireEditor(request);
    const body = request.body as Static<typeof TicketBody>;
    const ticket = { tracker: body.tracker, id: body.ticket };
    await context.actions.noMatch(ticket, context.person(request));
    return reply.redirect(returnTo(body.back, PATH, { done: 'no-match', ticket: refParam(ticket) }), 303);
  });
}
