import type { Verdict } from '../domain/acceptance/findings.ts';
import type { ItemRef, TrackerName } from '../domain/events.ts';
import type { ScoreResult } from '../domain/scoring/types.ts';
import type { Candidate } from '../linking/index-replica.ts';
import type { RedisClient } from '../queue/connection.ts';
import {
  createReplicatedWriter,
  DEFAULT_LOG_LENGTH,
  REPLICATED_LUA,
  type ReplicatedWriter,
} from '../queue/replicated-hashes.ts';
import type { TrackerItem } from '../trackers/tracker.ts';
import { ITEM_PARTS, type ReadModelKeys, readModelKeys } from './keys.ts';
import type { BoardView, SprintRecord } from './read-model.ts';
import {
  type AcceptanceDetail,
  type AcceptancePart,
  containerIdOf,
  containerNamed,
  docId,
  keyLink,
  type ScorePart,
  safeUrl,
  scorePartOf,
  weekOf,
} from './records.ts';

// Keeps each container's acceptance counters and the week's share in step with the item's status (an empty
// container: the item is gone). Called by the scripts that write the status, so both change in one step.
const ACCEPTANCE_COUNTS = `
local function counts(statusKey, countsKey, weeklyKey, field, container, status, week)
  local touched = {}
  local function adjust(entry, by)
    local cut = string.find(entry, '|[^|]*$')
    local name, state = string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1)
    redis.call('HINCRBY', countsKey, name .. '|checked', by)
    if state == 'fails' then redis.call('HINCRBY', countsKey, name .. '|failing', by) end
    touched[name] = true
  end
  local old = redis.call('HGET', statusKey, field)
  if old then adjust(old, -1) end
  if container ~= '' then
    local entry = container .. '|' .. status
    redis.call('HSET', statusKey, field, entry)
    adjust(entry, 1)
  else
    redis.call('HDEL', statusKey, field)
  end
  for name in pairs(touched) do
    local checked = redis.call('HGET', countsKey, name .. '|checked') or '0'
    local failing = redis.call('HGET', countsKey, name .. '|failing') or '0'
    redis.call('HSET', weeklyKey, name .. '|' .. week, checked .. ' ' .. failing)
  end
end
`;

// An item's acceptance status, its verdict and the counters, in one step: a worker dying between them would leave
// the console's counts disagreeing with the item.
const ACCEPTANCE_CHECKED = `${REPLICATED_LUA}${ACCEPTANCE_COUNTS}
replicatedPut(KEYS[1], KEYS[2], KEYS[3], 'acceptance', ARGV[1], ARGV[2], ARGV[6])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
counts(KEYS[5], KEYS[6], KEYS[7], ARGV[1], ARGV[4], ARGV[5], ARGV[7])
return 1`;

// An item gone from the backlog: its parts, scorecard, verdict and its place in the counters, in one step.
const ITEM_REMOVED = `${REPLICATED_LUA}${ACCEPTANCE_COUNTS}
for i = 8, #KEYS do replicatedRemove(KEYS[i], KEYS[1], KEYS[2], ARGV[i - 4], ARGV[1], ARGV[2]) end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
counts(KEYS[5], KEYS[6], KEYS[7], ARGV[1], '', '', ARGV[3])
return 1`;

// Sets and deletes fields of a ticket, then decides whether it waits in the inbox: open, not linked, not
// dismissed, and at least one suggestion nobody has confirmed or rejected. KEYS[3..]: the sets of the items its
// suggestions name, which take the ticket in the same step.
const TRIAGE_UPDATE = `
local n = tonumber(ARGV[2])
for i = 0, n - 1 do redis.call('HSET', KEYS[1], ARGV[3 + 2 * i], ARGV[4 + 2 * i]) end
for i = 3 + 2 * n, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
for i = 3, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end
local f = redis.call('HMGET', KEYS[1], 'open', 'linked', 'nomatch', 'ids', 'created')
local waiting = false
if f[1] == '1' and f[2] ~= '1' and not f[3] and f[4] then
  for id in string.gmatch(f[4], '%S+') do
    if not redis.call('HGET', KEYS[1], 's:' .. id) then
      waiting = true
      break
    end
  end
end
if waiting then
  redis.call('ZADD', KEYS[2], tonumber(f[5]) or 0, ARGV[1])
  return 1
end
redis.call('ZREM', KEYS[2], ARGV[1])
return 0`;

// A ticket's suggestions renamed, only if they are still those read: a match that wrote others meanwhile stands.
// Which tickets wait does not depend on the names, so the inbox stays as it is.
const SUGGESTIONS_RENAMED = `
if redis.call('HGET', KEYS[1], 'suggestions') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'suggestions', ARGV[2])
return 1`;

// A summary of a sprint that is no longer active ends its burn-up, unless another sprint started meanwhile.
const SPRINT_ENDED = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('DEL', KEYS[2])
return 1`;

/** Keep the last sprints of a board (the page shows 10). */
const SPRINTS_KEPT = 20;

export interface TicketInfo {
  tracker: TrackerName;
  id: string;
  key: string;
  title: string;
  url: string;
  container: string;
  containerKey: string;
  containerName?: string;
  customer?: string;
  createdAt: string;
}

/** What the read model keeps of a match. */
export type Suggestion = Pick<Candidate, 'item' | 'confidence' | 'sharedTerms' | 'viaTicket'>;

export interface StoredSuggestion {
  item: { tracker: TrackerName; id: string; key: string; title: string; url?: string };
  confidence: number;
  sharedTerms: string[];
  /** Key of the earlier linked ticket whose words the item matched through. */
  via?: string;
  /** Its address (http(s) only), in a field of its own: a process of the release before reads `via` as text. */
  viaUrl?: string;
}

function viaFields(ticket: NonNullable<Suggestion['viaTicket']>): Pick<StoredSuggestion, 'via' | 'viaUrl'> {
  const { key, url } = keyLink(ticket);
  return { via: key, ...(url ? { viaUrl: url } : {}) };
}

/**
 * The writing side of the console's read model, used by the jobs that write the trackers, right after their
 * write, so the console is never staler than the comments. A dry run writes nothing here (callers check).
 */
export interface ReadModelWriter {
  /** The item's score, its inputs and customers; the scorecard's content for the item view. */
  scored(item: TrackerItem, result: ScoreResult): Promise<void>;
  /** The item's acceptance status; `skipped` carries the exemption. */
  checked(item: TrackerItem, verdict: Verdict, skipped?: AcceptanceDetail['skipped']): Promise<void>;
  /** The item is gone or left the backlog. */
  removed(ref: Pick<ItemRef, 'tracker' | 'id'>): Promise<void>;
  /** A support ticket was matched: its suggestions (best first), or none when it is already linked. */
  suggested(
    ticket: TrackerItem,
    customer: string | undefined,
    candidates: readonly Suggestion[],
  ): Promise<void>;
  /** The ticket is linked already (by a person in the tracker, or earlier): not for the inbox. */
  ticketLinked(ticket: TrackerItem, item?: Pick<ItemRef, 'tracker' | 'id'>): Promise<void>;
  /** The link was removed: never suggested again; `stillLinked` when the ticket has other links. */
  ticketUnlinked(
    ticket: TrackerItem,
    item: Pick<ItemRef, 'tracker' | 'id'>,
    stillLinked: boolean,
  ): Promise<void>;
  /**
   * Whether the ticket is an open support ticket: one deleted, resolved or moved out of support (to the backlog,
   * out of scope) leaves the inbox; one reopened may wait there again.
   */
  ticketOpen(ticket: Pick<ItemRef, 'tracker' | 'id'>, open: boolean): Promise<void>;
  /**
   * The item is no backlog item any more (deleted, archived, moved out of the backlog): waiting tickets stop
   * offering it (state `gone`), and one with no other suggestion left leaves the inbox. Suggested again once it is
   * back, it is offered again.
   */
  itemGone(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<void>;
  /**
   * The item is named otherwise now (a Jira move gave it a new key and address, or a security level has tickets
   * name it by key alone): every ticket whose suggestions
   * name it (waiting, resolved, dismissed or linked: one may wait again without being matched again) names it anew
   * at once, not only when matched again. Returns those tickets, whose comments may name it too.
   */
  itemRenamed(item: Pick<TrackerItem, 'ref' | 'title' | 'url'>): Promise<ItemRef[]>;
  /** A person said none of the suggestions is the ticket's item. */
  noMatch(ticket: Pick<ItemRef, 'tracker' | 'id'>, by: string): Promise<void>;
  /** A sprint's start snapshot: the burn-up's first point and the items it follows. */
  sprintStarted(board: BoardView, start: SprintStart): Promise<void>;
  /** A summary was posted; one of an active sprint adds a point to its burn-up, one of a closed sprint ends it. */
  sprintPosted(board: BoardView, record: SprintRecord, active: boolean): Promise<void>;
}

export interface SprintStart {
  sprintId: string;
  name: string;
  start?: string;
  end?: string;
  /** The committed items; `points` null when unestimated. */
  items: { tracker: TrackerName; id: string; points: number | null; done: boolean }[];
  /** The statuses of the board's Done column: what the burn-up counts done (none: the Done category). */
  doneStatuses: string[];
}

/** Items, or story points when every committed item is estimated. */
export function burnUpUnit(items: SprintStart['items']): 'points' | 'items' {
  return items.length > 0 && items.every((item) => item.points !== null) ? 'points' : 'items';
}

export function ticketInfoOf(ticket: TrackerItem, customer: string | undefined): TicketInfo {
  return {
    tracker: ticket.ref.tracker,
    id: ticket.ref.id,
    key: ticket.ref.key,
    title: ticket.title,
    url: ticket.url,
    container: containerIdOf(ticket),
    containerKey: ticket.container.key,
    ...containerNamed(ticket.container),
    ...(customer === undefined ? {} : { customer }),
    createdAt: ticket.createdAt,
  };
}

function sameApartFromTime<T extends { at: string }>(stored: string | undefined, next: T): T {
  if (!stored) return next;
  const previous = JSON.parse(stored) as T;
  return JSON.stringify({ ...previous, at: next.at }) === JSON.stringify(next) ? previous : next;
}

export function createReadModelWriter(
  redis: RedisClient,
  keyPrefix: string,
  now: () => Date = () => new Date(),
): ReadModelWriter {
  const keys: ReadModelKeys = readModelKeys(keyPrefix);
  const items: ReplicatedWriter = createReplicatedWriter(redis, keys.items);

  async function updateTicket(
    ticket: Pick<ItemRef, 'tracker' | 'id'> | string,
    set: Record<string, string>,
    remove: readonly string[] = [],
    offered: readonly string[] = [],
  ) {
    const member = typeof ticket === 'string' ? ticket : docId(ticket);
    const pairs = Object.entries(set).flat();
    await redis.eval(
      TRIAGE_UPDATE,
      2 + offered.length,
      keys.triage.ticket(member),
      keys.triage.inbox,
      ...offered.map(keys.triage.offered),
      member,
      String(pairs.length / 2),
      ...pairs,
      ...remove,
    );
  }

  const ticketFields = (ticket: TrackerItem, customer?: string) => ({
    info: JSON.stringify(ticketInfoOf(ticket, customer)),
    open: ticket.status.category === 'done' ? '0' : '1',
    created: String(Date.parse(ticket.createdAt) || 0),
  });

  /**
   * The tickets whose suggestions offer the item, with the named fields of each: those waiting in the inbox, or
   * with `everywhere` also those out of it (the item's set; tickets suggested before it was kept wait in the inbox
   * or are renamed at their next match).
   */
  async function offering(suggested: string, fields: readonly string[], everywhere = false) {
    const [waiting, offered] = await Promise.all([
      redis.zrange(keys.triage.inbox, '0', '-1'),
      everywhere ? redis.smembers(keys.triage.offered(suggested)) : [],
    ]);
    const members = [...new Set([...waiting, ...offered])];
    if (members.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const member of members) pipeline.hmget(keys.triage.ticket(member), 'ids', ...fields);
    const replies = (await pipeline.exec()) ?? [];
    return members.flatMap((member, i) => {
      const [ids, ...values] = (replies[i]?.[1] ?? []) as (string | null)[];
      return ids?.split(' ').includes(suggested) ? [{ member, values }] : [];
    });
  }

  return {
    async scored(item, result) {
      const field = docId(item.ref);
      const next = scorePartOf(item, result, now().toISOString());
      const part: ScorePart = sameApartFromTime(await items.get('score', field), next);
      await items.put('score', field, JSON.stringify(part));
      await redis.hset(keys.items.scorecards, field, JSON.stringify(result));
    },

    async checked(item, verdict, skipped) {
      const field = docId(item.ref);
      const at = now().toISOString();
      const status: AcceptancePart['status'] = skipped ? 'skipped' : verdict.ok ? 'passes' : 'fails';
      const errors = verdict.findings.filter((finding) => finding.severity === 'error');
      const next: AcceptancePart = {
        container: containerIdOf(item),
        containerKey: item.container.key,
        ...containerNamed(item.container),
        status,
        findings: status === 'fails' ? errors.map((finding) => finding.name) : [],
        at,
      };
      const part = sameApartFromTime(await items.get('acceptance', field), next);
      const detail: AcceptanceDetail = {
        template: verdict.template,
        findings: verdict.findings,
        ...(skipped ? { skipped } : {}),
        at,
      };
      const { hash, version, log, verdicts, status: statuses, counts, weekly } = keys.items;
      await redis.eval(
        ACCEPTANCE_CHECKED,
        7,
        hash('acceptance'),
        version,
        log,
        verdicts,
        statuses,
        counts,
        weekly,
        field,
        JSON.stringify(part),
        JSON.stringify(detail),
        part.container,
        status,
        String(DEFAULT_LOG_LENGTH),
        weekOf(now()),
      );
    },

    async removed(ref) {
      const { hash, version, log, scorecards, verdicts, status, counts, weekly } = keys.items;
      await redis.eval(
        ITEM_REMOVED,
        7 + ITEM_PARTS.length,
        version,
        log,
        scorecards,
        verdicts,
        status,
        counts,
        weekly,
        ...ITEM_PARTS.map(hash),
        docId(ref),
        String(DEFAULT_LOG_LENGTH),
        weekOf(now()),
        ...ITEM_PARTS,
      );
    },

    async suggested(ticket, customer, candidates) {
      const suggestions: StoredSuggestion[] = candidates.map((candidate) => {
        const url = safeUrl(candidate.item.url);
        return {
          item: {
            tracker: candidate.item.ref.tracker,
            id: candidate.item.ref.id,
            key: candidate.item.ref.key,
            title: candidate.item.title,
            ...(url ? { url } : {}),
          },
          confidence: candidate.confidence,
          sharedTerms: candidate.sharedTerms,
          ...(candidate.viaTicket ? viaFields(candidate.viaTicket) : {}),
        };
      });
      const ids = candidates.map((candidate) => docId(candidate.item.ref));
      // Matched now, so in the backlog now: one that had left it (and come back) is offered again.
      const states =
        ids.length > 0
          ? await redis.hmget(keys.triage.ticket(docId(ticket.ref)), ...ids.map((id) => `s:${id}`))
          : [];
      const back = ids.filter((_, i) => states[i] === 'gone').map((id) => `s:${id}`);
      await updateTicket(
        ticket.ref,
        {
          ...ticketFields(ticket, customer),
          ids: ids.join(' '),
          suggestions: JSON.stringify(suggestions),
          linked: '0',
        },
        back,
        ids,
      );
    },

    async ticketLinked(ticket, item) {
      await updateTicket(ticket.ref, {
        ...ticketFields(ticket),
        linked: '1',
        ...(item ? { [`s:${docId(item)}`]: 'confirmed' } : {}),
      });
    },

    async ticketUnlinked(ticket, item, stillLinked) {
      await updateTicket(ticket.ref, {
        ...ticketFields(ticket),
        linked: stillLinked ? '1' : '0',
        [`s:${docId(item)}`]: 'rejected',
      });
    },

    async ticketOpen(ticket, open) {
      // Its suggestions' states stay for when it comes back; a ticket never matched gets no record here.
      if (!open) await updateTicket(ticket, {}, ['open']);
      else if (await redis.hexists(keys.triage.ticket(docId(ticket)), 'info'))
        await updateTicket(ticket, { open: '1' });
    },

    async itemGone(item) {
      const suggested = docId(item);
      for (const { member } of await offering(suggested, []))
        await updateTicket(member, { [`s:${suggested}`]: 'gone' });
    },

    async itemRenamed(item) {
      const renamed = docId(item.ref);
      const url = safeUrl(item.url);
      const tickets: ItemRef[] = [];
      for (const { member, values } of await offering(renamed, ['info', 'suggestions'], true)) {
        const [info, stored] = values;
        if (!info || !stored) continue;
        const suggestions = (JSON.parse(stored) as StoredSuggestion[]).map((suggestion) =>
          docId(suggestion.item) === renamed
            ? {
                ...suggestion,
                item: {
                  tracker: item.ref.tracker,
                  id: item.ref.id,
                  key: item.ref.key,
                  title: item.title,
                  ...(url ? { url } : {}),
                },
              }
            : suggestion,
        );
        await redis.eval(
          SUGGESTIONS_RENAMED,
          1,
          keys.triage.ticket(member),
          stored,
          JSON.stringify(suggestions),
        );
        const { tracker, id, key } = JSON.parse(info) as TicketInfo;
        tickets.push({ tracker, id, key });
      }
      return tickets;
    },

    async noMatch(ticket, by) {
      await updateTicket(ticket, { nomatch: JSON.stringify({ by, at: now().toISOString() }) });
    },

    async sprintStarted(board, start) {
      // Work already done when the sprint started is no part of its commitment (Jira's Sprint Report, and the
      // summaries): counted in, it would show as done on day one and drop out at the first summary.
      const committed = start.items.filter((item) => !item.done);
      const unit = burnUpUnit(committed);
      const weight = (item: SprintStart['items'][number]) => (unit === 'points' ? (item.points ?? 0) : 1);
      const scope = committed.reduce((sum, item) => sum + weight(item), 0);
      const at = Date.parse(start.start ?? '') || now().getTime();
      const meta = { sprintId: start.sprintId, name: start.name, start: start.start, end: start.end, unit };
      await redis.hset(keys.sprints.boards, board.id, JSON.stringify(board));
      await redis
        .multi()
        .hset(keys.sprints.burnUp(board.id, start.sprintId), {
          meta: JSON.stringify(meta),
          items: JSON.stringify(committed),
          done: JSON.stringify(start.doneStatuses),
          [`at:${at}`]: `${scope} 0`,
        })
        .hset(keys.sprints.active, board.id, start.sprintId)
        .exec();
    },

    async sprintPosted(board, record, active) {
      const order = keys.sprints.order(board.id);
      const records = keys.sprints.records(board.id);
      const end = Date.parse(record.end ?? record.postedAt) || now().getTime();
      await redis.hset(keys.sprints.boards, board.id, JSON.stringify(board));
      const burnUp = keys.sprints.burnUp(board.id, record.id);
      const posted = redis
        .multi()
        .hset(records, record.id, JSON.stringify(record))
        .zadd(order, end, record.id);
      // A closed sprint's record and the end of its burn-up land together: read between them, the console would
      // list the sprint as closed and show it running.
      if (!active) posted.eval(SPRINT_ENDED, 2, keys.sprints.active, burnUp, board.id, record.id);
      await posted.exec();
      const dropped = await redis.zrange(order, 0, String(-(SPRINTS_KEPT + 1)));
      if (active && (await redis.hexists(burnUp, 'meta'))) {
        const { committed, completed, added, removed, committedPoints, completedPoints } = record.figures;
        const unit = JSON.parse((await redis.hget(burnUp, 'meta')) ?? '{}').unit;
        const sample =
          unit === 'points' && committedPoints !== undefined
            ? `${committedPoints} ${completedPoints ?? 0}`
            : `${(committed ?? 0) + added - (removed ?? 0)} ${completed}`;
        await redis.hset(burnUp, `at:${now().getTime()}`, sample);
      }
      if (dropped.length > 0)
        await redis
          .multi()
          .zrem(order, ...dropped)
          .hdel(records, ...dropped)
          .exec();
    },
  };
}
